"""The facts a GP message is written from: the patient, the parties, coordinator, team, services.

Gathered by ``features/feedback/service.py`` from the referral, the pivot (CareTeam, CarePlan) and
the ip-export, then passed whole to the pure composer. Team members carry whether their name may
be shown (domain.md §5 scenario 4: NAV shown as a service, not by name, unless consent covers it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class PersonContact:
    """A person the GP may contact: coordinator or case officer (forskrift om IP § 21: koordinator)."""

    name: str
    role: str | None = None
    unit: str | None = None
    phone: str | None = None
    email: str | None = None
    her_id: str | None = None
    hpr: str | None = None


@dataclass(frozen=True)
class ServiceLine:
    """One municipal service: PLO 1.6 EksisterendeTjeneste (IPLOStjenestetype 9151, extent, dates).

    ``status``: granted, changed, ended or rejected; ``reason`` is the short text for a rejection.
    """

    name: str
    status: str = "granted"
    iplos_code: str | None = None
    iplos_text: str | None = None
    provided_by: str | None = None
    amount: Decimal | None = None
    unit: str | None = None
    start: date | None = None
    end: date | None = None
    reason: str | None = None
    private: bool = False
    extent_text: str | None = None


@dataclass(frozen=True)
class TeamEntry:
    """A team member as the GP may see them: service and role always, the name only when allowed."""

    service: str
    role: str
    name: str | None = None
    show_name: bool = True
    role_only: bool = False

    @property
    def shown(self) -> str:
        if self.role_only:
            return self.role
        if self.name and self.show_name:
            return f"{self.name} ({self.role}, {self.service})"
        return f"{self.service} ({self.role})"


@dataclass(frozen=True)
class PatientRef:
    """The patient as Hodemelding Patient needs it: FNR/DNR, names, birth date."""

    ident: str
    given: str
    family: str
    birth_date: date | None = None
    ident_type: str = "FNR"

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class OrgParty:
    """A communication party: the organisation (level 1) and the service or person (level 2)."""

    name: str
    her_id: str
    unit_name: str | None = None
    unit_her: str | None = None
    organisation_number: str | None = None
    person_name: str | None = None
    hpr: str | None = None

    @property
    def communication_her(self) -> str:
        """HER-id of the actual receiver (level 2 when there is one), as ebXML To/PartyId wants."""
        return self.unit_her or self.her_id


@dataclass(frozen=True)
class CaseFacts:
    """Everything about the patient's case that a GP message may draw on."""

    patient: PatientRef
    sender: OrgParty
    gp: OrgParty | None = None
    coordinator: PersonContact | None = None
    case_officer: PersonContact | None = None
    team: tuple[TeamEntry, ...] = ()
    services: tuple[ServiceLine, ...] = ()
    plan_id: str | None = None
    plan_start: date | None = None
    plan_end: date | None = None
    next_revision: date | None = None
    referral_msg_id: str | None = None
    referral_date: date | None = None
    conversation_id: str | None = None
