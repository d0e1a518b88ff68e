"""The building blocks of an individual plan: people, consents, goals, PSFS, measures, meetings.

Each class is one contract type of ip-export v1 (docs/ip-export.md); field docs are the reference.
Regulation items cite Forskrift om individuell plan ved ytelse av velferdstjenester (2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from samband.adapters.iplan import enums as e
from samband.adapters.iplan.spec import spec_field as f

NID = r"^\d{11}$"
ORGNR = r"^\d{9}$"
HPR = r"^\d{1,9}$"


@dataclass(frozen=True, kw_only=True)
class Code:
    """A coded value from a national code list (Volven OID system) or the contract's own."""

    system: str = f("Code system, e.g. urn:oid:2.16.578.1.12.4.1.1.8705", xml="attr")
    code: str = f("The code", xml="attr")
    display: str | None = f("Display text", default=None, xml="attr")


@dataclass(frozen=True, kw_only=True)
class Period:
    """A date interval; ``end`` open means ongoing."""

    start: date = f("First day")
    end: date | None = f("Last day (inclusive); absent = open", default=None)


@dataclass(frozen=True, kw_only=True)
class NationalId:
    """Fødselsnummer or D-nummer with valid mod-11 check digits."""

    type: e.IdentType = f("fnr or dnr")
    value: str = f("11 digits", pattern=NID)


@dataclass(frozen=True, kw_only=True)
class PersonName:
    given: str = f("Given name(s)")
    family: str = f("Family name")


@dataclass(frozen=True, kw_only=True)
class Contact:
    phone: str | None = f("Phone number", default=None)
    email: str | None = f("E-mail address", default=None)
    address: str | None = f("Postal address as one line", default=None)


@dataclass(frozen=True, kw_only=True)
class GpRef:
    """The fastlege from the national GP register."""

    name: str = f("GP name")
    hpr_number: str | None = f("HPR-nummer", default=None, pattern=HPR)
    her_id: int | None = f("HER-id of the GP office (Adresseregisteret)", default=None)


@dataclass(frozen=True, kw_only=True)
class Person:
    """The plan owner (planeier / tjenestemottaker)."""

    national_id: NationalId = f("FNR/DNR")
    name: PersonName = f("Name")
    birth_date: date = f("Birth date; decides barnekoordinator eligibility (< 18)")
    gender: e.Gender | None = f("Gender", default=None)
    contact: Contact | None = f("Contact details", default=None)
    gp: GpRef | None = f("Fastlege", default=None)


@dataclass(frozen=True, kw_only=True)
class RelatedPerson:
    """Pårørende, foresatt or verge; for a child the parents who give consent."""

    id: str = f("Source id", xml="attr")
    name: PersonName = f("Name")
    relationship: e.Relationship = f("Relationship to the plan owner")
    is_consent_giver: bool = f("Gives consent on the owner's behalf (parents of a child, verge)")
    participant_ref: str | None = f("The participant entry when they take part", default=None, xml="ref")
    contact: Contact | None = f("Contact details", default=None)


@dataclass(frozen=True, kw_only=True)
class ParticipantPerson:
    name: str = f("Full name")
    hpr_number: str | None = f("HPR-nummer (health personnel only)", default=None, pattern=HPR)
    profession: str | None = f("Profession, e.g. ergoterapeut", default=None)
    phone: str | None = f("Phone", default=None)
    email: str | None = f("E-mail", default=None)


@dataclass(frozen=True, kw_only=True)
class Organization:
    """The service or unit a participant acts for (onBehalfOf)."""

    name: str = f("Name of the unit or service")
    organization_number: str | None = f("Organisasjonsnummer", default=None, pattern=ORGNR)
    her_id: int | None = f("HER-id (Adresseregisteret), health actors only", default=None)
    service_type: Code | None = f("Service type, Volven 8663/8666", default=None)


@dataclass(frozen=True, kw_only=True)
class Participant:
    """A member of the plan work / oppfølgingsteam (items 2, 3, 4)."""

    id: str = f("Source id", xml="attr")
    kind: e.ParticipantKind = f("person, or a unit standing in for several staff")
    person: ParticipantPerson | None = f("The person; required when kind = person", default=None)
    organization: Organization = f("Service, unit or sector body the participant acts for")
    sector: e.Sector = f("Sector (multi-sector by law)")
    roles: tuple[e.Role, ...] = f("Roles in the plan work", item="role", min_items=1, reg="2, 3")
    contribution: str | None = f("What the participant contributes", default=None, reg="4")
    access_period: Period | None = f("Access period granted by consent", default=None)
    access_scope: tuple[e.AccessScope, ...] = f("Plan parts the participant sees", default=(), item="scope")
    invite_to_meetings: bool = f("Invited to team meetings")
    active: bool = f("Currently a participant")
    joined_at: date | None = f("Joined the plan work", default=None)
    left_at: date | None = f("Left the plan work", default=None)


@dataclass(frozen=True, kw_only=True)
class Consent:
    """Samtykke (item 8): to the plan, to a participant's access, to sharing, to closure."""

    id: str = f("Source id", xml="attr")
    type: e.ConsentType = f("What the consent covers")
    granted_by_ref: str = f("Participant or related person who consented", xml="ref")
    participant_ref: str | None = f("Whose access; required for participant-access", default=None, xml="ref")
    scope: tuple[e.AccessScope, ...] = f("Plan parts covered", default=(), item="scope")
    period: Period = f("Validity (from, until)")
    status: e.ConsentStatus = f("active, expired or withdrawn")
    signed: bool = f("A signed consent is on file")
    document_ref: str | None = f("The scanned consent attachment", default=None, xml="ref", roundtrip=False)
    recorded_at: datetime = f("When the consent was recorded")


@dataclass(frozen=True, kw_only=True)
class PlanResource:
    """Ressurs (item 1)."""

    id: str = f("Source id", xml="attr")
    text: str = f("The resource")
    holder: e.ResourceHolder | None = f("Whose resource", default=None)


@dataclass(frozen=True, kw_only=True)
class Need:
    """Behov (item 1)."""

    id: str = f("Source id", xml="attr")
    text: str = f("The need")
    life_area: e.LifeArea | None = f("Life area", default=None)
    identified_by_ref: str | None = f("Who identified it", default=None, xml="ref")


@dataclass(frozen=True, kw_only=True)
class Comment:
    """A dated note (comment on a goal, progress note on a measure, input to a meeting)."""

    at: datetime = f("When written")
    author_ref: str | None = f("Author (participant)", default=None, xml="ref")
    text: str = f("The note")
