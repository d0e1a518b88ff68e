"""The FHIR search parameters the gateway's store supports, per resource type (FHIR R4 §3.1.1.3 and each
resource's "Search Parameters" table): one registry that the index writer, the search and the
CapabilityStatement all read, so ``/fhir/metadata`` lists exactly what is indexed and searchable.

Every type also has ``_id`` and ``_lastUpdated`` (columns of ``fhir_resources``, not index rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """FHIR search parameter types the store indexes (R4 §3.1.1.4)."""

    TOKEN = "token"
    REFERENCE = "reference"
    DATE = "date"
    STRING = "string"


@dataclass(frozen=True)
class Param:
    """One search parameter: its kind and the element paths (dotted, arrays flattened) it indexes.

    A reference parameter with ``self_patient`` matches the Patient itself (``Patient?patient=``)."""

    kind: Kind
    paths: tuple[str, ...]
    targets: tuple[str, ...] = ()
    self_patient: bool = False


def _token(*paths: str) -> Param:
    return Param(Kind.TOKEN, paths)


def _ref(*paths: str, to: tuple[str, ...]) -> Param:
    return Param(Kind.REFERENCE, paths, to)


def _date(*paths: str) -> Param:
    return Param(Kind.DATE, paths)


def _string(*paths: str) -> Param:
    return Param(Kind.STRING, paths)


PATIENT = ("Patient",)
PEOPLE = ("Practitioner", "PractitionerRole", "Organization", "Patient", "RelatedPerson", "CareTeam")
ORG = ("Organization",)
IDENTIFIER = _token("identifier")


def _subject(path: str = "subject") -> dict[str, Param]:
    """``subject`` (any target) and ``patient`` (the same element, Patient targets)."""
    return {"subject": _ref(path, to=(*PATIENT, "Group")), "patient": _ref(path, to=PATIENT)}


SEARCH_PARAMS: dict[str, dict[str, Param]] = {
    "Patient": {
        "identifier": IDENTIFIER,
        "name": _string("name"),
        "family": _string("name.family"),
        "given": _string("name.given"),
        "birthdate": _date("birthDate"),
        "gender": _token("gender"),
        "general-practitioner": _ref("generalPractitioner", to=("Practitioner", "PractitionerRole", *ORG)),
        "organization": _ref("managingOrganization", to=ORG),
        "patient": Param(Kind.REFERENCE, (), PATIENT, self_patient=True),
    },
    "Practitioner": {
        "identifier": IDENTIFIER,
        "name": _string("name"),
        "family": _string("name.family"),
        "given": _string("name.given"),
    },
    "PractitionerRole": {
        "identifier": IDENTIFIER,
        "practitioner": _ref("practitioner", to=("Practitioner",)),
        "organization": _ref("organization", to=ORG),
        "role": _token("code"),
        "specialty": _token("specialty"),
    },
    "Organization": {
        "identifier": IDENTIFIER,
        "name": _string("name", "alias"),
        "partof": _ref("partOf", to=ORG),
        "type": _token("type"),
    },
    "RelatedPerson": {
        "identifier": IDENTIFIER,
        "patient": _ref("patient", to=PATIENT),
        "name": _string("name"),
        "relationship": _token("relationship"),
    },
    "CarePlan": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "intent": _token("intent"),
        "category": _token("category"),
        "date": _date("period"),
        "care-team": _ref("careTeam", to=("CareTeam",)),
        "goal": _ref("goal", to=("Goal",)),
        "activity-reference": _ref("activity.reference", to=("ServiceRequest", "Task", "Communication")),
        "replaces": _ref("replaces", to=("CarePlan",)),
        "based-on": _ref("basedOn", to=("CarePlan",)),
    },
    "CareTeam": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "category": _token("category"),
        "date": _date("period"),
        "participant": _ref("participant.member", to=PEOPLE),
    },
    "Goal": {
        "identifier": IDENTIFIER,
        **_subject(),
        "lifecycle-status": _token("lifecycleStatus"),
        "category": _token("category"),
        "start-date": _date("startDate"),
        "target-date": _date("target.dueDate"),
    },
    "ServiceRequest": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "intent": _token("intent"),
        "category": _token("category"),
        "code": _token("code"),
        "authored": _date("authoredOn"),
        "occurrence": _date("occurrenceDateTime", "occurrencePeriod"),
        "requester": _ref("requester", to=PEOPLE),
        "performer": _ref("performer", to=PEOPLE),
        "based-on": _ref("basedOn", to=("CarePlan", "ServiceRequest")),
    },
    "Communication": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "category": _token("category"),
        "sent": _date("sent"),
        "received": _date("received"),
        "sender": _ref("sender", to=PEOPLE),
        "recipient": _ref("recipient", to=PEOPLE),
        "based-on": _ref("basedOn", to=("CarePlan", "ServiceRequest", "Task")),
    },
    "Task": {
        "identifier": IDENTIFIER,
        "subject": _ref("for", to=(*PATIENT, "Group")),
        "patient": _ref("for", to=PATIENT),
        "status": _token("status"),
        "intent": _token("intent"),
        "code": _token("code"),
        "authored-on": _date("authoredOn"),
        "period": _date("executionPeriod"),
        "owner": _ref("owner", to=PEOPLE),
        "requester": _ref("requester", to=PEOPLE),
        "focus": _ref("focus", to=("CarePlan", "ServiceRequest", "Communication")),
    },
    "EpisodeOfCare": {
        "identifier": IDENTIFIER,
        "patient": _ref("patient", to=PATIENT),
        "status": _token("status"),
        "type": _token("type"),
        "date": _date("period"),
        "organization": _ref("managingOrganization", to=ORG),
        "care-manager": _ref("careManager", to=("Practitioner", "PractitionerRole")),
    },
    "Condition": {
        "identifier": IDENTIFIER,
        **_subject(),
        "clinical-status": _token("clinicalStatus"),
        "category": _token("category"),
        "code": _token("code"),
        "onset-date": _date("onsetDateTime", "onsetPeriod"),
        "recorded-date": _date("recordedDate"),
    },
    "MedicationStatement": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "category": _token("category"),
        "code": _token("medicationCodeableConcept"),
        "medication": _ref("medicationReference", to=("Medication",)),
        "effective": _date("effectiveDateTime", "effectivePeriod"),
    },
    "Observation": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "category": _token("category"),
        "code": _token("code"),
        "date": _date("effectiveDateTime", "effectivePeriod", "effectiveInstant"),
    },
    "Provenance": {  # its target is the message's MessageHeader, which is not stored: no target search
        "recorded": _date("recorded"),
        "agent": _ref("agent.who", to=PEOPLE),
    },
    "DocumentReference": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "type": _token("type"),
        "category": _token("category"),
        "date": _date("date"),
        "author": _ref("author", to=PEOPLE),
    },
    "Medication": {
        "identifier": IDENTIFIER,
        "code": _token("code"),
        "form": _token("form"),
    },
    "Binary": {},
    "Person": {
        "identifier": IDENTIFIER,
        "name": _string("name"),
    },
    "AllergyIntolerance": {
        "identifier": IDENTIFIER,
        "patient": _ref("patient", to=PATIENT),
        "clinical-status": _token("clinicalStatus"),
        "verification-status": _token("verificationStatus"),
        "category": _token("category"),
        "code": _token("code"),
        "date": _date("recordedDate"),
    },
    "Consent": {
        "identifier": IDENTIFIER,
        "patient": _ref("patient", to=PATIENT),
        "status": _token("status"),
        "scope": _token("scope"),
        "category": _token("category"),
        "date": _date("dateTime"),
        "period": _date("provision.period"),
        "organization": _ref("organization", to=ORG),
        "actor": _ref("provision.actor.reference", to=PEOPLE),
    },
    "Encounter": {
        "identifier": IDENTIFIER,
        **_subject(),
        "status": _token("status"),
        "class": _token("class"),
        "type": _token("type"),
        "date": _date("period"),
        "episode-of-care": _ref("episodeOfCare", to=("EpisodeOfCare",)),
        "service-provider": _ref("serviceProvider", to=ORG),
    },
}
"""Resource type → search parameter name → what it indexes: the types the store serves."""

RESOURCE_TYPES = frozenset(SEARCH_PARAMS)
COMMON_PARAMS: dict[str, Kind] = {"_id": Kind.TOKEN, "_lastUpdated": Kind.DATE}
"""Search parameters of every type, answered from the columns of ``fhir_resources``."""
RESULT_PARAMS = ("_count", "_offset", "_sort", "_include", "_revinclude", "_summary", "_total")
FORMAT_PARAMS = ("_format", "_pretty")


def params_of(resource_type: str) -> dict[str, Param]:
    return SEARCH_PARAMS.get(resource_type, {})


def sortable(resource_type: str) -> tuple[str, ...]:
    """The parameters ``_sort`` takes for a type: ``_id``, ``_lastUpdated`` and its date parameters."""
    dates = [name for name, p in params_of(resource_type).items() if p.kind is Kind.DATE]
    return ("_id", "_lastUpdated", *dates)
