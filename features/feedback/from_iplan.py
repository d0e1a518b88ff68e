"""ip-export change events (features/changes/detect.py) as feedback events, with the facts the GP needs.

The IP tool holds the whole case (domain.md §5): KE's registration is the first, draft export
(→ referral.registered, F1); measures with a vedtak are municipal services (→ decision.made F2,
service.changed/ended F7); the plan turning active is "IP opprettet" (F4). Everything else that is
a plan edit becomes a digest item. ``CONVERTERS`` is the plain dict from change kind to converter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import Any

from samband.adapters.iplan.model import IndividualPlan
from samband.features.changes.detect import ChangeEvent
from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.from_iplan_services import (
    decision_events,
    make_event,
    measure_events,
    title_of,
)
from samband.features.feedback.plan_view import PlanView
from samband.features.feedback.texts import Texts

ACTIVE_IP = "101"
CONTENT_SCOPES = frozenset({"goals", "measures", "meetings", "all"})
COVERED_HEADER = frozenset({"ipStatus", "coordinatorStatus", "status", "closure"})


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
        yield make_event(
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
    yield make_event(
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
        yield make_event(EventKind.PLAN_EDITED, change, {"title": title}, significant=False)
        return
    if change.subject_id.startswith("psfs") or _gp_identified_need(change, view):
        return  # PSFS goes with the evaluation (F8); a need the GP reported is one the GP has
    title = title_of(change.after or change.before or {})
    yield make_event(EventKind.PLAN_EDITED, change, {"title": title}, significant=False)


def _gp_identified_need(change: ChangeEvent, view: PlanView) -> bool:
    gp = view.gp
    entity = change.after or change.before or {}
    return gp is not None and entity.get("identifiedByRef") == gp.id


def _coordinator(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    kind = EventKind(change.kind)
    previous = view.name(view.participant((change.before or {}).get("id")))
    facts = {**_team_facts(view), "coordinator_from": change.at.date(), "previous_coordinator_name": previous}
    yield make_event(kind, change, facts)


def _member(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    kind = EventKind(change.kind)
    who = view.participant(change.subject_id)
    label = None
    if who is not None and not view.entry(who).role_only:
        label = view.entry(who).shown
    key = "added" if kind is EventKind.MEMBER_ADDED else "removed"
    yield make_event(kind, change, {**_team_facts(view), key: label})


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
    yield make_event(EventKind(change.kind), change, facts)


def _goal(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    yield make_event(
        EventKind(change.kind),
        change,
        {"title": title_of(change.after or change.before or {})},
        significant=False,
    )


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
    yield make_event(EventKind(change.kind), change, facts)


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
    yield make_event(EventKind.EVALUATION_RECORDED, change, facts)


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
    yield make_event(EventKind.PLAN_CLOSED, change, facts)


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
    "measure.started": measure_events,
    "measure.changed": measure_events,
    "measure.completed": measure_events,
    "measure.stopped": measure_events,
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
    events.extend(decision_events(ordered, view))
    return events
