"""FHIR R4 → ip-export: reads the collection Bundle ``to_fhir`` writes back into the contract model.

The Bundle is checked with fhir.resources (R4B) first; the CarePlan with the individual-plan
category anchors the plan. The result is checked against the contract schema before it is returned.
"""

from __future__ import annotations

from typing import Any

from samband.adapters.fhir.bundle import parse_bundle
from samband.adapters.iplan.codec import JsonDict, from_dict
from samband.adapters.iplan.model import SCHEMA_VERSION, IpExport, SourceSystem
from samband.adapters.iplan.model_parts import Need, PlanResource
from samband.adapters.iplan.model_work import Archive, Closure, Cooperation, SectoralPlan
from samband.adapters.iplan.schema_check import json_schema_findings
from samband.kernel.errors import MappingError
from samband.mappings.base import Context, Translation
from samband.mappings.common.systems import DNR, FNR, HER, HPR
from samband.mappings.iplan_fhir import ext, vocab
from samband.mappings.iplan_fhir import from_parts as parts
from samband.mappings.iplan_fhir.from_parts import Index, codes, first_code, source_id
from samband.mappings.iplan_fhir.work import PARENT_GOAL

_REVERSE_STATUS = {v: k for k, v in vocab.CAREPLAN_STATUS.items()}
_REVERSE_CATEGORY = {v: k for k, v in vocab.PLAN_CATEGORY_CODE.items()}
_EXT_LISTS = (
    ("resources", vocab.EXT_RESOURCE, PlanResource),
    ("needs", vocab.EXT_NEED, Need),
    ("cooperation", vocab.EXT_COOPERATION, Cooperation),
    ("sectoralPlans", vocab.EXT_SECTORAL_PLAN, SectoralPlan),
)
_EXT_SINGLES: tuple[tuple[str, str, type], ...] = (
    ("archive", vocab.EXT_ARCHIVE, Archive),
    ("closure", vocab.EXT_CLOSURE, Closure),
)


def _index(bundle: JsonDict) -> Index:
    resources: dict[str, JsonDict] = {}
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        resources[f"{resource.get('resourceType')}/{resource.get('id')}"] = resource
        if entry.get("fullUrl"):
            resources[str(entry["fullUrl"])] = resource
    index = Index(resources)
    for key, resource in resources.items():
        kind = resource.get("resourceType")
        if kind in ("Goal", "ServiceRequest", "Observation", "Task") and (sid := source_id(resource)):
            index.entity[key] = sid
        if kind == "RelatedPerson" and (found := ext.find(resource, vocab.EXT_RELATED_PERSON)):
            index.related[key] = str(ext.decode_value(found[0], "id"))
    return index


def _of_type(index: Index, kind: str) -> list[JsonDict]:
    return [resource for key, resource in index.resources.items() if key.startswith(f"{kind}/")]


def _anchor(index: Index) -> JsonDict:
    plans = [r for r in _of_type(index, "CarePlan") if codes(r.get("category", []), vocab.PLAN_CATEGORY)]
    if len(plans) != 1:
        raise MappingError(
            f"expected one CarePlan with category {vocab.PLAN_CATEGORY}, found {len(plans)}",
            code="ip-export.fhir.careplan",
            where="/entry",
            expected="exactly one individual-plan CarePlan",
        )
    return plans[0]


def _subject(patient: JsonDict) -> JsonDict:
    ids = {i.get("system"): i.get("value") for i in patient.get("identifier", [])}
    kind, value = ("dnr", ids[DNR]) if DNR in ids else ("fnr", ids.get(FNR))
    name = (patient.get("name") or [{}])[0]
    gp = patient.get("generalPractitioner", [])
    hpr = [g["identifier"]["value"] for g in gp if g.get("identifier", {}).get("system") == HPR]
    her = [g["identifier"]["value"] for g in gp if g.get("identifier", {}).get("system") == HER]
    subject: JsonDict = {
        "nationalId": {"type": kind, "value": value},
        "name": {"given": " ".join(name.get("given", [])), "family": name.get("family", "")},
        "birthDate": patient.get("birthDate"),
    }
    if patient.get("gender"):
        subject["gender"] = patient["gender"]
    if contact := parts.contact(patient):
        subject["contact"] = contact
    if gp:
        subject["gp"] = {"name": gp[0].get("display", "")}
        subject["gp"].update({"hprNumber": hpr[0]} if hpr else {})
        subject["gp"].update({"herId": int(her[0])} if her else {})
    return subject


