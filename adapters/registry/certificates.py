"""X.509 certificates found in CPP/CPA ``ds:X509Certificate`` and Adresseregister CertificateDetails.

Summarised as data (subject, issuer, serial, validity, key usage, SHA-1 thumbprint); text that is
not a certificate (template placeholders such as ``NONREPSERTIFIKATIB64``) is kept as a problem,
never raised, so a CPP template still reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

# RFC 5280 §4.2.1.3 KeyUsage bits as cryptography names them; nonRepudiation = content_commitment.
_KEY_USAGES = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
)
SIGNING_USAGES = frozenset({"nonRepudiation", "digitalSignature"})
ENCRYPTION_USAGES = frozenset({"keyEncipherment", "dataEncipherment"})


@dataclass(frozen=True)
class CertificateInfo:
    """A certificate as data. ``der`` is None when the text was not a certificate (see ``problem``)."""

    der: bytes | None
    subject: str | None = None
    issuer: str | None = None
    serial_number: str | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None
    key_usage: tuple[str, ...] = ()
    thumbprint: str | None = None
    problem: str | None = None

    @property
    def for_signing(self) -> bool:
        """HIS 1037 §5.5: the envelope is signed with the nonRepudiation certificate."""
        return "nonRepudiation" in self.key_usage

    @property
    def for_encryption(self) -> bool:
        return bool(ENCRYPTION_USAGES & set(self.key_usage))

    def valid_at(self, moment: datetime) -> bool:
        return (
            self.not_before is not None
            and self.not_after is not None
            and (self.not_before <= moment <= self.not_after)
        )


def _key_usage(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(name for attribute, name in _KEY_USAGES if getattr(usage, attribute))


def certificate_info(text: str | None) -> CertificateInfo:
    """Read base64 DER text (whitespace allowed) into ``CertificateInfo``."""
    compact = "".join((text or "").split())
    if not compact:
        return CertificateInfo(der=None, problem="empty certificate element")
    try:
        der = base64.b64decode(compact, validate=True)
        cert = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        return CertificateInfo(der=None, problem=f"not a base64 DER certificate: {compact[:40]!r} ({exc})")
    return CertificateInfo(
        der=der,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial_number=str(cert.serial_number),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_usage=_key_usage(cert),
        thumbprint=hashlib.sha1(der, usedforsecurity=False).hexdigest().upper(),
    )
