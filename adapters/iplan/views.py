"""The ``participant`` and ``gp-summary`` views of a full export: only what a consent lets them see.

A participant sees the plan parts their active consents cover (``goals``, ``measures``,
``meetings``, ``documents``, ``log`` or ``all``); the GP sees what the consents naming the GP cover
(participant access or information sharing). Change-log values are left out of both views.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_work import Evaluation, FieldChange, LogEntry, Measure
from samband.kernel.errors import ContractViolation

Scope = frozenset[str]
ALL_PARTS = frozenset({"goals", "measures", "meetings", "documents", "log"})


def granted_scope(plan: IndividualPlan, participant_id: str, today: date) -> Scope:
    """The plan parts the participant's active, current consents cover (``all`` means every part)."""
    scopes = {
        s
        for c in plan.consents
        if c.participant_ref == participant_id
        and c.status == "active"
        and c.type in ("participant-access", "information-sharing")
        and c.period.start <= today
        and (c.period.end or today) >= today
        for s in c.scope
    }
    return ALL_PARTS if "all" in scopes else frozenset(scopes)


def _evaluations(plan: IndividualPlan, scope: Scope) -> tuple[Evaluation, ...]:
    targets = (
        {"plan"} | ({"goal"} if "goals" in scope else set()) | ({"measure"} if "measures" in scope else set())
    )
    return tuple(
        dataclasses.replace(
            e,
            meeting_ref=e.meeting_ref if "meetings" in scope else None,
            psfs_assessment_ref=e.psfs_assessment_ref if "goals" in scope else None,
        )
        for e in plan.evaluations
        if e.target_type in targets
    )


def _measures(plan: IndividualPlan, scope: Scope) -> tuple[Measure, ...]:
    if "measures" not in scope:
        return ()
    return (
        plan.measures
        if "goals" in scope
        else tuple(dataclasses.replace(m, goal_refs=()) for m in plan.measures)
    )


def _log(plan: IndividualPlan, scope: Scope) -> tuple[LogEntry, ...]:
    if "log" not in scope:
        return ()
    return tuple(
        dataclasses.replace(e, changes=tuple(FieldChange(path=c.path) for c in e.changes))
        for e in plan.change_log
    )


def _filtered(plan: IndividualPlan, scope: Scope) -> IndividualPlan:
    """The plan with only the parts in ``scope``; references into dropped parts are cut."""
    goals, documents = "goals" in scope, "documents" in scope
    return dataclasses.replace(
        plan,
        resources=plan.resources if goals else (),
        needs=plan.needs if goals else (),
        goals=plan.goals if goals else (),
        psfs_assessments=plan.psfs_assessments if goals else (),
        measures=_measures(plan, scope),
        cooperation=plan.cooperation if "measures" in scope else (),
        meetings=plan.meetings if "meetings" in scope else (),
        evaluations=_evaluations(plan, scope),
        sectoral_plans=plan.sectoral_plans if documents else (),
        attachments=plan.attachments if documents else (),
        consents=tuple(dataclasses.replace(c, document_ref=None) for c in plan.consents),
        change_log=_log(plan, scope),
    )


def participant_view(export: IpExport, participant_id: str) -> IpExport:
    """What ``participant_id`` may see of a full export, as a ``view: participant`` export."""
    if export.view != "full" or export.export_kind != "full":
        raise ContractViolation(
            "views are made from full exports", code="ip-export.view-source", where="/view"
        )
    scope = granted_scope(export.plan, participant_id, export.generated_at.date())
    return dataclasses.replace(
        export,
        view="participant",
        view_for_participant_ref=participant_id,
        plan=_filtered(export.plan, scope),
    )


def gp_summary(export: IpExport) -> IpExport:
    """What may go to the fastlege: the content the consents naming the GP cover (none without one)."""
    if export.view != "full" or export.export_kind != "full":
        raise ContractViolation(
            "views are made from full exports", code="ip-export.view-source", where="/view"
        )
    gp = next((p for p in export.plan.participants if p.sector == "fastlege" and p.active), None)
    scope = granted_scope(export.plan, gp.id, export.generated_at.date()) if gp else frozenset()
    return dataclasses.replace(export, view="gp-summary", plan=_filtered(export.plan, scope))
