"""Deterministic ids: resource ids derived from identifiers, and content hashes of payloads."""

from __future__ import annotations

import hashlib
import uuid

SAMBAND_NAMESPACE = uuid.UUID("6f1c3c1e-2b7a-5d2e-9b0a-5a6d2c1b9e01")


def stable_id(*parts: str) -> str:
    """A deterministic UUID (v5) derived from identifiers: same parts, same id."""
    return str(uuid.uuid5(SAMBAND_NAMESPACE, "|".join(parts)))


def content_hash(data: bytes) -> str:
    """SHA-256 of ``data`` as hex: the dedup key of a stored payload."""
    return hashlib.sha256(data).hexdigest()
