"""The working content of a plan in FHIR: Goal (with PSFS targets), Observation (PSFS, evaluation),
ServiceRequest (tiltak), Task (møte) and Consent (domain.md §2.6, fhir.md §6.4).
"""

from __future__ import annotations

from samband.adapters.iplan.codec import JsonDict, to_dict
from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.model_parts import Comment, Consent
from samband.adapters.iplan.model_work import Evaluation, Goal, Measure, Meeting, PsfsAssessment
from samband.mappings.common.ids import ref, resource_id
from samband.mappings.iplan_fhir import ext, vocab
from samband.mappings.iplan_fhir.parties import Parties, logical
from samband.mappings.iplan_fhir.vocab import coding, concept


def rid(kind: str, plan_id: str, entity_id: str) -> str:
    return resource_id(kind, plan_id, entity_id)


_COLLECTION = {
    "Goal": "goals",
    "ServiceRequest": "measures",
    "Observation": "psfsAssessments",
    "Task": "meetings",
}


def entity_ref(kind: str, plan: IndividualPlan, entity_id: str) -> JsonDict:
    """Reference to a goal, measure, PSFS or meeting; logical by source id when not in this export."""
    collection = _COLLECTION[kind]
    present = {item.id for item in getattr(plan, camel_to_name(collection))}
    return (
        ref(rid(kind, plan.id, entity_id))
        if entity_id in present
        else logical(plan.id, collection, entity_id)
    )


def camel_to_name(collection: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in collection)


def _identifier(plan_id: str, collection: str, entity_id: str) -> list[JsonDict]:
    return [{"system": vocab.source_system(plan_id, collection), "value": entity_id}]


def annotation(note: Comment, parties: Parties) -> JsonDict:
    out: JsonDict = {"time": note.at.isoformat(), "text": note.text}
    if note.author_ref:
        out["authorReference"] = parties.reference(note.author_ref)
    return out


def _items_of(plan: IndividualPlan) -> dict[str, str]:
    return {item.id: item.activity_text for a in plan.psfs_assessments for item in a.items}


def _targets(item: Goal, plan: IndividualPlan) -> list[JsonDict]:
    """Goal.target: one per PSFS item (activity, target score), each with the due date."""
    activities = _items_of(plan)
    targets: list[JsonDict] = [
        {
            "measure": {"coding": [coding(vocab.PSFS_ITEM, t.item_ref, activities.get(t.item_ref))]},
            **({"detailInteger": t.target_score} if t.target_score is not None else {}),
        }
        for t in item.psfs_targets
    ] or ([{}] if item.target_date else [])
    for target in targets:
        if item.target_date:
            target["dueDate"] = item.target_date.isoformat()
    return targets


def _relationship(kind: str, target: JsonDict, text: str | None = None) -> JsonDict:
    relation = concept(vocab.GOAL_RELATIONSHIP_TYPE, kind)
    if text:
        relation["text"] = text
    return {
        "url": vocab.GOAL_RELATIONSHIP,
        "extension": [
            {"url": "type", "valueCodeableConcept": relation},
            {"url": "target", "valueReference": target},
        ],
    }


def _goal_extensions(item: Goal, plan: IndividualPlan) -> list[JsonDict]:
    """Delmål: milestones on the main goal, and «delmål av» on the sub-goal (which a delta always holds)."""
    out = [
        _relationship("milestone", ref(rid("Goal", plan.id, sub.id)))
        for sub in plan.goals
        if sub.parent_goal_ref == item.id
    ]
    if item.parent_goal_ref:
        out.append(_relationship("other", entity_ref("Goal", plan, item.parent_goal_ref), PARENT_GOAL))
    if item.what_matters_to_me:
        out.append({"url": vocab.EXT_WHAT_MATTERS, "valueString": item.what_matters_to_me})
    return out


PARENT_GOAL = "delmål av"


def goal(item: Goal, plan: IndividualPlan, parties: Parties) -> JsonDict:
    """Goal: hovedmål/delmål with the contract status, PSFS targets, who expressed it, comments."""
    resource: JsonDict = {
        "resourceType": "Goal",
        "id": rid("Goal", plan.id, item.id),
        "identifier": _identifier(plan.id, "goals", item.id),
        "lifecycleStatus": vocab.GOAL_LIFECYCLE[item.status],
        "achievementStatus": {
            "coding": [
                coding(vocab.GOAL_ACHIEVEMENT, vocab.GOAL_ACHIEVED[item.status]),
                coding(vocab.GOAL_STATUS, item.status),
            ]
        },
        "description": {"text": item.text},
        "subject": ref(parties.patient),
        "startDate": item.start_date.isoformat(),
        "expressedBy": parties.reference(item.expressed_by_ref),
    }
    if extensions := _goal_extensions(item, plan):
        resource["extension"] = extensions
    if item.life_area:
        resource["category"] = [concept(vocab.LIFE_AREA, item.life_area)]
    if targets := _targets(item, plan):
        resource["target"] = targets
    if item.comments:
        resource["note"] = [annotation(c, parties) for c in item.comments]
    return resource


