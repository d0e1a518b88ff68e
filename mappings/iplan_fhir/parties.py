"""The people of a plan in FHIR: Patient (planeier), RelatedPerson (foresatte), and per participant a
Practitioner + PractitionerRole, or the Organization of a unit, plus the CareTeam (fhir.md §6.2, §6.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.iplan.codec import JsonDict, to_dict
from samband.adapters.iplan.model import IndividualPlan, IpExport
from samband.adapters.iplan.model_parts import (
    Contact,
    Organization,
    Participant,
    ParticipantPerson,
    RelatedPerson,
)
from samband.kernel.ids import stable_id
from samband.mappings.common.ids import ref, resource_id
from samband.mappings.common.message import BundleBuilder
from samband.mappings.common.participants import Ident, Org, Person, organization, patient, related_person
from samband.mappings.common.systems import ENH, HER, HPR, URI
from samband.mappings.iplan_fhir import ext, vocab
from samband.mappings.iplan_fhir.vocab import coding, concept

PARTICIPANT_EXTRAS = (
    "id",
    "kind",
    "contribution",
    "accessPeriod",
    "accessScope",
    "inviteToMeetings",
    "active",
)


@dataclass
class Parties:
    """Resource ids of the plan's people: who each participant id is in FHIR."""

    plan_id: str
    patient: str
    members: dict[str, str] = field(default_factory=dict)
    related: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)

    def reference(self, participant_or_person: str) -> JsonDict:
        """Reference for a participant or related-person id; one not in this export (a delta) stays
        a logical reference by its source id."""
        rid = self.members.get(participant_or_person) or self.related.get(participant_or_person)
        return ref(rid) if rid else logical(self.plan_id, "participants", participant_or_person)


def logical(plan_id: str, collection: str, entity_id: str) -> JsonDict:
    """A reference by source identifier, for an entity the Bundle does not hold."""
    return {"identifier": {"system": vocab.source_system(plan_id, collection), "value": entity_id}}


def telecom(contact: Contact | ParticipantPerson | None) -> list[JsonDict]:
    if contact is None:
        return []
    out: list[JsonDict] = []
    if contact.phone:
        out.append({"system": "phone", "value": contact.phone})
    if contact.email:
        out.append({"system": "email", "value": contact.email})
    return out


def local_identifier(plan_id: str, entity_id: str) -> JsonDict:
    """A person without HPR-nummer: ``urn:ietf:rfc:3986`` with a stable ``urn:uuid`` (fhir.md §6.2)."""
    return {"system": URI, "value": f"urn:uuid:{stable_id('ip-export', plan_id, entity_id)}"}


def _split(name: str) -> tuple[str, str | None]:
    *given, family = name.split()
    return family, " ".join(given) or None


def add_patient(plan: IndividualPlan, builder: BundleBuilder) -> str:
    """Patient on no-basis-Patient: FNR/DNR, name, birth date, gender, contact, fastlege."""
    subject = plan.subject
    kind = subject.national_id.type.upper()
    person = Person(
        family=subject.name.family,
        given=subject.name.given,
        idents=(Ident(kind, subject.national_id.value),),
        birth_date=subject.birth_date.isoformat(),
    )
    pid, resource = patient(person, plan.id)
    if subject.gender:
        resource["gender"] = subject.gender
    if points := telecom(subject.contact):
        resource["telecom"] = points
    if subject.contact and subject.contact.address:
        resource["address"] = [{"text": subject.contact.address}]
    if subject.gp:
        gp: list[JsonDict] = []
        if subject.gp.hpr_number:
            gp.append({"type": "Practitioner", "identifier": {"system": HPR, "value": subject.gp.hpr_number}})
        if subject.gp.her_id is not None:
            gp.append(
                {"type": "Organization", "identifier": {"system": HER, "value": str(subject.gp.her_id)}}
            )
        resource["generalPractitioner"] = [dict(g, display=subject.gp.name) for g in gp] or [
            {"display": subject.gp.name}
        ]
    return builder.add(resource)


def add_organization(org: Organization, plan_id: str, builder: BundleBuilder) -> str:
    idents = []
    if org.her_id is not None:
        idents.append(Ident("HER", str(org.her_id)))
    if org.organization_number:
        idents.append(Ident("ENH", org.organization_number))
    oid, resource = organization(Org(name=org.name, idents=tuple(idents)), scope=plan_id)
    if org.service_type:
        resource["type"] = [{"coding": [to_dict(org.service_type)]}]
    return builder.add(resource)


def _practitioner(part: Participant, plan_id: str, builder: BundleBuilder) -> str:
    assert part.person is not None
    person = part.person
    family, given = _split(person.name)
    identifier = (
        {"system": HPR, "value": person.hpr_number}
        if person.hpr_number
        else local_identifier(plan_id, part.id)
    )
    rid = resource_id("Practitioner", identifier["system"], identifier["value"])
    name: JsonDict = {"text": person.name, "family": family}
    if given:
        name["given"] = given.split()
    return builder.add(
        {"resourceType": "Practitioner", "id": rid, "identifier": [identifier], "name": [name]}
    )


