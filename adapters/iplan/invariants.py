"""The ip-export v1 invariants the schemas cannot express, checked on import (domain.md §2.5).

Each violation is an error ``Problem`` with a stable code (``ip-export.invariant.*``) and the JSON
pointer of the offending node; ``adapters.iplan.io`` places it in the document or raises it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from samband.adapters.ident import check_person_id
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_parts import Consent, Participant
from samband.adapters.iplan.refs import dangling_refs, duplicate_ids, goal_cycles, violation
from samband.kernel.problems import Problem

COORDINATOR_ROLES = frozenset({"koordinator", "barnekoordinator"})
OWNER_ROLES = frozenset({"planeier"})


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_coordinator(participant: Participant) -> bool:
    return participant.active and bool(COORDINATOR_ROLES & set(participant.roles))


def _coordinator(plan: IndividualPlan) -> Iterator[Problem]:
    """Hol § 7-2: at any time exactly one coordinator; ``coordinatorRef`` names them."""
    code = "ip-export.invariant.coordinator"
    active = [(i, p) for i, p in enumerate(plan.participants) if is_coordinator(p)]
    if len(active) > 1:
        ids = ", ".join(p.id for _, p in active)
        yield violation(
            code, f"/plan/participants/{active[1][0]}", f"more than one active coordinator: {ids}"
        )
    if plan.status == "active" and not active:
        yield violation(code, "/plan/coordinatorRef", "an active plan needs exactly one active coordinator")
    if plan.coordinator_ref is not None and plan.coordinator_ref not in {p.id for _, p in active}:
        yield violation(
            code,
            "/plan/coordinatorRef",
            f"coordinatorRef {plan.coordinator_ref!r} is not an active participant with role "
            "koordinator or barnekoordinator",
        )
    if active and plan.coordinator_ref is None:
        yield violation(
            code, "/plan/coordinatorRef", f"coordinatorRef missing; {active[0][1].id!r} is coordinator"
        )


def _barnekoordinator(plan: IndividualPlan, today: date) -> Iterator[Problem]:
    """Hol § 7-2 a: a barnekoordinator is for a child (under 18)."""
    age = age_on(plan.subject.birth_date, today)
    for i, part in enumerate(plan.participants):
        if part.active and "barnekoordinator" in part.roles and age >= 18:
            pos = part.roles.index("barnekoordinator")
            yield violation(
                "ip-export.invariant.barnekoordinator-age",
                f"/plan/participants/{i}/roles/{pos}",
                f"barnekoordinator {part.id!r} on a plan whose owner is {age} (must be under 18)",
            )


def _consent(plan: IndividualPlan, today: date) -> Iterator[Problem]:
    """Item 8: the plan needs consent, and each participant who sees plan content needs consent."""
    code = "ip-export.invariant.consent"
    live = [
        c
        for c in plan.consents
        if c.status == "active"
        and c.period.start <= today
        and (c.period.end is None or c.period.end >= today)
    ]
    if plan.status not in ("draft", "entered-in-error") and not any(c.type == "plan-creation" for c in live):
        yield violation(code, "/plan/consents", "a plan beyond draft needs an active plan-creation consent")
    owners = {p.id for p in plan.participants if OWNER_ROLES & set(p.roles)}
    givers = owners | {r.id for r in plan.related_persons if r.is_consent_giver}
    for i, consent in enumerate(plan.consents):
        if consent.granted_by_ref not in givers:
            yield violation(
                code,
                f"/plan/consents/{i}/grantedByRef",
                f"consent {consent.id!r} granted by {consent.granted_by_ref!r}, who is neither "
                "the plan owner nor a related person who gives consent",
            )
        if consent.type == "participant-access" and consent.participant_ref is None:
            yield violation(
                code, f"/plan/consents/{i}", "a participant-access consent must name participantRef"
            )
    yield from _access_consents(plan, live, owners)


def _access_consents(plan: IndividualPlan, live: list[Consent], owners: set[str]) -> Iterator[Problem]:
    """Every active participant who sees plan content has an active consent covering that content."""
    code = "ip-export.invariant.consent"
    for i, part in enumerate(plan.participants):
        if not part.active or not part.access_scope or part.id in owners:
            continue
        covering = [c for c in live if c.type == "participant-access" and c.participant_ref == part.id]
        if not covering:
            yield violation(
                code,
                f"/plan/participants/{i}/accessScope",
                f"participant {part.id!r} sees plan content but has no active participant-access consent",
            )
            continue
        granted = {s for c in covering for s in c.scope}
        beyond = [s for s in part.access_scope if "all" not in granted and s not in granted]
        if beyond:
            yield violation(
                code,
                f"/plan/participants/{i}/accessScope",
                f"participant {part.id!r} sees {', '.join(beyond)} beyond what the consent covers",
            )


def _psfs(plan: IndividualPlan) -> Iterator[Problem]:
    """PSFS: Norwegian versions reverse the scale, so every score must say its direction."""
    for a, assessment in enumerate(plan.psfs_assessments):
        for i, item in enumerate(assessment.items):
            if item.scale_direction is None and assessment.scale_direction is None:
                yield violation(
                    "ip-export.invariant.psfs-direction",
                    f"/plan/psfsAssessments/{a}/items/{i}",
                    f"PSFS item {item.id!r} ({item.activity_text}) has no scale direction",
                )


def _closure(plan: IndividualPlan) -> Iterator[Problem]:
    code = "ip-export.invariant.closure"
    if plan.status == "closed" and plan.closure is None:
        yield violation(code, "/plan/closure", "a closed plan needs closure (date and reason)")
    if plan.closure is not None:
        for i, meeting in enumerate(plan.meetings):
            if meeting.status == "planned" and meeting.scheduled_start.date() > plan.closure.date:
                yield violation(code, f"/plan/meetings/{i}", f"meeting {meeting.id!r} planned after closure")


def _period_and_log(plan: IndividualPlan, full: bool) -> Iterator[Problem]:
    if plan.plan_period.end is not None and plan.plan_period.end < plan.plan_period.start:
        yield violation(
            "ip-export.invariant.period", "/plan/planPeriod/end", "plan period ends before it starts"
        )
    code = "ip-export.invariant.changelog"
    for i in range(1, len(plan.change_log)):
        if plan.change_log[i].sequence <= plan.change_log[i - 1].sequence:
            yield violation(
                code, f"/plan/changeLog/{i}/sequence", "changeLog sequence is not strictly increasing"
            )
    if plan.change_log and plan.change_log[-1].sequence != plan.revision:
        last = len(plan.change_log) - 1
        yield violation(
            code,
            f"/plan/changeLog/{last}/sequence",
            f"last changeLog sequence {plan.change_log[-1].sequence} differs from plan revision "
            f"{plan.revision}",
        )
    if full and not plan.participants:
        yield violation(
            "ip-export.invariant.participants", "/plan/participants", "a full export lists participants"
        )


def _export_level(export: IpExport) -> Iterator[Problem]:
    code = "ip-export.invariant.delta"
    if export.export_kind == "delta":
        if export.since_revision is None:
            yield violation(code, "/sinceRevision", "a delta export needs sinceRevision")
        elif export.since_revision >= export.plan.revision:
            yield violation(code, "/sinceRevision", "sinceRevision must be lower than plan.revision")
    elif export.since_revision is not None or export.removed_entities:
        yield violation(code, "/exportKind", "sinceRevision and removedEntities belong to delta exports")
    if export.view == "participant" and export.view_for_participant_ref is None:
        yield violation(
            "ip-export.invariant.view",
            "/viewForParticipantRef",
            "view participant needs viewForParticipantRef",
        )
    if export.view != "full":
        for i, entry in enumerate(export.plan.change_log):
            if any(c.old_value is not None or c.new_value is not None for c in entry.changes):
                yield violation(
                    "ip-export.invariant.view",
                    f"/plan/changeLog/{i}/changes",
                    f"a {export.view} view leaves out changeLog values",
                )
    ident = export.plan.subject.national_id
    check = check_person_id(ident.value)
    if not check.valid or str(check.kind).lower() != ident.type:
        yield violation(
            "ip-export.invariant.national-id",
            "/plan/subject/nationalId/value",
            f"{ident.type.upper()} {ident.value}: {check.problem or f'is a {check.kind}, not {ident.type}'}",
        )
    for i, part in enumerate(export.plan.participants):
        if part.kind == "person" and part.person is None:
            yield violation(
                "ip-export.invariant.participant-person",
                f"/plan/participants/{i}",
                "kind person needs person",
            )


def check_invariants(export: IpExport) -> list[Problem]:
    """Every invariant violation of ``export``; a delta is checked only for what it holds itself."""
    plan = export.plan
    today = export.generated_at.date()
    found = list(_export_level(export)) + list(_psfs(plan)) + list(duplicate_ids(plan))
    full = export.export_kind == "full"
    found += _period_and_log(plan, full)
    if full:
        found += _coordinator(plan)
        found += _barnekoordinator(plan, today)
        found += _consent(plan, today)
        found += _closure(plan)
        found += dangling_refs(plan)
        found += goal_cycles(plan)
    return found
