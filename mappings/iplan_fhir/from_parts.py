"""FHIR → ip-export, part by part: participants, consents, goals, PSFS, measures, meetings, evaluations.

Each function reads the resources ``to_fhir`` writes (and the same shapes from other senders) and
returns the contract dict of one entity; references are turned back into contract ids by ``Index``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samband.adapters.iplan.codec import JsonDict
from samband.adapters.iplan.model_parts import Consent, Participant, RelatedPerson
from samband.adapters.iplan.model_work import Decision, Evaluation, Extent, Meeting
from samband.mappings.common.systems import ENH, HER, HPR
from samband.mappings.iplan_fhir import ext, vocab


def codes(concept: Any, system: str) -> list[str]:
    """Codes of ``system`` in a CodeableConcept (or a list of them)."""
    concepts = concept if isinstance(concept, list) else [concept]
    return [
        str(c["code"])
        for cc in concepts
        if isinstance(cc, dict)
        for c in cc.get("coding", [])
        if c.get("system") == system and "code" in c
    ]


def first_code(concept: Any, system: str) -> str | None:
    found = codes(concept, system)
    return found[0] if found else None


def source_id(resource: JsonDict) -> str | None:
    for identifier in resource.get("identifier", []):
        if "/sid/ip-export/" in str(identifier.get("system", "")):
            return str(identifier["value"])
    return None


@dataclass
class Index:
    """The Bundle by reference, and FHIR resource ids back to contract ids."""

    resources: dict[str, JsonDict]
    participant: dict[str, str] = field(default_factory=dict)
    related: dict[str, str] = field(default_factory=dict)
    entity: dict[str, str] = field(default_factory=dict)

    def get(self, reference: Any) -> JsonDict:
        key = reference.get("reference") if isinstance(reference, dict) else None
        return self.resources.get(str(key), {})

    def _key(self, reference: Any) -> str:
        return str(reference.get("reference", "")) if isinstance(reference, dict) else ""

    def _logical(self, reference: Any) -> str | None:
        identifier = reference.get("identifier", {}) if isinstance(reference, dict) else {}
        return str(identifier["value"]) if "/sid/ip-export/" in str(identifier.get("system", "")) else None

    def who(self, reference: Any) -> str | None:
        """Participant id for a reference (the plan owner's Patient, a role, a unit, a relative)."""
        return self.participant.get(self._key(reference)) or self._logical(reference)

    def person(self, reference: Any) -> str | None:
        """Related-person id first, else participant id: for consent givers and goal owners."""
        key = self._key(reference)
        return self.related.get(key) or self.participant.get(key) or self._logical(reference)

    def of(self, reference: Any) -> str | None:
        """Contract id of a goal, measure, PSFS, meeting or evaluation resource."""
        return self.entity.get(self._key(reference)) or self._logical(reference)


def _drop_none(data: JsonDict) -> JsonDict:
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def _organization(resource: JsonDict) -> JsonDict:
    ids = {i.get("system"): i.get("value") for i in resource.get("identifier", [])}
    service = resource.get("type", [{}])[0].get("coding", [None])[0] if resource.get("type") else None
    her = ids.get(HER)
    return _drop_none(
        {
            "name": resource.get("name"),
            "organizationNumber": ids.get(ENH),
            "herId": int(her) if her else None,
            "serviceType": service,
        }
    )


def _person_of(role: JsonDict, index: Index) -> JsonDict:
    practitioner = index.get(role.get("practitioner"))
    name = (practitioner.get("name") or [{}])[0]
    hpr = next((i["value"] for i in practitioner.get("identifier", []) if i.get("system") == HPR), None)
    telecom = {t.get("system"): t.get("value") for t in role.get("telecom", [])}
    return _drop_none(
        {
            "name": name.get("text") or " ".join([*name.get("given", []), name.get("family", "")]).strip(),
            "hprNumber": hpr,
            "profession": (role.get("code") or [{}])[0].get("text"),
            "phone": telecom.get("phone"),
            "email": telecom.get("email"),
        }
    )


def participant(entry: JsonDict, index: Index) -> JsonDict:
    """CareTeam.participant → Participant: ids and flags from the extension, people from the members."""
    found = ext.find(entry, vocab.EXT_PARTICIPANT)
    data = ext.decode(Participant, found[0]) if found else {}
    member = index.get(entry.get("member"))
    if "person" not in data and member.get("resourceType") == "PractitionerRole":
        data["person"] = _person_of(member, index)
    data["organization"] = _organization(index.get(entry.get("onBehalfOf")))
    data["sector"] = first_code(entry.get("role", []), vocab.SECTOR)
    data["roles"] = codes(entry.get("role", []), vocab.ROLE)
    period = entry.get("period", {})
    data.update(_drop_none({"joinedAt": period.get("start"), "leftAt": period.get("end")}))
    return data


def related_person(resource: JsonDict, index: Index, participant_of: dict[str, str]) -> JsonDict:
    found = ext.find(resource, vocab.EXT_RELATED_PERSON)
    data = ext.decode(RelatedPerson, found[0]) if found else {}
    name = (resource.get("name") or [{}])[0]
    data["name"] = {"given": " ".join(name.get("given", [])), "family": name.get("family", "")}
    data["relationship"] = first_code(resource.get("relationship", []), vocab.RELATIONSHIP) or "annen"
    data.update(_drop_none({"participantRef": participant_of.get(str(resource.get("id")))}))
    data.update(_drop_none({"contact": contact(resource)}))
    return data


def contact(resource: JsonDict) -> JsonDict:
    telecom = {t.get("system"): t.get("value") for t in resource.get("telecom", [])}
    address = (resource.get("address") or [{}])[0].get("text")
    return _drop_none({"phone": telecom.get("phone"), "email": telecom.get("email"), "address": address})


def consent(resource: JsonDict, index: Index) -> JsonDict:
    found = ext.find(resource, vocab.EXT_CONSENT)
    data = ext.decode(Consent, found[0]) if found else {}
    provision = resource.get("provision", {})
    actors = provision.get("actor", [])
    data.update(
        _drop_none(
            {
                "type": first_code(resource.get("category", []), vocab.CONSENT_TYPE),
                "grantedByRef": index.person((resource.get("performer") or [{}])[0]),
                "participantRef": index.who(actors[0].get("reference")) if actors else None,
                "scope": [c for cc in provision.get("code", []) for c in codes(cc, vocab.ACCESS_SCOPE)],
                "period": provision.get("period"),
                "recordedAt": resource.get("dateTime"),
            }
        )
    )
    return data


def comments(notes: list[JsonDict], index: Index) -> list[JsonDict]:
    return [
        _drop_none(
            {"at": n.get("time"), "authorRef": index.who(n.get("authorReference")), "text": n.get("text")}
        )
        for n in notes
    ]


def measure(resource: JsonDict, index: Index) -> JsonDict:
    extent = ext.find(resource, vocab.EXT_EXTENT)
    decision = ext.find(resource, vocab.EXT_DECISION)
    return _drop_none(
        {
            "id": source_id(resource),
            "title": resource.get("code", {}).get("text"),
            "implementation": resource.get("patientInstruction"),
            "goalRefs": [
                index.of(e.get("valueReference")) for e in ext.find(resource, vocab.PERTAINS_TO_GOAL)
            ],
            "responsibleRef": index.who((resource.get("performer") or [{}])[0]),
            "responsibleSector": first_code(resource.get("performerType"), vocab.SECTOR),
            "extent": ext.decode(Extent, extent[0]) if extent else None,
            "period": resource.get("occurrencePeriod"),
            "status": ext.value(resource, vocab.EXT_MEASURE_STATUS, "valueCode"),
            "statusDate": resource.get("authoredOn"),
            "decision": ext.decode(Decision, decision[0]) if decision else None,
            "progressNotes": comments(resource.get("note", []), index),
        }
    )


def meeting(resource: JsonDict, index: Index) -> JsonDict:
    found = ext.find(resource, vocab.EXT_MEETING)
    data = ext.decode(Meeting, found[0]) if found else {}
    period = resource.get("executionPeriod", {})
    minutes = [
        o.get("valueString") for o in resource.get("output", []) if codes(o.get("type"), vocab.MEETING_OUTPUT)
    ]
    data.update(
        _drop_none(
            {
                "id": source_id(resource),
                "type": first_code(resource.get("code"), vocab.MEETING_TYPE),
                "scheduledStart": period.get("start"),
                "scheduledEnd": period.get("end"),
                "status": first_code(resource.get("businessStatus"), vocab.MEETING_STATUS),
                "agenda": resource.get("description"),
                "minutes": minutes[0] if minutes else None,
            }
        )
    )
    return data


def evaluation(resource: JsonDict, index: Index) -> JsonDict:
    found = ext.find(resource, vocab.EXT_EVALUATION)
    data = ext.decode(Evaluation, found[0]) if found else {}
    focus = (resource.get("focus") or [{}])[0]
    data.update(
        _drop_none(
            {
                "date": resource.get("effectiveDateTime"),
                "targetRef": index.of(focus) if data.get("targetType") != "plan" else None,
                "result": first_code(resource.get("valueCodeableConcept"), vocab.EVALUATION_RESULT),
                "narrative": (resource.get("note") or [{}])[0].get("text"),
                "psfsAssessmentRef": index.of((resource.get("derivedFrom") or [None])[0]),
                "evaluatedByRefs": [index.who(p) for p in resource.get("performer", [])],
            }
        )
    )
    return data