def _role(part: Participant, practitioner_id: str, org_id: str, plan_id: str, builder: BundleBuilder) -> str:
    assert part.person is not None
    rid = resource_id("PractitionerRole", plan_id, part.id)
    resource: JsonDict = {
        "resourceType": "PractitionerRole",
        "id": rid,
        "identifier": [local_identifier(plan_id, part.id)],
        "practitioner": ref(practitioner_id),
        "organization": ref(org_id),
    }
    if part.person.profession:
        resource["code"] = [{"text": part.person.profession}]
    if points := telecom(part.person):
        resource["telecom"] = points
    return builder.add(resource)


def add_related(plan: IndividualPlan, parties: Parties, builder: BundleBuilder) -> None:
    for rel in plan.related_persons:
        who = Person(family=rel.name.family, given=rel.name.given)
        relationship: JsonDict = {
            "coding": [
                coding(vocab.RELATIONSHIP, rel.relationship),
                coding(vocab.V3_ROLE, vocab.RELATIONSHIP_V3[rel.relationship]),
            ]
        }
        rid, resource = related_person(parties.patient, who, relationship, plan.id)
        resource["identifier"] = [local_identifier(plan.id, rel.id)]
        extras = {"id": rel.id, "isConsentGiver": rel.is_consent_giver}
        resource["extension"] = [ext.encode(vocab.EXT_RELATED_PERSON, RelatedPerson, extras)]
        if points := telecom(rel.contact):
            resource["telecom"] = points
        if rel.contact and rel.contact.address:
            resource["address"] = [{"text": rel.contact.address}]
        parties.related[rel.id] = builder.add(resource)
        if rel.participant_ref:
            parties.members[rel.participant_ref] = parties.related[rel.id]


def add_participants(plan: IndividualPlan, parties: Parties, builder: BundleBuilder) -> None:
    for part in plan.participants:
        org_id = add_organization(part.organization, plan.id, builder)
        parties.organizations[part.id] = org_id
        if part.id in parties.members:
            continue
        if "planeier" in part.roles and part.sector == "bruker":
            parties.members[part.id] = parties.patient
        elif part.kind == "unit" or part.person is None:
            parties.members[part.id] = org_id
        else:
            practitioner_id = _practitioner(part, plan.id, builder)
            parties.members[part.id] = _role(part, practitioner_id, org_id, plan.id, builder)


def team_participant(part: Participant, parties: Parties) -> JsonDict:
    """CareTeam.participant: role codes (ip-role, plus the sector), member, onBehalfOf, period."""
    roles = [concept(vocab.ROLE, role) for role in part.roles] + [concept(vocab.SECTOR, part.sector)]
    extras = {k: v for k, v in to_dict(part).items() if k in PARTICIPANT_EXTRAS}
    member = parties.members[part.id]
    if part.person is not None and member in (parties.patient, *parties.related.values()):
        extras["person"] = to_dict(part.person)
    out: JsonDict = {
        "extension": [ext.encode(vocab.EXT_PARTICIPANT, Participant, extras)],
        "role": roles,
        "member": ref(member, part.person.name if part.person else part.organization.name),
        "onBehalfOf": ref(parties.organizations[part.id]),
    }
    period = {k: v.isoformat() for k, v in (("start", part.joined_at), ("end", part.left_at)) if v}
    if period:
        out["period"] = period
    return out


def add_care_team(export: IpExport, parties: Parties, managing: str, builder: BundleBuilder) -> str:
    """The oppfølgingsteam: one participant per plan participant, the coordinator by role code."""
    plan = export.plan
    rid = resource_id("CareTeam", plan.id)
    resource: JsonDict = {
        "resourceType": "CareTeam",
        "id": rid,
        "identifier": [{"system": vocab.PLAN_SYSTEM, "value": plan.id}],
        "status": vocab.CARETEAM_STATUS[plan.status],
        "category": [
            {
                "coding": [
                    coding(vocab.LOINC, "LA27976-2", "Longitudinal care-coordination focused care team"),
                    coding(vocab.TEAM_CATEGORY, "oppfolgingsteam", "Oppfølgingsteam"),
                ]
            }
        ],
        "name": f"Oppfølgingsteam for {plan.subject.name.given} {plan.subject.name.family}",
        "subject": ref(parties.patient),
        "period": to_dict(plan.plan_period),
        "participant": [team_participant(p, parties) for p in plan.participants],
        "managingOrganization": [ref(managing)],
    }
    return builder.add(resource)


__all__ = ["ENH", "Parties"]