def _goal(resource: JsonDict, index: Index, parents: dict[str, str]) -> JsonDict:
    targets = resource.get("target", [])
    psfs = [
        {"itemRef": code, **({"targetScore": t["detailInteger"]} if "detailInteger" in t else {})}
        for t in targets
        for code in codes(t.get("measure"), vocab.PSFS_ITEM)
    ]
    gid = source_id(resource) or ""
    data: JsonDict = {
        "id": gid,
        "parentGoalRef": parents.get(gid),
        "text": resource.get("description", {}).get("text"),
        "whatMattersToMe": ext.value(resource, vocab.EXT_WHAT_MATTERS, "valueString"),
        "lifeArea": first_code(resource.get("category", []), vocab.LIFE_AREA),
        "expressedByRef": index.person(resource.get("expressedBy")),
        "startDate": resource.get("startDate"),
        "targetDate": next((t["dueDate"] for t in targets if "dueDate" in t), None),
        "status": first_code(resource.get("achievementStatus"), vocab.GOAL_STATUS),
        "psfsTargets": psfs,
        "comments": parts.comments(resource.get("note", []), index),
    }
    return {k: v for k, v in data.items() if v not in (None, [])}


def _relation(relation: JsonDict) -> tuple[str | None, str | None, Any]:
    parts_ = {e.get("url"): e for e in relation.get("extension", [])}
    kind = parts_.get("type", {}).get("valueCodeableConcept", {})
    return (
        first_code(kind, vocab.GOAL_RELATIONSHIP_TYPE),
        kind.get("text"),
        parts_.get("target", {}).get("valueReference"),
    )


def _parents(index: Index) -> dict[str, str]:
    """Sub-goal id → main goal id: the sub-goal's «delmål av», else the main goal's milestones."""
    out: dict[str, str] = {}
    for goal in _of_type(index, "Goal"):
        here = source_id(goal)
        for relation in ext.find(goal, vocab.GOAL_RELATIONSHIP):
            kind, text, target = _relation(relation)
            other = index.of(target)
            if kind == "other" and text == PARENT_GOAL and here and other:
                out[here] = other
            elif kind == "milestone" and here and other:
                out.setdefault(other, here)
    return out


def _psfs(resource: JsonDict, index: Index) -> JsonDict:
    items = []
    for component in resource.get("component", []):
        item: JsonDict = {
            "id": first_code(component.get("code"), vocab.PSFS_ITEM),
            "activityText": component.get("code", {}).get("text"),
            "score": component.get("valueInteger"),
        }
        if icf := first_code(component.get("code"), vocab.ICF):
            item["icfCode"] = icf
        if direction := ext.value(component, vocab.EXT_SCALE_DIRECTION, "valueCode"):
            item["scaleDirection"] = direction
        items.append(item)
    data: JsonDict = {
        "id": source_id(resource),
        "date": str(resource.get("effectiveDateTime", ""))[:10],
        "assessedByRef": index.who((resource.get("performer") or [{}])[0]),
        "method": first_code(resource.get("method"), vocab.PSFS),
        "scaleDirection": ext.value(resource, vocab.EXT_SCALE_DIRECTION, "valueCode"),
        "items": items,
        "note": (resource.get("note") or [{}])[0].get("text"),
    }
    return {k: v for k, v in data.items() if v is not None}


def _team(index: Index, care_plan: JsonDict) -> list[JsonDict]:
    team = index.get((care_plan.get("careTeam") or [{}])[0])
    entries = team.get("participant", [])
    for entry in entries:
        found = ext.find(entry, vocab.EXT_PARTICIPANT)
        if found:
            key = str(entry.get("member", {}).get("reference", ""))
            index.participant.setdefault(key, str(ext.decode_value(found[0], "id")))
    return [parts.participant(entry, index) for entry in entries]


