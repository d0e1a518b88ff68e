"""Delivery of outbound messages: transports, the retry policy and the worker that drives them."""
