"""Current state, not a pile: a plan stored for a patient supersedes the earlier live plans of the same
patient, kind (category) and period, as mappings/README.md ("The FHIR store") tells per message type.

An Orientering om tjenestetilbud (new, changed M or cancelled C) describes all the services a
municipality gives the patient, so its CarePlan replaces the earlier one: the new plan gets
``replaces`` (FHIR R4 CarePlan.replaces), the earlier plan a new version with status ``revoked``, and
the earlier plan's ServiceRequests and CareTeam that the new plan does not name end with it
(``revoked``, ``inactive``). A plan that arrives ended (a cancellation, status ``revoked``) ends the
activities and care team it names in the same way. Plans whose category is not in ``RULES`` (an
individual plan from an IP tool keeps its own id and is versioned) are never superseded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select

from samband.gateway.store.fhir_index import values_at
from samband.gateway.store.tables import fhir_index, fhir_resources

Resource = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """How a plan of one category supersedes: the status the earlier plan gets, which statuses are live,
    and the status its activities and care team get when the new plan does not carry them on."""

    ended: str = "revoked"
    live: frozenset[str] = frozenset({"draft", "active", "on-hold"})
    ended_by_type: tuple[tuple[str, str, frozenset[str]], ...] = (
        ("ServiceRequest", "revoked", frozenset({"draft", "active", "on-hold"})),
        ("CareTeam", "inactive", frozenset({"proposed", "active", "suspended"})),
    )


RULES: dict[tuple[str, str], Rule] = {("CarePlan", "tjenestetilbud"): Rule()}
"""(resource type, category code) → how a later plan of that category supersedes earlier ones."""


def _rule(resource: Resource) -> Rule | None:
    for code in values_at(resource, "category.coding.code"):
        rule = RULES.get((str(resource.get("resourceType")), str(code)))
        if rule:
            return rule
    return None


def _period(resource: Resource) -> tuple[object, object]:
    period = resource.get("period") or {}
    return period.get("start"), period.get("end")


def _categories(resource: Resource) -> set[tuple[object, object]]:
    return {
        (c.get("system"), c.get("code"))
        for c in values_at(resource, "category.coding")
        if isinstance(c, dict)
    }


def _refs(resource: Resource, *paths: str) -> set[str]:
    return {str(r) for path in paths for r in values_at(resource, path) if isinstance(r, str)}


def _current_with_subject(conn: Connection, rtype: str, subject: str) -> list[Resource]:
    query = (
        select(fhir_resources.c.body)
        .join(
            fhir_index,
            and_(
                fhir_index.c.resource_type == fhir_resources.c.resource_type,
                fhir_index.c.resource_id == fhir_resources.c.resource_id,
                fhir_index.c.version == fhir_resources.c.version,
            ),
        )
        .where(fhir_index.c.resource_type == rtype, fhir_index.c.param == "subject")
        .where(fhir_index.c.value == subject, fhir_resources.c.current.is_(True))
    )
    return [dict(body) for (body,) in conn.execute(query)]


Reader = Callable[[Connection, Iterable[tuple[str, str]]], list[Resource]]


def supersede(conn: Connection, incoming: list[Resource], read: Reader) -> list[Resource]:
    """New versions of the stored resources that ``incoming`` plans supersede (and ``incoming`` plans
    changed in place to name what they replace); ``read`` gives the current versions of keys."""
    arriving = {(str(r["resourceType"]), str(r["id"])): r for r in incoming}
    ended: dict[tuple[str, str], Resource] = {}
    for plan in incoming:
        rule = _rule(plan)
        subject = (plan.get("subject") or {}).get("reference")
        if rule is None or not isinstance(subject, str):
            continue
        if plan.get("status") not in rule.live:  # a cancellation: its own activities and team end with it
            own = _refs(plan, "activity.reference.reference", "careTeam.reference")
            for part in (arriving.get((r.split("/", 1)[0], r.split("/", 1)[-1])) for r in own):
                _end(part, rule)
        earlier = [
            old
            for old in _current_with_subject(conn, str(plan["resourceType"]), subject)
            if (old["resourceType"], old["id"]) not in arriving
            and old.get("status") in rule.live
            and _categories(old) == _categories(plan)
            and _period(old) == _period(plan)
        ]
        if not earlier:
            continue
        replaced = [{"reference": f"{old['resourceType']}/{old['id']}"} for old in earlier]
        plan["replaces"] = [
            *(plan.get("replaces") or []),
            *(r for r in replaced if r not in (plan.get("replaces") or [])),
        ]
        kept = _refs(plan, "activity.reference.reference", "careTeam.reference")
        for old in earlier:
            ended[(old["resourceType"], old["id"])] = {**old, "status": rule.ended}
            named = _refs(old, "activity.reference.reference", "careTeam.reference") - kept
            for part in read(conn, [(r.split("/", 1)[0], r.split("/", 1)[1]) for r in named if "/" in r]):
                changed = {**part}
                if _end(changed, rule):
                    ended[(str(part["resourceType"]), str(part["id"]))] = changed
    return [r for key, r in ended.items() if key not in arriving]


def _end(part: Resource | None, rule: Rule) -> bool:
    """Give a live activity or care team of an ended plan the status ``rule`` ends it with (in place)."""
    for rtype, status, live in rule.ended_by_type:
        if part is not None and part.get("resourceType") == rtype and part.get("status") in live:
            part["status"] = status
            return True
    return False
