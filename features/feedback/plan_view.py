"""The plan as GP messages see it: participants by service and role, the GP, services with their
vedtak, and the case facts (coordinator, case officer, team, services, period) for a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.model_parts import Participant
from samband.adapters.iplan.model_work import Measure
from samband.features.feedback.facts import (
    CaseFacts,
    OrgParty,
    PatientRef,
    PersonContact,
    ServiceLine,
    TeamEntry,
)
from samband.features.feedback.texts import Texts

ENDED = frozenset({"completed", "cancelled", "rejected"})


@dataclass(frozen=True)
class PlanView:
    """The plan after the revision, with the lookups the converters share."""

    plan: IndividualPlan
    texts: Texts

    def participant(self, pid: str | None) -> Participant | None:
        return next((p for p in self.plan.participants if p.id == pid), None)

    @property
    def gp(self) -> Participant | None:
        return next((p for p in self.plan.participants if p.sector == "fastlege" and p.active), None)

    def name(self, p: Participant | None) -> str | None:
        if p is None:
            return None
        return p.person.name if p.person else p.organization.name

    def contact(self, p: Participant | None) -> PersonContact | None:
        if p is None:
            return None
        role = next((r for r in p.roles if r in ("koordinator", "barnekoordinator")), p.roles[0])
        return PersonContact(
            name=self.name(p) or p.organization.name,
            role=self.texts.term("roles", role),
            unit=p.organization.name,
            phone=p.person.phone if p.person else None,
            email=p.person.email if p.person else None,
            her_id=str(p.organization.her_id) if p.organization.her_id else None,
            hpr=p.person.hpr_number if p.person else None,
        )

    def team(self) -> tuple[TeamEntry, ...]:
        entries = [
            self.entry(p)
            for p in self.plan.participants
            if p.active and "planeier" not in p.roles and p.sector != "fastlege"
        ]
        unique = {entry.shown: entry for entry in entries}
        return tuple(unique.values())

    def entry(self, p: Participant) -> TeamEntry:
        """The member by service and role; by name only in the health sectors, by role only for family."""
        return TeamEntry(
            service=p.organization.name,
            role=", ".join(self.texts.term("roles", r) or r for r in p.roles),
            name=p.person.name if p.person else None,
            show_name=p.sector in self.texts.vocabulary["health_sectors"],
            role_only=p.sector in self.texts.vocabulary["role_only_sectors"],
        )

    def gp_scope(self) -> str | None:
        """What plan content the GP's active consents cover, in Norwegian (mål, tiltak, møter)."""
        gp = self.gp
        scopes = {
            s
            for c in self.plan.consents
            if gp is not None and c.participant_ref == gp.id and c.status == "active"
            for s in c.scope
        }
        return ", ".join(self.texts.term("scopes", s) or s for s in sorted(scopes)) or None

    def service(self, m: Measure) -> ServiceLine:
        extent = m.extent
        unit = None
        if extent is not None and extent.unit:
            per = self.texts.term("per", extent.per) if extent.per else None
            unit = " per ".join(x for x in (self.texts.term("units", extent.unit), per) if x)
        code = m.decision.service_code if m.decision else None
        status = "rejected" if m.status == "rejected" else ("ended" if m.status in ENDED else "granted")
        return ServiceLine(
            name=m.title,
            status=status,
            iplos_code=code.code if code else None,
            iplos_text=code.display if code else None,
            provided_by=self.name(self.participant(m.responsible_ref)),
            amount=Decimal(str(extent.amount)) if extent and extent.amount is not None else None,
            unit=unit or None,
            extent_text=extent.text if extent else None,
            start=m.period.start if m.period else None,
            end=m.period.end if m.period else (m.status_date if m.status in ENDED else None),
            reason=m.decision.reason if m.decision else None,
        )


def case_facts(plan: IndividualPlan, texts: Texts, sender: OrgParty, gp: OrgParty | None) -> CaseFacts:
    """The case as GP messages see it, from the plan's current state (coordinator, team, services)."""
    view = PlanView(plan, texts)
    subject = plan.subject
    officer = next((p for p in plan.participants if "kontaktperson" in p.roles and p.active), None)
    running = ("active", "granted")
    services = tuple(view.service(m) for m in plan.measures if m.decision and m.status in running)
    return CaseFacts(
        patient=PatientRef(
            ident=subject.national_id.value,
            given=subject.name.given,
            family=subject.name.family,
            birth_date=subject.birth_date,
            ident_type=subject.national_id.type.upper(),
        ),
        sender=sender,
        gp=gp,
        coordinator=view.contact(view.participant(plan.coordinator_ref)),
        case_officer=view.contact(officer),
        team=view.team(),
        services=services,
        plan_id=plan.id,
        plan_start=plan.plan_period.start if plan.status != "draft" else None,
        plan_end=plan.plan_period.end,
        next_revision=plan.next_revision_date,
    )
