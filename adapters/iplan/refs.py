"""Reference integrity inside one plan: every ``…Ref`` resolves, ids are unique, no goal cycles.

``REF_TARGETS`` says, per reference field of the contract, which collection it points into.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from samband.adapters.iplan.codec import to_dict
from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.spec import fields_of
from samband.kernel.problems import Problem, Severity

REF_CODE = "ip-export.invariant.ref"

REF_TARGETS: dict[str, str] = {
    "coordinatorRef": "participants",
    "participantRef": "participants",
    "identifiedByRef": "participants",
    "assessedByRef": "participants",
    "responsibleRef": "participants",
    "evaluatedByRefs": "participants",
    "ownerRef": "participants",
    "authorRef": "participants",
    "actorRef": "participants",
    "grantedByRef": "persons",
    "expressedByRef": "persons",
    "parentGoalRef": "goals",
    "goalRefs": "goals",
    "itemRef": "psfsItems",
    "psfsAssessmentRef": "psfsAssessments",
    "meetingRef": "meetings",
    "documentRef": "attachments",
    "consentRef": "consents",
}


def violation(code: str, pointer: str, message: str) -> Problem:
    """An invariant the schemas cannot express is broken at the JSON ``pointer``: an error."""
    return Problem(code, Severity.ERROR, message, path=pointer)


def _targets(plan: IndividualPlan) -> dict[str, set[str]]:
    participants = {p.id for p in plan.participants}
    return {
        "participants": participants,
        "persons": participants | {r.id for r in plan.related_persons},
        "goals": {g.id for g in plan.goals},
        "measures": {m.id for m in plan.measures},
        "psfsItems": {i.id for a in plan.psfs_assessments for i in a.items},
        "psfsAssessments": {a.id for a in plan.psfs_assessments},
        "meetings": {m.id for m in plan.meetings},
        "attachments": {a.id for a in plan.attachments},
        "consents": {c.id for c in plan.consents},
    }


def _walk(cls: type, data: dict[str, Any], path: str) -> Iterator[tuple[str, str, str]]:
    """(pointer, field name, referenced id) for every reference in ``data``."""
    for fld in fields_of(cls):
        if fld.json not in data:
            continue
        value = data[fld.json]
        here = f"{path}/{fld.json}"
        if fld.xml == "ref":
            values = value if fld.is_list else [value]
            for i, ref in enumerate(values):
                yield (f"{here}/{i}" if fld.is_list else here), fld.json, ref
        elif fld.is_object and fld.is_list:
            for i, item in enumerate(value):
                yield from _walk(fld.base, item, f"{here}/{i}")
        elif fld.is_object:
            yield from _walk(fld.base, value, here)


def dangling_refs(plan: IndividualPlan) -> Iterator[Problem]:
    targets = _targets(plan)
    for pointer, name, ref in _walk(IndividualPlan, to_dict(plan), "/plan"):
        if name == "targetRef":  # changeLog targets may name deleted entities; evaluations may not
            if "/evaluations/" in pointer and ref not in targets["goals"] | targets["measures"]:
                yield violation(
                    REF_CODE, pointer, f"targetRef {ref!r} is neither a goal nor a measure of the plan"
                )
            continue
        collection = REF_TARGETS.get(name)
        if collection and ref not in targets[collection]:
            yield violation(REF_CODE, pointer, f"{name} {ref!r} does not resolve in {collection}")


def duplicate_ids(plan: IndividualPlan) -> Iterator[Problem]:
    for fld in fields_of(IndividualPlan):
        if not (fld.is_list and fld.is_object) or "id" not in {f.name for f in fields_of(fld.base)}:
            continue
        seen: set[str] = set()
        for i, item in enumerate(getattr(plan, fld.name)):
            if item.id in seen:
                yield violation(
                    "ip-export.invariant.unique-id",
                    f"/plan/{fld.json}/{i}/id",
                    f"id {item.id!r} used twice",
                )
            seen.add(item.id)


def goal_cycles(plan: IndividualPlan) -> Iterator[Problem]:
    parents = {g.id: g.parent_goal_ref for g in plan.goals}
    for i, goal in enumerate(plan.goals):
        seen = {goal.id}
        current = goal.parent_goal_ref
        while current is not None and current in parents:
            if current in seen:
                yield violation(
                    REF_CODE, f"/plan/goals/{i}/parentGoalRef", f"goal {goal.id!r} is its own ancestor"
                )
                break
            seen.add(current)
            current = parents[current]