def psfs(item: PsfsAssessment, plan: IndividualPlan, parties: Parties) -> JsonDict:
    """One Observation per PSFS scoring; a component per activity; the scale direction always stated."""
    components = []
    for activity in item.items:
        codings = [coding(vocab.PSFS_ITEM, activity.id, activity.activity_text)]
        if activity.icf_code:
            codings.append(coding(vocab.ICF, activity.icf_code))
        component: JsonDict = {
            "code": {"coding": codings, "text": activity.activity_text},
            "valueInteger": activity.score,
        }
        if activity.scale_direction:
            component["extension"] = [
                {"url": vocab.EXT_SCALE_DIRECTION, "valueCode": activity.scale_direction}
            ]
        components.append(component)
    resource: JsonDict = {
        "resourceType": "Observation",
        "id": rid("Observation", plan.id, item.id),
        "identifier": _identifier(plan.id, "psfsAssessments", item.id),
        "status": "final",
        "code": concept(vocab.PSFS, "psfs", "Pasientspesifikk funksjonsskala"),
        "subject": ref(parties.patient),
        "effectiveDateTime": item.date.isoformat(),
        "performer": [parties.reference(item.assessed_by_ref)],
        "method": concept(vocab.PSFS, item.method),
        "component": components,
    }
    if item.scale_direction:
        resource["extension"] = [{"url": vocab.EXT_SCALE_DIRECTION, "valueCode": item.scale_direction}]
    if item.note:
        resource["note"] = [{"text": item.note}]
    return resource


def _measure_extensions(item: Measure, plan: IndividualPlan, data: JsonDict) -> list[JsonDict]:
    extensions: list[JsonDict] = [
        {"url": vocab.EXT_MEASURE_STATUS, "valueCode": item.status},
        *(
            {"url": vocab.PERTAINS_TO_GOAL, "valueReference": entity_ref("Goal", plan, g)}
            for g in item.goal_refs
        ),
    ]
    if item.extent:
        extensions.append(ext.encode(vocab.EXT_EXTENT, type(item.extent), data["extent"]))
    if item.decision:
        extensions.append(ext.encode(vocab.EXT_DECISION, type(item.decision), data["decision"]))
    return extensions


def service_request(item: Measure, plan: IndividualPlan, parties: Parties) -> JsonDict:
    """Tiltak as ServiceRequest: performer = the responsible participant, goals via pertainsToGoal."""
    data = to_dict(item)
    code: JsonDict = {"text": item.title}
    if item.decision and item.decision.service_code:
        code["coding"] = [to_dict(item.decision.service_code)]
    resource: JsonDict = {
        "resourceType": "ServiceRequest",
        "id": rid("ServiceRequest", plan.id, item.id),
        "extension": _measure_extensions(item, plan, data),
        "identifier": _identifier(plan.id, "measures", item.id),
        "status": vocab.REQUEST_STATUS[item.status],
        "intent": "plan",
        "code": code,
        "subject": ref(parties.patient),
        "authoredOn": item.status_date.isoformat(),
        "performerType": concept(vocab.SECTOR, item.responsible_sector),
        "performer": [parties.reference(item.responsible_ref)],
    }
    if item.extent and item.extent.amount is not None and item.extent.per:
        resource["quantityRatio"] = {
            "numerator": {"value": data["extent"]["amount"], "unit": item.extent.unit or item.extent.text},
            "denominator": {"value": 1, "unit": item.extent.per},
        }
    if item.period:
        resource["occurrencePeriod"] = data["period"]
    if item.implementation:
        resource["patientInstruction"] = item.implementation
    if item.progress_notes:
        resource["note"] = [annotation(c, parties) for c in item.progress_notes]
    return resource


MEETING_EXTRAS = ("mode", "location", "invitations", "decisions", "inputs")


