"""Norwegian person identifiers: fødselsnummer (FNR), D-nummer (DNR) and their mod-11 check digits.

Synthetic test identities are accepted: month + 40 (NAV/Dolly test numbers) and month + 80
(Skatteetaten Tenor synthetic numbers). ``synthetic_fnr`` generates valid ones for tests; real
persons never appear in this project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ELEVEN = re.compile(r"^\d{11}$")
TEST_MONTH_OFFSETS = (0, 40, 80)


class PersonIdKind(StrEnum):
    """ID-type for personer (kodeverk 8116) this module checks."""

    FNR = "FNR"
    DNR = "DNR"


@dataclass(frozen=True)
class PersonIdCheck:
    """Outcome of checking one identifier: ``problem`` is None when it is valid."""

    value: str
    kind: PersonIdKind | None
    problem: str | None
    synthetic: bool = False

    @property
    def valid(self) -> bool:
        return self.problem is None


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def check_digits_ok(value: str) -> bool:
    """Both mod-11 control digits (positions 10 and 11) are right."""
    if not _ELEVEN.match(value):
        return False
    k1 = _check_digit(value[:9], _K1)
    k2 = _check_digit(value[:10], _K2)
    return k1 == int(value[9]) and k2 == int(value[10])


def _month_and_synthetic(month: int) -> tuple[int, bool] | None:
    for offset in TEST_MONTH_OFFSETS:
        if 1 <= month - offset <= 12:
            return month - offset, offset > 0
    return None


def check_person_id(value: str) -> PersonIdCheck:
    """Check an FNR or DNR: 11 digits, a real date (day + 40 for DNR), both check digits."""
    text = value.strip()
    if not _ELEVEN.match(text):
        return PersonIdCheck(text, None, "must be exactly 11 digits")
    day, month = int(text[0:2]), int(text[2:4])
    kind = PersonIdKind.DNR if day > 40 else PersonIdKind.FNR
    day = day - 40 if kind is PersonIdKind.DNR else day
    month_info = _month_and_synthetic(month)
    if month_info is None or birth_date(text) is None:
        return PersonIdCheck(text, kind, "the first six digits are not a date (DDMMYY)")
    if not check_digits_ok(text):
        return PersonIdCheck(text, kind, "the check digits (positions 10 and 11) are wrong", month_info[1])
    return PersonIdCheck(text, kind, None, month_info[1])


def _birth_year(yy: int, individual: int) -> int | None:
    """Century from the individual number (Skatteetaten's rules for fødselsnummer)."""
    if individual <= 499:
        return 1900 + yy
    if individual <= 749 and yy >= 54:
        return 1800 + yy
    if yy <= 39:
        return 2000 + yy
    if individual >= 900:
        return 1900 + yy
    return None


def birth_date(value: str) -> date | None:
    """The date of birth an FNR/DNR encodes (DNR day − 40, test month − 40/80), or None."""
    text = value.strip()
    if not _ELEVEN.match(text):
        return None
    day, month, yy, individual = int(text[0:2]), int(text[2:4]), int(text[4:6]), int(text[6:9])
    day = day - 40 if day > 40 else day
    month_info = _month_and_synthetic(month)
    if month_info is None:
        return None
    known = _birth_year(yy, individual)
    # individual numbers outside the published century ranges occur in synthetic test data:
    # then the date only has to exist in some century
    for year in (known,) if known is not None else (1900 + yy, 2000 + yy, 1800 + yy):
        try:
            return date(year, month_info[0], day)
        except ValueError:
            continue
    return None


def is_valid_fnr(value: str) -> bool:
    check = check_person_id(value)
    return check.valid and check.kind is PersonIdKind.FNR


def is_valid_dnr(value: str) -> bool:
    check = check_person_id(value)
    return check.valid and check.kind is PersonIdKind.DNR


def _individual_range(year: int) -> range:
    if 1900 <= year <= 1999:
        return range(500)
    if 2000 <= year <= 2039:
        return range(500, 1000)
    if 1854 <= year <= 1899:
        return range(500, 750)
    raise ValueError(f"no individual-number range for year {year}")


def synthetic_fnr(birth: date, index: int = 0, *, dnr: bool = False, test_offset: int = 80) -> str:
    """A valid synthetic FNR/DNR for ``birth``: month + ``test_offset`` (80 Tenor, 40 NAV, 0 plain).

    ``index`` walks the individual numbers; numbers whose check digit would be 10 are skipped.
    """
    day = birth.day + (40 if dnr else 0)
    prefix = f"{day:02d}{birth.month + test_offset:02d}{birth.year % 100:02d}"
    seen = 0
    for individual in _individual_range(birth.year):
        base = f"{prefix}{individual:03d}"
        k1 = _check_digit(base, _K1)
        k2 = _check_digit(f"{base}{k1}", _K2) if k1 is not None else None
        if k1 is None or k2 is None:
            continue
        if seen == index:
            return f"{base}{k1}{k2}"
        seen += 1
    raise ValueError(f"no synthetic number left for {birth} at index {index}")
