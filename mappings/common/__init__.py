"""Builders every format mapping shares: identifiers, participants, MessageHeader, Provenance, Bundle."""
