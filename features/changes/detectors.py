"""The rules that turn two revisions of a plan into change drafts, one detector per area.

Each detector compares the old and new plan and yields (kind, subject id, before, after,
significant); ``features.changes.detect`` adds the common fields. ``DETECTORS`` is the plain tuple.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from typing import Any, Literal

from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.spec import camel, fields_of
from samband.features.changes.delta import COLLECTIONS

ChangeKind = Literal[
    "plan.created",
    "plan.changed",
    "plan.closed",
    "coordinator.appointed",
    "coordinator.changed",
    "member.added",
    "member.changed",
    "member.removed",
    "consent.granted",
    "consent.withdrawn",
    "goal.added",
    "goal.changed",
    "goal.achieved",
    "measure.started",
    "measure.changed",
    "measure.completed",
    "measure.stopped",
    "meeting.scheduled",
    "meeting.changed",
    "meeting.held",
    "meeting.cancelled",
    "evaluation.recorded",
]
KINDS: tuple[str, ...] = typing.get_args(ChangeKind)


Draft = tuple[ChangeKind, str, Any, Any, bool]
"""(kind, subject id, before entity, after entity, significant) before the common fields are added."""

_HEADER_SKIP = {"revision", "last_modified", "coordinator_ref", "change_log", *COLLECTIONS}
_SIGNIFICANT_HEADER = {"status", "ip_status", "plan_period", "next_revision_date", "coordinator_status"}


def _pairs(old: tuple[Any, ...], new: tuple[Any, ...]) -> Iterator[tuple[str, Any, Any]]:
    """(id, before, after) for every entity present in either revision, in the new order."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    for item in new:
        yield item.id, before.get(item.id), item
    for item in old:
        if item.id not in after:
            yield item.id, item, None


def _differs(a: Any, b: Any, names: set[str]) -> bool:
    return any(getattr(a, n) != getattr(b, n) for n in names)


def _coordinator(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    if old.coordinator_ref == new.coordinator_ref:
        return
    people = {p.id: p for p in old.participants} | {p.id: p for p in new.participants}
    before = people.get(old.coordinator_ref or "")
    after = people.get(new.coordinator_ref or "")
    kind: ChangeKind = "coordinator.appointed" if old.coordinator_ref is None else "coordinator.changed"
    yield kind, new.coordinator_ref or old.coordinator_ref or "", before, after, True


def _members(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for pid, before, after in _pairs(old.participants, new.participants):
        was = before is not None and before.active
        now = after is not None and after.active
        if now and not was:
            yield "member.added", pid, before, after, True
        elif was and not now:
            yield "member.removed", pid, before, after, True
        elif before != after:
            key = {"roles", "invite_to_meetings", "access_scope", "organization", "sector", "access_period"}
            yield "member.changed", pid, before, after, _differs(before, after, key)


def _consents(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for cid, before, after in _pairs(old.consents, new.consents):
        was = before is not None and before.status == "active"
        now = after is not None and after.status == "active"
        if now and (not was or before != after):
            yield "consent.granted", cid, before, after, True
        elif was and not now:
            yield "consent.withdrawn", cid, before, after, True


def _goals(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for gid, before, after in _pairs(old.goals, new.goals):
        if before is None:
            yield "goal.added", gid, None, after, True
        elif after is not None and after.status == "achieved" and before.status != "achieved":
            yield "goal.achieved", gid, before, after, True
        elif before != after:
            key = {"status", "target_date", "psfs_targets", "parent_goal_ref"}
            yield "goal.changed", gid, before, after, after is None or _differs(before, after, key)


_MEASURE_STATUS: dict[str, ChangeKind] = {
    "active": "measure.started",
    "completed": "measure.completed",
    "cancelled": "measure.stopped",
    "paused": "measure.stopped",
    "rejected": "measure.stopped",
}


def _measures(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for mid, before, after in _pairs(old.measures, new.measures):
        if after is None:
            yield "measure.stopped", mid, before, None, True
        elif before is None or before.status != after.status:
            yield _MEASURE_STATUS.get(after.status, "measure.changed"), mid, before, after, True
        elif before != after:
            key = {"extent", "period", "responsible_ref", "decision", "goal_refs"}
            yield "measure.changed", mid, before, after, _differs(before, after, key)


def _meetings(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for mid, before, after in _pairs(old.meetings, new.meetings):
        status_changed = before is None or after is None or before.status != after.status
        if after is not None and after.status == "held" and status_changed:
            yield "meeting.held", mid, before, after, True
        elif after is None or (after.status == "cancelled" and status_changed):
            yield "meeting.cancelled", mid, before, after, True
        elif status_changed or before.scheduled_start != after.scheduled_start:
            yield "meeting.scheduled", mid, before, after, True
        elif before != after:
            key = {"invitations", "mode", "scheduled_end", "decisions"}
            yield "meeting.changed", mid, before, after, _differs(before, after, key)


def _evaluations(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    for eid, before, after in _pairs(old.evaluations, new.evaluations):
        if after is not None and before != after:
            yield "evaluation.recorded", eid, before, after, before is None


_OTHER_COLLECTIONS = (
    "related_persons",
    "resources",
    "needs",
    "psfs_assessments",
    "cooperation",
    "sectoral_plans",
    "attachments",
)


def _plan(old: IndividualPlan, new: IndividualPlan) -> Iterator[Draft]:
    """Closure, header edits (status, period, revision dates …) and the collections without own kinds."""
    closing = new.status == "closed" and old.status != "closed"
    if closing:
        yield (
            "plan.closed",
            new.id,
            {"status": old.status},
            {"status": new.status, "closure": new.closure},
            True,
        )
    names = [f.name for f in fields_of(IndividualPlan) if f.name not in _HEADER_SKIP]
    changed = [n for n in names if getattr(old, n) != getattr(new, n)]
    if closing:
        changed = [n for n in changed if n not in ("status", "closure")]
    if changed:
        before = {camel(n): getattr(old, n) for n in changed}
        after = {camel(n): getattr(new, n) for n in changed}
        yield "plan.changed", new.id, before, after, bool(_SIGNIFICANT_HEADER & set(changed))
    for name in _OTHER_COLLECTIONS:
        for item_id, before_item, after_item in _pairs(getattr(old, name), getattr(new, name)):
            if before_item != after_item:
                significant = name == "psfs_assessments" and before_item is None
                yield "plan.changed", item_id, before_item, after_item, significant


DETECTORS: tuple[Callable[[IndividualPlan, IndividualPlan], Iterator[Draft]], ...] = (
    _plan,
    _coordinator,
    _members,
    _consents,
    _goals,
    _measures,
    _meetings,
    _evaluations,
)
