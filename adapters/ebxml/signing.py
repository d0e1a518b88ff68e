"""Where XML-DSig of the envelope plugs in (HIS 1037 §5.5, HITS 1171 §5.2.5): Signer and Verifier.

Callers pass a signer to ``serialize_ebxml``/``serialize_package`` and a verifier to
``parse_ebxml``. The defaults here sign nothing and accept everything, so a real implementation
(inclusive C14N, the ebMS XPath transform, one ``cid:`` reference per payload) can be added later
without changing any caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from samband.adapters.ebxml.model import Payload


class Signer(Protocol):
    """Adds ds:Signature to a serialized SOAP envelope and returns the signed envelope."""

    def sign(self, envelope: bytes, payloads: Sequence[Payload]) -> bytes: ...


class Verifier(Protocol):
    """Checks the ds:Signature of a received envelope; raises a coded ``MessageRejected`` if bad."""

    def verify(self, envelope: bytes, payloads: Sequence[Payload]) -> None: ...


class Unsigned:
    """The default signer: returns the envelope as it is (no ds:Signature)."""

    def sign(self, envelope: bytes, payloads: Sequence[Payload]) -> bytes:
        return envelope


class AcceptAll:
    """The default verifier: accepts every envelope, signed or not."""

    def verify(self, envelope: bytes, payloads: Sequence[Payload]) -> None:
        return None


UNSIGNED = Unsigned()
ACCEPT_ALL = AcceptAll()
