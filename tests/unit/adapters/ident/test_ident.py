"""FNR/DNR mod-11 checks (synthetic test numbers accepted), HER/HPR format, org.nr, generator."""

from __future__ import annotations

from datetime import date

import pytest

from samband.adapters.ident import (
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


@pytest.mark.parametrize(
    "birth", [date(1899, 7, 1), date(1950, 2, 28), date(2000, 2, 29), date(2024, 11, 30)]
)
def test_birth_date_is_read_back_with_the_right_century(birth: date) -> None:
    from samband.adapters.ident import birth_date

    assert birth_date(synthetic_fnr(birth, 2)) == birth
    assert birth_date(synthetic_fnr(birth, dnr=True, test_offset=40)) == birth


def test_impossible_dates_are_refused_even_with_right_check_digits() -> None:
    from samband.adapters.ident.person import check_digits_ok

    candidates = (f"300250{n:03d}{k1}{k2}" for n in range(100) for k1 in range(10) for k2 in range(10))
    value = next(v for v in candidates if check_digits_ok(v))  # 30 February 1950, check digits right
    check = check_person_id(value)
    assert not check.valid and check.problem is not None and "not a date" in check.problem
