"""Identifiers of health actors: HER-id (Adresseregisteret), HPR-nummer, organisasjonsnummer (ENH).

HER-id and HPR-nummer carry no check digit: the check is the format (1–9 digits). The
organisasjonsnummer has a mod-11 check digit (weights 3 2 7 6 5 4 3 2).
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\d{1,9}$")
_ORGNR = re.compile(r"^\d{9}$")
_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def her_problem(value: str | None) -> str | None:
    """Why ``value`` is not a well-formed HER-id, or None."""
    if value is None or not value.strip():
        return "HER-id is missing"
    if not _DIGITS.match(value.strip()):
        return f"HER-id {value!r} must be 1 to 9 digits"
    return None


def is_valid_her(value: str | None) -> bool:
    return her_problem(value) is None


def hpr_problem(value: str | None) -> str | None:
    """Why ``value`` is not a well-formed HPR-nummer, or None."""
    if value is None or not value.strip():
        return "HPR-nummer is missing"
    if not _DIGITS.match(value.strip()):
        return f"HPR-nummer {value!r} must be 1 to 9 digits"
    return None


def is_valid_hpr(value: str | None) -> bool:
    return hpr_problem(value) is None


def is_valid_orgnr(value: str | None) -> bool:
    """Organisasjonsnummer (Enhetsregisteret): 9 digits, mod-11 check digit last."""
    if value is None or not _ORGNR.match(value.strip()):
        return False
    digits = value.strip()
    remainder = sum(int(d) * w for d, w in zip(digits, _ORG_WEIGHTS, strict=False)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == int(digits[8])
