"""Municipal services in ip-export change events: a new vedtak is a decision (F2), a new vedtak on a
running service or a service ending is a change in the service offer (F7). HIS 1146 EksisterendeTjeneste.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from samband.adapters.iplan.model_work import Measure
from samband.features.changes.detect import ChangeEvent
from samband.features.feedback.events import EventKind, FeedbackEvent
from samband.features.feedback.facts import ServiceLine
from samband.features.feedback.plan_view import ENDED, PlanView

SOURCE = "ip-export"


def make_event(
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


def title_of(entity: dict[str, Any]) -> str:
    for key in ("title", "text", "description", "activityText"):
        if entity.get(key):
            return str(entity[key])
    return str(entity.get("id", "planen"))


def measure_events(change: ChangeEvent, view: PlanView) -> Iterator[FeedbackEvent]:
    measure = next((m for m in view.plan.measures if m.id == change.subject_id), None)
    before = change.before or {}
    if measure is None or measure.decision is None:
        kind = EventKind.PLAN_EDITED if change.kind == "measure.changed" else EventKind(change.kind)
        yield make_event(kind, change, {"title": title_of(change.after or before)}, significant=False)
        return
    line = view.service(measure)
    earlier = (before.get("decision") or {}).get("decisionId")
    if earlier != measure.decision.decision_id:
        return  # reported once per revision by _decisions
    facts = {"change_date": measure.status_date, "services_signature": signature(line)}
    if measure.status in ENDED:
        yield make_event(EventKind.SERVICE_ENDED, change, {**facts, "ended": [line]})
    elif change.kind == "measure.changed" and change.significant:
        yield make_event(EventKind.SERVICE_CHANGED, change, {**facts, "changed": [line]})


def signature(line: ServiceLine) -> str:
    return f"{line.name}|{line.status}|{line.extent_text}|{line.start}|{line.end}"


def decision_events(changes: Sequence[ChangeEvent], view: PlanView) -> Iterator[FeedbackEvent]:
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
        facts = {"change_date": change.at.date(), "services_signature": signature(line)}
        yield make_event(EventKind.SERVICE_CHANGED, change, {**facts, "changed": [line]})
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
    yield make_event(EventKind.DECISION_MADE, fresh[0][0], facts)
