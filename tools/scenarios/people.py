"""The synthetic cast of the ten scenarios (domain.md §5): invented names, generated FNRs, test HER-ids.

No real person is described here; FNRs are Tenor-style synthetic numbers (month + 80).
"""

from __future__ import annotations

from datetime import date

from samband.adapters.ident import synthetic_fnr
from samband.adapters.iplan.enums import Role, Sector
from samband.adapters.iplan.model import SourceSystem
from samband.adapters.iplan.model_parts import (
    Code,
    Contact,
    GpRef,
    NationalId,
    Organization,
    Participant,
    ParticipantPerson,
    Period,
    Person,
    PersonName,
    RelatedPerson,
)

KARI_BIRTH = date(1953, 4, 12)
EMMA_BIRTH = date(2016, 9, 3)
KARI_FNR = synthetic_fnr(KARI_BIRTH, 0)
EMMA_FNR = synthetic_fnr(EMMA_BIRTH, 0)

STEINKJER = SourceSystem(
    product="SamPro",
    product_version="4.4",
    municipality_number="5006",
    organization_number="964982953",
    her_id=80001,
)
IP_STATUS = "urn:oid:2.16.578.1.12.4.1.1.8705"
COORDINATOR_STATUS = "urn:oid:2.16.578.1.12.4.1.1.9188"
IPLOS = "urn:oid:2.16.578.1.12.4.1.1.9151"
SERVICE_8663 = "urn:oid:2.16.578.1.12.4.1.1.8663"


def ip_status(code: str, display: str) -> Code:
    return Code(system=IP_STATUS, code=code, display=display)


def coordinator_status(code: str, display: str) -> Code:
    return Code(system=COORDINATOR_STATUS, code=code, display=display)


KARI = Person(
    national_id=NationalId(type="fnr", value=KARI_FNR),
    name=PersonName(given="Kari", family="Nordmann"),
    birth_date=KARI_BIRTH,
    gender="female",
    contact=Contact(phone="+47 90000001", address="Testveien 1, 7713 Steinkjer"),
    gp=GpRef(name="Liv Berg", hpr_number="9100001", her_id=80101),
)
EMMA = Person(
    national_id=NationalId(type="fnr", value=EMMA_FNR),
    name=PersonName(given="Emma", family="Nilsen"),
    birth_date=EMMA_BIRTH,
    gender="female",
    gp=GpRef(name="Jon Sunde", hpr_number="9100009", her_id=80109),
)

KOMMUNE = Organization(name="Steinkjer kommune, Forvaltning", organization_number="964982953", her_id=80002)
KE = Organization(
    name="Steinkjer kommune, Saksbehandling",
    her_id=80003,
    service_type=Code(system=SERVICE_8663, code="KD0501", display="Saksbehandling"),
)
SENTRUM = Organization(name="Sentrum legekontor", organization_number="999000101", her_id=80101)
HJEMME = Organization(
    name="Steinkjer kommune, Hjemmesykepleien",
    her_id=80004,
    service_type=Code(system=SERVICE_8663, code="KP02", display="Sykepleietjeneste"),
)
FYSIO = Organization(name="Steinkjer kommune, Fysio- og ergoterapi", her_id=80005)
NAV = Organization(name="NAV Steinkjer", organization_number="999000202")
PRIVATE = Organization(name="Privat")


def _person(
    pid: str,
    name: str,
    org: Organization,
    sector: Sector,
    roles: tuple[Role, ...],
    *,
    hpr: str | None = None,
    profession: str | None = None,
    phone: str | None = None,
    invite: bool = True,
    contribution: str | None = None,
    joined_at: date | None = None,
) -> Participant:
    return Participant(
        id=pid,
        kind="person",
        person=ParticipantPerson(name=name, hpr_number=hpr, profession=profession, phone=phone),
        organization=org,
        sector=sector,
        roles=roles,
        contribution=contribution,
        invite_to_meetings=invite,
        active=True,
        joined_at=joined_at,
    )


KARI_SELF = _person("p-kari", "Kari Nordmann", PRIVATE, "bruker", ("planeier",), joined_at=date(2026, 1, 12))
BERG = _person(
    "p-berg",
    "Liv Berg",
    SENTRUM,
    "fastlege",
    ("fastlege",),
    hpr="9100001",
    profession="lege",
    phone="+47 74000101",
    invite=False,
    joined_at=date(2026, 1, 12),
)
CASE_OFFICER = _person(
    "p-ke",
    "Siri Vik",
    KE,
    "kommune-helse-omsorg",
    ("kontaktperson",),
    phone="+47 74000003",
    joined_at=date(2026, 1, 12),
)
OLA = _person(
    "p-ola",
    "Ola Hansen",
    KOMMUNE,
    "kommune-helse-omsorg",
    ("koordinator", "teammedlem"),
    hpr="9100002",
    profession="ergoterapeut",
    phone="+47 74000002",
    joined_at=date(2026, 2, 3),
)
HJEMMESYKEPLEIEN = Participant(
    id="p-hjemme",
    kind="unit",
    organization=HJEMME,
    sector="kommune-helse-omsorg",
    roles=("teammedlem",),
    contribution="Hjemmesykepleie, medisinhåndtering",
    invite_to_meetings=True,
    active=True,
    joined_at=date(2026, 2, 3),
)
FYSIOTERAPEUT = _person(
    "p-fysio",
    "Mari Aune",
    FYSIO,
    "kommune-helse-omsorg",
    ("teammedlem",),
    hpr="9100003",
    profession="fysioterapeut",
    contribution="Gangtrening og balanse",
    joined_at=date(2026, 2, 3),
)
PER = _person(
    "p-nav",
    "Per Lie",
    NAV,
    "NAV",
    ("teammedlem",),
    profession="NAV-veileder",
    contribution="Hjelpemidler og stønader",
    joined_at=date(2026, 2, 3),
)

PLAN_PERIOD = Period(start=date(2026, 2, 10), end=date(2027, 2, 9))
ANNE = RelatedPerson(
    id="rp-anne", name=PersonName(given="Anne", family="Nilsen"), relationship="mor", is_consent_giver=True
)
TOR = RelatedPerson(
    id="rp-tor", name=PersonName(given="Tor", family="Nilsen"), relationship="far", is_consent_giver=True
)
