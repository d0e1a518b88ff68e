"""Hostile and broken input against every inbound endpoint of the running service."""
