"""FNR/DNR mod-11 checks (synthetic test numbers accepted), HER/HPR format, org.nr, generator."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.ident import (
    PersonIdKind,
    check_person_id,
    is_valid_dnr,
    is_valid_fnr,
    is_valid_her,
    is_valid_hpr,
    is_valid_orgnr,
    synthetic_fnr,
)


@pytest.mark.parametrize("offset", [0, 40, 80])
@pytest.mark.parametrize("birth", [date(1931, 1, 1), date(1987, 6, 30), date(2012, 12, 31)])
def test_generated_numbers_are_valid_fnrs_and_dnrs(birth: date, offset: int) -> None:
    fnr = synthetic_fnr(birth, 3, test_offset=offset)
    check = check_person_id(fnr)
    assert check.valid and check.kind is PersonIdKind.FNR and check.synthetic == (offset > 0)
    assert fnr[:2] == f"{birth.day:02d}" and int(fnr[2:4]) == birth.month + offset
    dnr = synthetic_fnr(birth, test_offset=offset, dnr=True)
    assert is_valid_dnr(dnr) and not is_valid_fnr(dnr)


def test_every_single_digit_change_is_caught() -> None:
    fnr = synthetic_fnr(date(1975, 4, 12), 7)
    for position in range(11):
        digit = int(fnr[position])
        altered = fnr[:position] + str((digit + 1) % 10) + fnr[position + 1 :]
        assert not check_person_id(altered).valid, altered


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1234567890", "11 digits"),
        ("1234567890a", "11 digits"),
        ("32015012345", "not a date"),
        ("01135012345", "not a date"),
    ],
)
def test_malformed_values_say_what_is_wrong(value: str, problem: str) -> None:
    check = check_person_id(value)
    assert not check.valid and check.problem is not None and problem in check.problem


def test_distinct_indexes_give_distinct_numbers() -> None:
    numbers = {synthetic_fnr(date(1990, 2, 2), i) for i in range(50)}
    assert len(numbers) == 50


def test_her_hpr_and_orgnr_formats() -> None:
    assert is_valid_her("8142987") and is_valid_her("59")
    assert not is_valid_her("369.767") and not is_valid_her("") and not is_valid_her("1234567890")
    assert is_valid_hpr("9876543") and not is_valid_hpr("HPR1")
    assert is_valid_orgnr("889640782") and not is_valid_orgnr("889640783") and not is_valid_orgnr("12345")
