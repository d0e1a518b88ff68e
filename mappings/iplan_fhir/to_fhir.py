"""ip-export → FHIR R4: one collection Bundle with the plan's CarePlan, CareTeam, EpisodeOfCare, Goals,
ServiceRequests, Tasks, Observations, Consents and the people they name (domain.md §2.6).

Ids are derived from the plan and entity ids, so the same export always gives the same Bundle.
What the contract marks as not round-trippable is reported as an Problem, never dropped silently.
"""

from __future__ import annotations

from samband.adapters.fhir.bundle import own_bundle
from samband.adapters.iplan.codec import JsonDict
from samband.adapters.iplan.model import IpExport
from samband.adapters.iplan.model_parts import Organization
from samband.kernel.problems import Problem, Severity
from samband.mappings.base import Context, Translation
from samband.mappings.common.ids import resource_id, urn
from samband.mappings.common.message import BundleBuilder
from samband.mappings.iplan_fhir import plan as plan_map
from samband.mappings.iplan_fhir import vocab, work
from samband.mappings.iplan_fhir.parties import (
    Parties,
    add_care_team,
    add_organization,
    add_participants,
    add_patient,
    add_related,
)


def _unmapped(path: str, text: str, text_no: str, severity: Severity = Severity.INFO) -> Problem:
    code = "ip-export.fhir.partial" if severity is Severity.WARNING else "ip-export.fhir.unmapped"
    return Problem(code, severity, text, path=path, text_no=text_no)


def _issues(export: IpExport) -> list[Problem]:
    """What the contract marks as not round-trippable, when the export holds it."""
    plan = export.plan
    issues = [
        _unmapped(
            f"/plan/attachments/{i}",
            f"attachment {a.id!r} ({a.title}) is not carried into FHIR; fetch it from the IP tool",
            f"Vedlegget «{a.title}» følger ikke med til FHIR",
        )
        for i, a in enumerate(plan.attachments)
    ]
    issues += [
        _unmapped(
            f"/plan/consents/{i}/documentRef",
            f"consent {c.id!r} names a scanned document that is not carried into FHIR",
            "Skannet samtykke følger ikke med til FHIR",
        )
        for i, c in enumerate(plan.consents)
        if c.document_ref
    ]
    if plan.change_log:
        issues.append(
            _unmapped(
                "/plan/changeLog",
                f"{len(plan.change_log)} changeLog entries are not carried into FHIR "
                "(the gateway keeps them as change events)",
                "Loggen følger ikke med til FHIR",
            )
        )
    if export.export_kind == "delta":
        issues.append(
            _unmapped(
                "/exportKind",
                "a delta export maps to the changed resources only; "
                "apply it to the stored plan for the whole view",
                "Delta-eksport gir bare de endrede ressursene",
                Severity.WARNING,
            )
        )
    return issues


def _tags(export: IpExport) -> list[JsonDict]:
    tags = [
        vocab.coding(f"{vocab.EXPORT_TAG}/view", export.view),
        vocab.coding(f"{vocab.EXPORT_TAG}/kind", export.export_kind),
    ]
    if export.view_for_participant_ref:
        tags.append(vocab.coding(f"{vocab.EXPORT_TAG}/view-for", export.view_for_participant_ref))
    if export.since_revision is not None:
        tags.append(vocab.coding(f"{vocab.EXPORT_TAG}/since-revision", str(export.since_revision)))
    return tags


def _resources(export: IpExport, builder: BundleBuilder) -> None:
    plan = export.plan
    source = export.source
    municipality = Organization(
        name=f"Kommune {source.municipality_number}",
        organization_number=source.organization_number,
        her_id=source.her_id,
    )
    managing = add_organization(municipality, plan.id, builder)
    parties = Parties(plan_id=plan.id, patient=add_patient(plan, builder))
    add_related(plan, parties, builder)
    add_participants(plan, parties, builder)
    team = add_care_team(export, parties, managing, builder)
    coordinator = parties.reference(plan.coordinator_ref) if plan.coordinator_ref else None
    care_plan = resource_id("CarePlan", plan.id)
    builder.add(plan_map.care_plan(export, parties, team, coordinator))
    builder.add(plan_map.episode(export, parties, team, managing, coordinator))
    owner = parties.reference(plan.coordinator_ref) if plan.coordinator_ref else None
    for goal in plan.goals:
        builder.add(work.goal(goal, plan, parties))
    for assessment in plan.psfs_assessments:
        builder.add(work.psfs(assessment, plan, parties))
    for measure in plan.measures:
        builder.add(work.service_request(measure, plan, parties))
    for meeting in plan.meetings:
        builder.add(work.task(meeting, plan, parties, care_plan, owner))
    for evaluation in plan.evaluations:
        builder.add(work.evaluation(evaluation, plan, parties, care_plan))
    for consent in plan.consents:
        builder.add(work.consent(consent, plan, parties, managing))


def to_fhir(export: IpExport, ctx: Context) -> Translation[JsonDict]:
    """The FHIR collection Bundle of one export, normalised (validated with fhir.resources R4B when
    ``ctx.validate``)."""
    builder = BundleBuilder()
    _resources(export, builder)
    bundle: JsonDict = {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", export.plan.id, str(export.plan.revision), export.export_kind),
        "meta": {"tag": _tags(export)},
        "identifier": {"system": vocab.EXPORT_SYSTEM, "value": f"urn:uuid:{export.export_id}"},
        "type": "collection",
        "timestamp": export.generated_at.isoformat(),
        "entry": [{"fullUrl": urn(str(r["id"])), "resource": r} for r in builder.entries.values()],
    }
    return Translation(own_bundle(bundle, ctx.validate), _issues(export))
