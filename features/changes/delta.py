"""Delta exports: apply one to the stored plan state, or make one from two full states.

A delta carries the complete plan header, the entities changed since ``sinceRevision`` and the
ids of removed ones (docs/ip-export.md, "Full and delta exports"). Revisions must chain without gaps.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from samband.adapters.iplan.enums import Collection
from samband.adapters.iplan.invariants import check_invariants
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_work import RemovedEntity
from samband.adapters.iplan.spec import fields_of
from samband.kernel.errors import ContractViolation
from samband.kernel.ids import stable_id

COLLECTIONS: tuple[str, ...] = tuple(
    f.name
    for f in fields_of(IndividualPlan)
    if f.is_list and f.is_object and "id" in {g.name for g in fields_of(f.base)} and f.name != "change_log"
)
_JSON_TO_NAME = {f.json: f.name for f in fields_of(IndividualPlan)}


def _refuse_gap(previous: IpExport, delta: IpExport) -> None:
    last = previous.plan.revision
    since = delta.since_revision
    if since == last:
        return
    code = "ip-export.revision-gap" if since is None or since > last else "ip-export.revision-stale"
    raise ContractViolation(
        f"delta applies to revision {since} but the last known revision of plan "
        f"{previous.plan.id!r} is {last}"
        + ("; send a full export or the missing deltas" if code.endswith("gap") else "; already applied"),
        code=code,
        where="/sinceRevision",
        expected=f"sinceRevision {last}",
        received=str(since),
    )


def _refuse_log_gap(delta: IpExport) -> None:
    expected = (delta.since_revision or 0) + 1
    for i, entry in enumerate(delta.plan.change_log):
        if entry.sequence != expected:
            raise ContractViolation(
                f"changeLog sequence {entry.sequence} breaks the chain after revision {expected - 1}",
                code="ip-export.revision-gap",
                where=f"/plan/changeLog/{i}/sequence",
                expected=str(expected),
                received=str(entry.sequence),
            )
        expected += 1


def _merge(old: tuple[Any, ...], new: tuple[Any, ...], removed: set[str]) -> tuple[Any, ...]:
    updates = {item.id: item for item in new}
    kept = [updates.pop(item.id, item) for item in old if item.id not in removed]
    return tuple(kept) + tuple(item for item in new if item.id in updates)


def apply_delta(previous: IpExport, delta: IpExport) -> IpExport:
    """The full state after ``delta``; ``ContractViolation`` "ip-export.revision-gap" on a gap."""
    if delta.export_kind != "delta":
        raise ContractViolation("not a delta export", code="ip-export.not-delta", where="/exportKind")
    if previous.plan.id != delta.plan.id:
        raise ContractViolation(
            f"delta for plan {delta.plan.id!r} cannot apply to plan {previous.plan.id!r}",
            code="ip-export.plan-mismatch",
            where="/plan/@id",
        )
    _refuse_gap(previous, delta)
    _refuse_log_gap(delta)
    changes: dict[str, Any] = {}
    for name in COLLECTIONS:
        removed = {r.id for r in delta.removed_entities if _JSON_TO_NAME[r.collection] == name}
        changes[name] = _merge(getattr(previous.plan, name), getattr(delta.plan, name), removed)
    changes["change_log"] = previous.plan.change_log + delta.plan.change_log
    plan = dataclasses.replace(delta.plan, **changes)
    merged = dataclasses.replace(
        delta, plan=plan, export_kind="full", since_revision=None, removed_entities=()
    )
    violations = check_invariants(merged)
    if violations:
        first = violations[0]
        raise ContractViolation(
            f"the plan after this delta breaks the contract: {first.text}",
            code=first.code,
            where=first.path,
        )
    return merged


def make_delta(previous: IpExport, current: IpExport) -> IpExport:
    """The delta export that takes ``previous`` to ``current`` (both full, same plan)."""
    changes: dict[str, Any] = {}
    removed: list[RemovedEntity] = []
    json_of = {f.name: f.json for f in fields_of(IndividualPlan)}
    for name in COLLECTIONS:
        old = {item.id: item for item in getattr(previous.plan, name)}
        new_items = getattr(current.plan, name)
        changes[name] = tuple(item for item in new_items if old.get(item.id) != item)
        current_ids = {item.id for item in new_items}
        removed += [
            RemovedEntity(collection=cast(Collection, json_of[name]), id=i)
            for i in old
            if i not in current_ids
        ]
    changes["change_log"] = tuple(e for e in current.plan.change_log if e.sequence > previous.plan.revision)
    return dataclasses.replace(
        current,
        export_id=stable_id("ip-export-delta", current.plan.id, str(current.plan.revision)),
        export_kind="delta",
        since_revision=previous.plan.revision,
        plan=dataclasses.replace(current.plan, **changes),
        removed_entities=tuple(removed),
    )
