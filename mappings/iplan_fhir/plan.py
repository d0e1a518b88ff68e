"""The plan itself in FHIR: CarePlan (IP category, period, revision, activities by reference) and the
EpisodeOfCare of the follow-up with the coordinator as care manager (fhir.md §6.4, §6.5).
"""

from __future__ import annotations

from samband.adapters.iplan.codec import JsonDict, to_dict
from samband.adapters.iplan.model import IpExport, SourceSystem
from samband.adapters.iplan.model_parts import Need, PlanResource
from samband.adapters.iplan.model_work import Archive, Closure, Cooperation, SectoralPlan
from samband.mappings.common.ids import ref, resource_id
from samband.mappings.iplan_fhir import ext, vocab
from samband.mappings.iplan_fhir.parties import Parties
from samband.mappings.iplan_fhir.vocab import coding, concept
from samband.mappings.iplan_fhir.work import rid

_LISTS: tuple[tuple[str, str, type], ...] = (
    ("resources", vocab.EXT_RESOURCE, PlanResource),
    ("needs", vocab.EXT_NEED, Need),
    ("cooperation", vocab.EXT_COOPERATION, Cooperation),
    ("sectoralPlans", vocab.EXT_SECTORAL_PLAN, SectoralPlan),
)


def _plan_extensions(export: IpExport) -> list[JsonDict]:
    """Plan facts with no CarePlan element: revision, legal basis, Volven 8705/9188, schedules, source."""
    plan = export.plan
    data = to_dict(plan)
    out: list[JsonDict] = [{"url": vocab.EXT_REVISION, "valueInteger": plan.revision}]
    out += [{"url": vocab.EXT_LEGAL_BASIS, "valueCode": basis} for basis in plan.legal_basis]
    if plan.ip_status:
        out.append({"url": vocab.EXT_IP_STATUS, "valueCoding": data["ipStatus"]})
    if plan.coordinator_status:
        out.append({"url": vocab.EXT_COORDINATOR_STATUS, "valueCoding": data["coordinatorStatus"]})
    out += [{"url": vocab.EXT_REVISION_SCHEDULE, "valueDate": d} for d in data.get("revisionSchedule", [])]
    if plan.next_revision_date:
        out.append({"url": vocab.EXT_NEXT_REVISION, "valueDate": data["nextRevisionDate"]})
    out.append(ext.encode(vocab.EXT_SOURCE, SourceSystem, to_dict(export.source)))
    for key, url, cls in _LISTS:
        out += [ext.encode(url, cls, item) for item in data.get(key, [])]
    if plan.archive:
        out.append(ext.encode(vocab.EXT_ARCHIVE, Archive, data["archive"]))
    if plan.closure:
        out.append(ext.encode(vocab.EXT_CLOSURE, Closure, data["closure"]))
    return out


def care_plan(export: IpExport, parties: Parties, team: str, coordinator_role: JsonDict | None) -> JsonDict:
    """CarePlan (intent plan, category individuell-plan): goals and activities by reference only."""
    plan = export.plan
    activities = [{"reference": ref(rid("ServiceRequest", plan.id, m.id), m.title)} for m in plan.measures]
    activities += [{"reference": ref(rid("Task", plan.id, m.id), m.type)} for m in plan.meetings]
    resource: JsonDict = {
        "resourceType": "CarePlan",
        "id": resource_id("CarePlan", plan.id),
        "meta": {"versionId": str(plan.revision), "lastUpdated": plan.last_modified.isoformat()},
        "extension": _plan_extensions(export),
        "identifier": [{"system": vocab.PLAN_SYSTEM, "value": plan.id}],
        "status": vocab.CAREPLAN_STATUS[plan.status],
        "intent": "plan",
        "category": [concept(vocab.PLAN_CATEGORY, vocab.PLAN_CATEGORY_CODE[plan.plan_type], plan.plan_type)],
        "subject": ref(parties.patient),
        "period": to_dict(plan.plan_period),
        "careTeam": [ref(team)],
        "goal": [ref(rid("Goal", plan.id, g.id)) for g in plan.goals],
    }
    if plan.title:
        resource["title"] = plan.title
    if plan.background:
        resource["description"] = plan.background
    if coordinator_role:
        resource["author"] = coordinator_role
    if activities:
        resource["activity"] = activities
    if not resource["goal"]:
        del resource["goal"]
    return resource


def episode(
    export: IpExport, parties: Parties, team: str, managing: str, coordinator_role: JsonDict | None
) -> JsonDict:
    """EpisodeOfCare of the oppfølgingsforløp: the case id, the team, the coordinator as careManager."""
    plan = export.plan
    resource: JsonDict = {
        "resourceType": "EpisodeOfCare",
        "id": resource_id("EpisodeOfCare", plan.id),
        "identifier": [{"system": vocab.PLAN_SYSTEM, "value": plan.id}],
        "status": vocab.EPISODE_STATUS[plan.status],
        "type": [
            {
                "coding": [
                    coding(vocab.EPISODE_TYPE, "oppfolgingsteam-ip", "Oppfølgingsteam / individuell plan")
                ]
            }
        ],
        "patient": ref(parties.patient),
        "managingOrganization": ref(managing),
        "period": to_dict(plan.plan_period),
        "team": [ref(team)],
    }
    if coordinator_role:
        resource["careManager"] = coordinator_role
    return resource
