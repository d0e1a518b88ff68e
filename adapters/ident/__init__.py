"""Norwegian identifier checks: FNR/DNR (mod-11, synthetic test numbers accepted), HER-id, HPR, org.nr."""

from samband.adapters.ident.actor import her_problem, hpr_problem, is_valid_her, is_valid_hpr, is_valid_orgnr
from samband.adapters.ident.person import (
    PersonIdCheck,
    PersonIdKind,
    birth_date,
    check_digits_ok,
    check_person_id,
    is_valid_dnr,
    is_valid_fnr,
    synthetic_fnr,
)

__all__ = [
    "PersonIdCheck",
    "PersonIdKind",
    "birth_date",
    "check_digits_ok",
    "check_person_id",
    "her_problem",
    "hpr_problem",
    "is_valid_dnr",
    "is_valid_fnr",
    "is_valid_her",
    "is_valid_hpr",
    "is_valid_orgnr",
    "synthetic_fnr",
]
