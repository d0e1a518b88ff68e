"""Synthetic parties and patients for building test messages (invented names, test HER-ids,
synthetic FNRs with valid check digits)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from samband.adapters.ident import synthetic_fnr
from samband.adapters.msghead import Code, HealthcareProfessional, Ident, Organisation, Person

NOW = datetime(2024, 3, 1, 10, 30, tzinfo=UTC)
ORG_HER = Code.of("HER", "HER-id", 9051)
PERSON_HER = Code.of("HER", "HER-id", 8116)


def her(value: str, *, person: bool = False) -> Ident:
    return Ident(id=value, type_id=PERSON_HER if person else ORG_HER)


def municipality() -> Organisation:
    """A municipal service addressed at level 2 (tjenestebasert adressering)."""
    return Organisation(
        name="Testvik kommune",
        idents=(her("990001"), Ident(id="999888777", type_id=Code.of("ENH", "Organisasjonsnummer", 9051))),
        organisation=Organisation(name="Hjemmesykepleien Testvik", idents=(her("990002"),)),
    )


def gp_office() -> Organisation:
    """A GP office addressed per person (the GP's HER-id at level 2)."""
    return Organisation(
        name="Fjordlia legekontor",
        idents=(her("880001"),),
        healthcare_professional=HealthcareProfessional(
            given_name="Kari",
            family_name="Oppdiktet",
            role_to_patient=Code.of("6", "Fastlege", 9034),
            idents=(
                her("880002", person=True),
                Ident(id="9876543", type_id=Code.of("HPR", "HPR-nummer", 8116)),
            ),
        ),
    )


def patient(index: int = 0) -> Person:
    return Person(
        family_name="Testesen",
        given_name="Ola",
        date_of_birth="1948-05-17",
        sex=Code(v="1", dn="Mann"),
        idents=(
            Ident(id=synthetic_fnr(date(1948, 5, 17), index), type_id=Code.of("FNR", "Fødselsnummer", 8116)),
        ),
    )