def _header(care_plan: JsonDict) -> JsonDict:
    """Plan fields from the CarePlan itself and its extensions."""
    header: JsonDict = {
        "id": next(
            i["value"] for i in care_plan.get("identifier", []) if i.get("system") == vocab.PLAN_SYSTEM
        ),
        "planType": _REVERSE_CATEGORY.get(
            first_code(care_plan.get("category", []), vocab.PLAN_CATEGORY) or "", "Other"
        ),
        "legalBasis": [e["valueCode"] for e in ext.find(care_plan, vocab.EXT_LEGAL_BASIS)],
        "status": _REVERSE_STATUS.get(str(care_plan.get("status")), "active"),
        "ipStatus": ext.value(care_plan, vocab.EXT_IP_STATUS, "valueCoding"),
        "title": care_plan.get("title"),
        "planPeriod": care_plan.get("period"),
        "revisionSchedule": [e["valueDate"] for e in ext.find(care_plan, vocab.EXT_REVISION_SCHEDULE)],
        "nextRevisionDate": ext.value(care_plan, vocab.EXT_NEXT_REVISION, "valueDate"),
        "revision": ext.value(care_plan, vocab.EXT_REVISION, "valueInteger"),
        "lastModified": care_plan.get("meta", {}).get("lastUpdated"),
        "background": care_plan.get("description"),
        "coordinatorStatus": ext.value(care_plan, vocab.EXT_COORDINATOR_STATUS, "valueCoding"),
    }
    for key, url, cls in _EXT_LISTS:
        header[key] = [ext.decode(cls, e) for e in ext.find(care_plan, url)]
    for key, url, single in _EXT_SINGLES:
        if found := ext.find(care_plan, url):
            header[key] = ext.decode(single, found[0])
    return header


def _plan(index: Index, care_plan: JsonDict) -> JsonDict:
    """The whole plan: header, people (CareTeam first, so references resolve), then the content."""
    participants = _team(index, care_plan)
    participant_of = {
        str(index.get({"reference": k}).get("id")): v
        for k, v in index.participant.items()
        if k.startswith("urn:")
    }
    observations = _of_type(index, "Observation")
    parents = _parents(index)
    plan = _header(care_plan) | {
        "subject": _subject(index.get(care_plan.get("subject"))),
        "relatedPersons": [
            parts.related_person(r, index, participant_of) for r in _of_type(index, "RelatedPerson")
        ],
        "coordinatorRef": index.who(care_plan.get("author")) if care_plan.get("author") else None,
        "participants": participants,
        "consents": [parts.consent(r, index) for r in _of_type(index, "Consent")],
        "goals": [_goal(r, index, parents) for r in _of_type(index, "Goal")],
        "psfsAssessments": [_psfs(r, index) for r in observations if codes(r.get("code"), vocab.PSFS)],
        "measures": [parts.measure(r, index) for r in _of_type(index, "ServiceRequest")],
        "meetings": [parts.meeting(r, index) for r in _of_type(index, "Task")],
        "evaluations": [
            parts.evaluation(r, index) for r in observations if codes(r.get("code"), vocab.EVALUATION)
        ],
    }
    return {k: v for k, v in plan.items() if v not in (None, [])}


def _root(bundle: JsonDict, care_plan: JsonDict, plan: JsonDict) -> JsonDict:
    tags = {t.get("system"): t.get("code") for t in bundle.get("meta", {}).get("tag", [])}
    source = ext.find(care_plan, vocab.EXT_SOURCE)
    root: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "exportId": str(bundle.get("identifier", {}).get("value", "")).removeprefix("urn:uuid:"),
        "generatedAt": bundle.get("timestamp"),
        "view": tags.get(f"{vocab.EXPORT_TAG}/view", "full"),
        "exportKind": tags.get(f"{vocab.EXPORT_TAG}/kind", "full"),
        "source": ext.decode(SourceSystem, source[0]) if source else {},
        "plan": plan,
    }
    if view_for := tags.get(f"{vocab.EXPORT_TAG}/view-for"):
        root["viewForParticipantRef"] = view_for
    if since := tags.get(f"{vocab.EXPORT_TAG}/since-revision"):
        root["sinceRevision"] = int(since)
    return root


def from_fhir(bundle: JsonDict, ctx: Context) -> Translation[IpExport]:
    """The ip-export a FHIR collection Bundle describes; ``MappingError`` when it cannot be one."""
    parse_bundle(bundle)
    index = _index(bundle)
    care_plan = _anchor(index)
    try:
        data = _root(bundle, care_plan, _plan(index, care_plan))
    except (KeyError, StopIteration, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise MappingError(
            f"the Bundle does not give an ip-export: {type(exc).__name__} {exc}",
            code="ip-export.fhir.incomplete",
            expected="the CarePlan, CareTeam and resources to_fhir writes (docs/ip-export.md)",
        ) from exc
    problems = json_schema_findings(data)
    if problems:
        first = problems[0]
        raise MappingError(
            f"the Bundle does not give a valid ip-export: {first.text} ({len(problems)} problem(s))",
            code="ip-export.fhir.incomplete",
            where=first.path,
        )
    return Translation(from_dict(IpExport, data), [])
