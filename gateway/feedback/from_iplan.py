"""ip-export change events (adapters/iplan/changes.py) as feedback events, with the facts the GP needs.

The IP tool holds the whole case (domain.md §5): KE's registration is the first, draft export
(→ referral.registered, F1); measures with a vedtak are municipal services (→ decision.made F2,
service.changed/ended F7); the plan turning active is "IP opprettet" (F4). Everything else that is
a plan edit becomes a digest item. ``CONVERTERS`` is the plain dict from change kind to converter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from adapters.iplan.changes import ChangeEvent
from adapters.iplan.model import IndividualPlan
from adapters.iplan.model_parts import Participant
from adapters.iplan.model_work import Measure
from gateway.feedback.events import EventKind, FeedbackEvent
from gateway.feedback.facts import CaseFacts, OrgParty, PatientRef, PersonContact, ServiceLine, TeamEntry
from gateway.feedback.texts import Texts

SOURCE = "ip-export"
ACTIVE_IP = "101"
CONTENT_SCOPES = frozenset({"goals", "measures", "meetings", "all"})
ENDED = frozenset({"completed", "cancelled", "rejected"})
COVERED_HEADER = frozenset({"ipStatus", "coordinatorStatus", "status", "closure"})


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


def _event(
    kind: EventKind, change: ChangeEvent, facts: dict[str, Any], *, significant: bool = True
) -> FeedbackEvent:
    return FeedbackEvent(
        kind=kind,
        patient_id=change.person_ident,
        at=change.at,
        source=SOURCE,
        source_ref=f"{change.plan_id}@{change.revision}",
        plan_id=change.plan_id,
        subject_id=change.subject_id,
        significant=significant,
        facts=facts,
    )


def _team_facts(view: PlanView) -> dict[str, Any]:
    team = view.team()
    coordinator = view.participant(view.plan.coordinator_ref)
    contact = view.contact(coordinator)
    return {
        "team": [{"shown": t.shown} for t in team],
        "team_signature": sorted(t.shown for t in team),
        "team_established": coordinator is not None,
        "coordinator_id": view.plan.coordinator_ref,
        "coordinator": contact,
        "gp_feedback_consent": view.gp is not None,
    }


Converter = Callable[[ChangeEvent, PlanView], Iterator[FeedbackEvent]]


def _plan_created(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    plan = view.plan
    gp = view.gp
    if plan.status == "draft":
        officer = next((p for p in plan.participants if "kontaktperson" in p.roles), None)
        identified = any(n.identified_by_ref == (gp.id if gp else None) for n in plan.needs)
        referrer = plan.subject.gp.her_id if plan.subject.gp and identified else None
        yield _event(
            EventKind.REFERRAL_REGISTERED,
            change,
            {
                "case_id": plan.id,
                "case_officer": view.contact(officer),
                "referrer_her": str(referrer) if referrer else None,
                "referral_date": change.at.date(),
                "gp_feedback_consent": gp is not None,
            },
        )
        return
    yield from _plan_active(change, view)


def _plan_active(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    plan = view.plan
    gp = view.gp
    yield _event(
        EventKind.PLAN_CREATED,
        change,
        {
            "plan_id": plan.id,
            "plan_created_date": change.at.date(),
            "gp_scope": view.gp_scope(),
            "gp_participant": True if gp else None,
            "gp_not_participant": None if gp else True,
            "gp_feedback_consent": gp is not None,
        },
    )


def _plan_changed(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    plan = view.plan
    if change.subject_id == plan.id:
        if set(change.after or {}) <= COVERED_HEADER or plan.status == "closed":
            return  # told by F2 (decision), F4 (plan active) or F9 (closure)
        before_status = (change.before or {}).get("ipStatus") or {}
        after_status = (change.after or {}).get("ipStatus") or {}
        if after_status.get("code") == ACTIVE_IP and before_status.get("code") != ACTIVE_IP:
            yield from _plan_active(change, view)
            return
        title = plan.title or "planens hoveddel"
        yield _event(EventKind.PLAN_EDITED, change, {"title": title}, significant=False)
        return
    if change.subject_id.startswith("psfs") or _gp_identified_need(change, view):
        return  # PSFS goes with the evaluation (F8); a need the GP reported is one the GP has
    title = _title(change.after or change.before or {})
    yield _event(EventKind.PLAN_EDITED, change, {"title": title}, significant=False)


def _gp_identified_need(change: ChangeEvent, view: PlanView) -> bool:
    gp = view.gp
    entity = change.after or change.before or {}
    return gp is not None and entity.get("identifiedByRef") == gp.id


def _title(entity: dict[str, Any]) -> str:
    for key in ("title", "text", "description", "activityText"):
        if entity.get(key):
            return str(entity[key])
    return str(entity.get("id", "planen"))


def _coordinator(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    kind = EventKind(change.kind)
    previous = view.name(view.participant((change.before or {}).get("id")))
    facts = {**_team_facts(view), "coordinator_from": change.at.date(), "previous_coordinator_name": previous}
    yield _event(kind, change, facts)


def _member(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    kind = EventKind(change.kind)
    who = view.participant(change.subject_id)
    label = None
    if who is not None and not view.entry(who).role_only:
        label = view.entry(who).shown
    key = "added" if kind is EventKind.MEMBER_ADDED else "removed"
    yield _event(kind, change, {**_team_facts(view), key: label})


def _consent(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    consent = next((c for c in view.plan.consents if c.id == change.subject_id), None)
    gp = view.gp
    entity = change.after or change.before or {}
    participant = consent.participant_ref if consent else entity.get("participantRef")
    scopes = set(consent.scope if consent else entity.get("scope") or ())
    concerns = gp is not None and participant == gp.id
    scope = "plan-content" if scopes & CONTENT_SCOPES else "gp-feedback"
    text = ", ".join(view.texts.term("scopes", s) or s for s in sorted(scopes)) if scopes else None
    day = change.at.date()
    facts: dict[str, Any] = {"concerns_gp": concerns, "scope": scope, "consent_scope_text": text}
    facts["gp_consent_state"] = f"{change.subject_id}:{change.kind}"
    if change.kind == "consent.withdrawn":
        facts["withdrawn_date"] = day
    else:
        facts["consent_date"] = day
    yield _event(EventKind(change.kind), change, facts)


def _goal(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    yield _event(
        EventKind(change.kind),
        change,
        {"title": _title(change.after or change.before or {})},
        significant=False,
    )


def _measure(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    measure = next((m for m in view.plan.measures if m.id == change.subject_id), None)
    before = change.before or {}
    if measure is None or measure.decision is None:
        kind = EventKind.PLAN_EDITED if change.kind == "measure.changed" else EventKind(change.kind)
        yield _event(kind, change, {"title": _title(change.after or before)}, significant=False)
        return
    line = view.service(measure)
    earlier = (before.get("decision") or {}).get("decisionId")
    if earlier != measure.decision.decision_id:
        return  # reported once per revision by _decisions
    facts = {"change_date": measure.status_date, "services_signature": _signature(line)}
    if measure.status in ENDED:
        yield _event(EventKind.SERVICE_ENDED, change, {**facts, "ended": [line]})
    elif change.kind == "measure.changed" and change.significant:
        yield _event(EventKind.SERVICE_CHANGED, change, {**facts, "changed": [line]})


def _signature(line: ServiceLine) -> str:
    return f"{line.name}|{line.status}|{line.extent_text}|{line.start}|{line.end}"


def _decisions(changes: Sequence[ChangeEvent], view: PlanView) -> Iterator[FeedbackEvent]:
    """One decision.made per revision for the services decided in it (F2); a new vedtak on a service
    that already had one is a change in the service offer (service.changed, F7)."""
    fresh: list[tuple[ChangeEvent, Measure]] = []
    revised: list[tuple[ChangeEvent, Measure]] = []
    for change in changes:
        if not change.kind.startswith("measure."):
            continue
        measure = next((m for m in view.plan.measures if m.id == change.subject_id), None)
        earlier = ((change.before or {}).get("decision") or {}).get("decisionId")
        if measure is not None and measure.decision is not None and earlier != measure.decision.decision_id:
            (revised if earlier else fresh).append((change, measure))
    for change, measure in revised:
        line = view.service(measure)
        facts = {"change_date": change.at.date(), "services_signature": _signature(line)}
        yield _event(EventKind.SERVICE_CHANGED, change, {**facts, "changed": [line]})
    if not fresh:
        return
    lines = [view.service(m) for _, m in fresh]
    decided: date = max(m.decision.decision_date for _, m in fresh if m.decision)
    status = view.plan.coordinator_status
    facts = {
        "decision_id": ",".join(sorted(m.decision.decision_id for _, m in fresh if m.decision)),
        "decision_date": decided,
        "granted": [s for s in lines if s.status != "rejected"],
        "rejected": [s for s in lines if s.status == "rejected"],
        "coordinator_offer": status.display if status else None,
        "ip_offer": view.plan.ip_status.display if view.plan.ip_status else None,
    }
    yield _event(EventKind.DECISION_MADE, fresh[0][0], facts)


def _meeting(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    meeting = next((m for m in view.plan.meetings if m.id == change.subject_id), None)
    if meeting is None:
        return
    gp = view.gp
    invited = gp is not None and any(i.participant_ref == gp.id for i in meeting.invitations)
    facts: dict[str, Any] = {
        "meeting_id": meeting.id,
        "meeting_type": view.texts.term("meeting_type", meeting.type),
        "meeting_date": meeting.scheduled_start.date(),
    }
    if change.kind == "meeting.scheduled":
        facts |= {
            "meeting_time": meeting.scheduled_start,
            "meeting_mode": meeting.mode,
            "meeting_place": meeting.location,
            "meeting_agenda": meeting.agenda,
            "gp_invited": invited,
            "answer_by": (meeting.scheduled_start - timedelta(days=2)).date(),
        }
    else:
        facts["decisions"] = [{"text": d.text} for d in meeting.decisions] or (
            [{"text": meeting.minutes}] if meeting.minutes else []
        )
    yield _event(EventKind(change.kind), change, facts)


def _evaluation(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    plan = view.plan
    evaluation = next((e for e in plan.evaluations if e.id == change.subject_id), None)
    if evaluation is None:
        return
    goals = [{"text": g.text, "status": g.status} for g in plan.goals]
    facts = {
        "evaluation_id": evaluation.id,
        "evaluation_date": evaluation.date,
        "goals": goals,
        "psfs": _psfs(plan, evaluation.psfs_assessment_ref),
        "next_evaluation": evaluation.next_evaluation_date,
    }
    yield _event(EventKind.EVALUATION_RECORDED, change, facts)


def _normalised(score: int, direction: str | None) -> int:
    """PSFS on the reversed scale (0 = no problem, 10 = unable) turned to 0 = unable, 10 = able."""
    return 10 - score if direction == "0-no-problem_10-unable" else score


def _psfs(plan: IndividualPlan, current_ref: str | None) -> list[dict[str, Any]]:
    assessments = sorted(plan.psfs_assessments, key=lambda a: a.date)
    current = next((a for a in assessments if a.id == current_ref), assessments[-1] if assessments else None)
    if current is None or not assessments or assessments[0].id == current.id:
        return []
    baseline = {
        i.id: _normalised(i.score, i.scale_direction or assessments[0].scale_direction)
        for i in assessments[0].items
    }
    return [
        {
            "activity": item.activity_text,
            "baseline": baseline[item.id],
            "current": _normalised(item.score, item.scale_direction or current.scale_direction),
        }
        for item in current.items
        if item.id in baseline
    ]


def _closed(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    plan = view.plan
    closure = plan.closure
    remaining = [view.service(m) for m in plan.measures if m.decision and m.status in ("active", "granted")]
    facts = {
        "plan_id": plan.id,
        "closed_date": closure.date if closure else change.at.date(),
        "closure_reason": view.texts.term("closure_reason", closure.reason) if closure else None,
        "contact_after": closure.text if closure else None,
        "remaining": remaining,
    }
    yield _event(EventKind.PLAN_CLOSED, change, facts)


CONVERTERS: dict[str, Converter] = {
    "plan.created": _plan_created,
    "plan.changed": _plan_changed,
    "plan.closed": _closed,
    "coordinator.appointed": _coordinator,
    "coordinator.changed": _coordinator,
    "member.added": _member,
    "member.removed": _member,
    "consent.granted": _consent,
    "consent.withdrawn": _consent,
    "goal.added": _goal,
    "goal.changed": _goal,
    "goal.achieved": _goal,
    "measure.started": _measure,
    "measure.changed": _measure,
    "measure.completed": _measure,
    "measure.stopped": _measure,
    "meeting.scheduled": _meeting,
    "meeting.held": _meeting,
    "evaluation.recorded": _evaluation,
}
"""Change kinds without an entry (member.changed, meeting.changed, meeting.cancelled) give no feedback."""


def events_from_changes(
    changes: Sequence[ChangeEvent], plan: IndividualPlan, texts: Texts
) -> list[FeedbackEvent]:
    """Feedback events for one revision's changes, ``plan`` being the state after the revision.

    Consent changes come first, so a withdrawal in the same revision already holds back content.
    """
    view = PlanView(plan, texts)
    ordered = sorted(changes, key=lambda c: (not c.kind.startswith("consent."), c.at, c.subject_id))
    if any(c.kind == "evaluation.recorded" for c in ordered):
        ordered = [c for c in ordered if not c.kind.startswith("goal.")]  # the evaluation lists every goal
    events: list[FeedbackEvent] = []
    for change in ordered:
        converter = CONVERTERS.get(change.kind)
        if converter is not None:
            events.extend(converter(change, view))
    events.extend(_decisions(ordered, view))
    return events


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
