"""Norwegian identifier systems (no-basis NamingSystems, fhir.md §2.2) and the FNR/DNR check digits."""

from __future__ import annotations

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
FHN = "urn:oid:2.16.578.1.12.4.1.4.3"
HPR = "urn:oid:2.16.578.1.12.4.1.4.4"
DUF = "urn:oid:2.16.578.1.12.4.1.4.5"
ENH = "urn:oid:2.16.578.1.12.4.1.4.101"
RESH = "urn:oid:2.16.578.1.12.4.1.4.102"
HER = "urn:oid:2.16.578.1.12.4.1.2"
HNR = "HNR"
URI = "urn:ietf:rfc:3986"

NORWEGIAN_SYSTEMS = frozenset({FNR, DNR, FHN, HPR, DUF, ENH, RESH, HER, HNR, URI})
LOCAL_PREFIX = "urn:oid:2.16.578.1.12.4.1.1.9051:"
"""Local ids (9051 LAV/LIN …) are emitted as ``urn:oid:2.16.578.1.12.4.1.1.9051:<type>``."""

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest == 11 else None if rest == 10 else rest


def valid_person_number(value: str) -> bool:
    """FNR/DNR: 11 digits whose two modulus-11 check digits are right."""
    if len(value) != 11 or not value.isdigit():
        return False
    return _check_digit(value[:9], _W1) == int(value[9]) and _check_digit(value[:10], _W2) == int(value[10])


def person_system(value: str) -> str:
    """FNR or DNR system for an 11-digit person number (DNR: first digit + 4)."""
    return DNR if value[:1] in "4567" else FNR


def is_norwegian_system(system: str | None) -> bool:
    return system is not None and (system in NORWEGIAN_SYSTEMS or system.startswith(LOCAL_PREFIX))
