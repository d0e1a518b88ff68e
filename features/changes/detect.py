"""Change detection between two revisions of a plan: typed events the rest of the gateway acts on.

``detect_changes(previous, new)`` compares the stored revision with a new full export (or applies a
delta first) and returns ``ChangeEvent``s with before/after values; GP feedback (domain.md §3.3,
F3–F9) and routing consume them. ``significant=False`` marks minor edits for the daily digest.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from samband.adapters.iplan.codec import to_dict
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.features.changes.delta import COLLECTIONS, apply_delta, make_delta
from samband.features.changes.detectors import DETECTORS, KINDS, ChangeKind
from samband.kernel.errors import ContractViolation


@dataclass(frozen=True)
class ChangeEvent:
    """One change between two revisions. ``before``/``after`` are contract dicts (None: absent)."""

    kind: ChangeKind
    plan_id: str
    person_ident: str
    revision: int
    at: datetime
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    significant: bool

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        return data


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _moment(plan: IndividualPlan, since: int, subject_id: str) -> datetime:
    """When a change happened: its latest changeLog entry after ``since``, else the plan's lastModified."""
    entries = [e for e in plan.change_log if e.sequence > since and e.target_ref == subject_id]
    return entries[-1].timestamp if entries else plan.last_modified


def _events(old: IndividualPlan, new: IndividualPlan, since: int) -> list[ChangeEvent]:
    ident = new.subject.national_id.value
    return [
        ChangeEvent(
            kind=kind,
            plan_id=new.id,
            person_ident=ident,
            revision=new.revision,
            at=_moment(new, since, subject_id),
            subject_id=subject_id,
            before=None if before is None else _jsonable(before),
            after=None if after is None else _jsonable(after),
            significant=significant,
        )
        for detector in DETECTORS
        for kind, subject_id, before, after, significant in detector(old, new)
    ]


def _empty(plan: IndividualPlan) -> IndividualPlan:
    """The same plan with nothing in it: the baseline a first export is compared with."""
    cleared: dict[str, Any] = dict.fromkeys(COLLECTIONS, ())
    return dataclasses.replace(plan, coordinator_ref=None, change_log=(), **cleared)


def _created(new: IpExport) -> list[ChangeEvent]:
    plan = new.plan
    header = {k: v for k, v in to_dict(plan).items() if k in _CREATED_FIELDS}
    first = ChangeEvent(
        kind="plan.created",
        plan_id=plan.id,
        person_ident=plan.subject.national_id.value,
        revision=plan.revision,
        at=plan.change_log[0].timestamp if plan.change_log else plan.last_modified,
        subject_id=plan.id,
        before=None,
        after=header,
        significant=True,
    )
    baseline = dataclasses.replace(_empty(plan), status=plan.status, closure=plan.closure)
    rest = [e for e in _events(baseline, plan, 0) if e.kind != "plan.changed" or e.subject_id != plan.id]
    return [first, *rest]


_CREATED_FIELDS = {
    "id",
    "planType",
    "status",
    "ipStatus",
    "planPeriod",
    "nextRevisionDate",
    "revision",
    "title",
}


def detect_changes(previous: IpExport | None, new: IpExport) -> list[ChangeEvent]:
    """Typed events from the stored ``previous`` revision to ``new`` (full, or a delta applied first).

    A first export gives ``plan.created`` plus an event per member, consent, goal, measure and
    meeting it holds. The same revision again gives no events (duplicate delivery); an older one
    is refused with "ip-export.revision-stale", a delta with a gap with "ip-export.revision-gap".
    """
    if (
        previous is not None
        and previous.plan.id == new.plan.id
        and new.plan.revision == previous.plan.revision
    ):
        return []
    if new.export_kind == "delta":
        if previous is None:
            raise ContractViolation(
                "a delta export needs the stored previous revision, and none is known for this plan",
                code="ip-export.revision-gap",
                where="/sinceRevision",
                expected="a full export first",
                received=str(new.since_revision),
            )
        new = apply_delta(previous, new)
    if previous is None:
        return _created(new)
    if previous.plan.id != new.plan.id:
        raise ContractViolation(
            f"export of plan {new.plan.id!r} compared with plan {previous.plan.id!r}",
            code="ip-export.plan-mismatch",
            where="/plan/@id",
        )
    if new.plan.revision < previous.plan.revision:
        raise ContractViolation(
            f"revision {new.plan.revision} is older than the last known revision {previous.plan.revision}",
            code="ip-export.revision-stale",
            where="/plan/revision",
            expected=f"a revision after {previous.plan.revision}",
            received=str(new.plan.revision),
        )
    if new.plan.revision == previous.plan.revision:
        return []
    return _events(previous.plan, new.plan, previous.plan.revision)


__all__ = ["KINDS", "ChangeEvent", "ChangeKind", "apply_delta", "detect_changes", "make_delta"]
