"""Deterministic ids: resource ids derived from identifiers, and content hashes of payloads."""

from __future__ import annotations

import hashlib
import uuid

SAMBAND_NAMESPACE = uuid.UUID("6f1c3c1e-2b7a-5d2e-9b0a-5a6d2c1b9e01")
_NAMESPACE_BYTES = SAMBAND_NAMESPACE.bytes


def stable_id(*parts: str) -> str:
    """A deterministic UUID (v5) derived from identifiers: same parts, same id.

    ``str(uuid.uuid5(SAMBAND_NAMESPACE, "|".join(parts)))`` written out (the SHA-1 of namespace and
    name, version 5 and the RFC 4122 variant set in it), without building a ``UUID`` object."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "|".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def content_hash(data: bytes) -> str:
    """SHA-256 of ``data`` as hex: the dedup key of a stored payload."""
    return hashlib.sha256(data).hexdigest()