def task(
    item: Meeting, plan: IndividualPlan, parties: Parties, care_plan: str, owner: JsonDict | None
) -> JsonDict:
    """Møte as Task: planned → requested, held → completed; minutes as output, agenda as description."""
    data = to_dict(item)
    extras = {k: v for k, v in data.items() if k in MEETING_EXTRAS}
    period = {
        "start": data["scheduledStart"],
        **({"end": data["scheduledEnd"]} if item.scheduled_end else {}),
    }
    resource: JsonDict = {
        "resourceType": "Task",
        "id": rid("Task", plan.id, item.id),
        "identifier": _identifier(plan.id, "meetings", item.id),
        "basedOn": [ref(care_plan)],
        "status": vocab.TASK_STATUS[item.status],
        "businessStatus": concept(vocab.MEETING_STATUS, item.status),
        "intent": "plan",
        "code": concept(vocab.MEETING_TYPE, item.type),
        "for": ref(parties.patient),
        "executionPeriod": period,
    }
    if extras:
        resource["extension"] = [ext.encode(vocab.EXT_MEETING, Meeting, extras)]
    if item.agenda:
        resource["description"] = item.agenda
    if owner:
        resource["owner"] = owner
    if item.minutes:
        resource["output"] = [
            {"type": concept(vocab.MEETING_OUTPUT, "minutes", "Referat"), "valueString": item.minutes}
        ]
    return resource


def evaluation(item: Evaluation, plan: IndividualPlan, parties: Parties, care_plan: str) -> JsonDict:
    """Evaluering as Observation: focus = the goal, measure or plan; value = the result."""
    focus = {"goal": "Goal", "measure": "ServiceRequest"}.get(item.target_type)
    target = entity_ref(focus, plan, item.target_ref) if focus and item.target_ref else ref(care_plan)
    extras = {
        k: v
        for k, v in to_dict(item).items()
        if k in ("id", "targetType", "meetingRef", "nextEvaluationDate")
    }
    resource: JsonDict = {
        "resourceType": "Observation",
        "id": rid("Observation", plan.id, item.id),
        "extension": [ext.encode(vocab.EXT_EVALUATION, Evaluation, extras)],
        "identifier": _identifier(plan.id, "evaluations", item.id),
        "status": "final",
        "code": concept(vocab.EVALUATION, "evaluering", "Evaluering"),
        "subject": ref(parties.patient),
        "focus": [target],
        "effectiveDateTime": item.date.isoformat(),
        "performer": [parties.reference(p) for p in item.evaluated_by_refs],
        "valueCodeableConcept": concept(vocab.EVALUATION_RESULT, item.result),
    }
    if item.narrative:
        resource["note"] = [{"text": item.narrative}]
    if item.psfs_assessment_ref:
        resource["derivedFrom"] = [entity_ref("Observation", plan, item.psfs_assessment_ref)]
    return resource


def consent(item: Consent, plan: IndividualPlan, parties: Parties, managing: str) -> JsonDict:
    """Samtykke: permit for the participant (actor) on the scope codes, for the period."""
    provision: JsonDict = {
        "type": "permit" if item.status == "active" else "deny",
        "period": to_dict(item.period),
    }
    if item.participant_ref:
        provision["actor"] = [
            {
                "role": concept(vocab.PARTICIPATION, "IRCP", "information recipient"),
                "reference": parties.reference(item.participant_ref),
            }
        ]
    if item.scope:
        provision["code"] = [concept(vocab.ACCESS_SCOPE, s) for s in item.scope]
    extras = {"id": item.id, "status": item.status, "signed": item.signed}
    return {
        "resourceType": "Consent",
        "id": rid("Consent", plan.id, item.id),
        "extension": [ext.encode(vocab.EXT_CONSENT, Consent, extras)],
        "identifier": _identifier(plan.id, "consents", item.id),
        "status": vocab.CONSENT_STATUS[item.status],
        "scope": concept(vocab.CONSENT_SCOPE, "patient-privacy"),
        "category": [
            {
                "coding": [
                    coding(vocab.LOINC, "59284-0", "Patient Consent"),
                    coding(vocab.CONSENT_TYPE, item.type),
                ]
            }
        ],
        "patient": ref(parties.patient),
        "dateTime": item.recorded_at.isoformat(),
        "performer": [parties.reference(item.granted_by_ref)],
        "organization": [ref(managing)],
        "policyRule": concept(vocab.CONSENT_TYPE, "ip-forskrift", "Forskrift om individuell plan"),
        "provision": provision,
    }
