"""FHIR builders for the parties of any message: Patient, Organization, Practitioner, PractitionerRole,
RelatedPerson (no-basis profiles, fhir.md §6.2). Inputs are plain values so every format can use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from samband.kernel.codes import lookup
from samband.mappings.common.ids import ref, resource_id
from samband.mappings.common.systems import HNR, PERSON_ID_TYPE, ident_system

JsonDict = dict[str, object]
PERSON_KEY_ORDER = ("FNR", "DNR", "FHN", "HPR", "HNR", "HER", "DUF")
ORG_KEY_ORDER = ("HER", "ENH", "RSH")
NO_BASIS = "http://hl7.no/fhir/StructureDefinition"


@dataclass(frozen=True)
class Ident:
    """An identifier as KITH writes it: TypeId code (8116/9051) and the value."""

    type: str
    value: str


@dataclass(frozen=True)
class Telecom:
    """A KITH TeleAddress URI (``tel:``, ``mailto:``, ``fax:``, ``http(s):``) and its TypeTelecom."""

    address: str
    type: str | None = None


@dataclass(frozen=True)
class PostalAddress:
    kind: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    postbox: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Person:
    """A person (patient, professional, next of kin) in neutral form."""

    family: str | None = None
    given: str | None = None
    middle: str | None = None
    idents: tuple[Ident, ...] = ()
    birth_date: str | None = None
    sex: str | None = None
    address: PostalAddress | None = None
    telecoms: tuple[Telecom, ...] = ()


@dataclass(frozen=True)
class Org:
    name: str | None = None
    idents: tuple[Ident, ...] = ()
    address: PostalAddress | None = None
    telecoms: tuple[Telecom, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def identifier(ident: Ident) -> JsonDict:
    """KITH Ident → FHIR Identifier in the no-basis system (HNR with its 8327 type)."""
    out: JsonDict = {"system": ident_system(ident.type), "value": ident.value}
    if ident.type == "HNR":
        out["type"] = {"coding": [{"system": PERSON_ID_TYPE, "code": "HNR"}]}
    return out


def _key(idents: Sequence[Ident], order: Sequence[str]) -> tuple[str, ...] | None:
    for wanted in order:
        for ident in idents:
            if ident.type == wanted:
                return (ident_system(ident.type), ident.value)
    return (ident_system(idents[0].type), idents[0].value) if idents else None


def human_name(person: Person) -> list[JsonDict]:
    if not (person.family or person.given or person.middle):
        return []
    name: JsonDict = {}
    if person.family:
        name["family"] = person.family
    given = [p for p in (person.given, person.middle) if p]
    if given:
        name["given"] = given
    return [name]


_TELECOM_SYSTEMS = {"tel": "phone", "mailto": "email", "fax": "fax", "http": "url", "https": "url"}


def telecom(item: Telecom) -> JsonDict:
    """KITH TeleAddress URI → ContactPoint (``tel:`` → phone, ``mailto:`` → email …)."""
    scheme, _, rest = item.address.partition(":")
    system = _TELECOM_SYSTEMS.get(scheme.lower())
    out: JsonDict = {"system": system or "other", "value": item.address if system in (None, "url") else rest}
    use = lookup.to_fhir_code("9061", item.type) if item.type else None
    if use:
        out["use"] = use
    return out


def address(item: PostalAddress) -> JsonDict:
    out: JsonDict = {}
    kind = lookup.to_fhir_code("3401", item.kind) if item.kind else None
    if kind == "postal":
        out["type"] = "postal"
    elif kind:
        out["use"] = kind
    lines = [line for line in (item.street, item.postbox) if line]
    if lines:
        out["line"] = lines
    if item.city:
        out["city"] = item.city
    if item.postal_code:
        out["postalCode"] = item.postal_code
    if item.country:
        out["country"] = item.country
    return out


def _common(resource: JsonDict, person_or_org: Person | Org) -> JsonDict:
    if person_or_org.idents:
        resource["identifier"] = [identifier(i) for i in person_or_org.idents]
    if person_or_org.telecoms:
        resource["telecom"] = [telecom(t) for t in person_or_org.telecoms]
    return resource


def patient(person: Person, scope: str = "") -> tuple[str, JsonDict]:
    """no-basis Patient; id from FNR/DNR/FHN/HNR, else from name and birth date within ``scope``."""
    key = _key(person.idents, PERSON_KEY_ORDER) or (scope, person.family or "", person.birth_date or "")
    rid = resource_id("Patient", *key)
    resource = _common(
        {"resourceType": "Patient", "id": rid, "meta": {"profile": [f"{NO_BASIS}/no-basis-Patient"]}}, person
    )
    if names := human_name(person):
        resource["name"] = names
    gender = lookup.to_fhir_code("3101", person.sex) if person.sex else None
    if gender:
        resource["gender"] = gender
    if person.birth_date:
        resource["birthDate"] = person.birth_date
    if person.address:
        resource["address"] = [address(person.address)]
    return rid, resource


def organization(org: Org, part_of: str | None = None, scope: str = "") -> tuple[str, JsonDict]:
    """Organization with HER-id, orgnr (ENH) and RESH identifiers; ``part_of`` links level 2 to level 1."""
    key = _key(org.idents, ORG_KEY_ORDER) or (scope, org.name or "")
    rid = resource_id("Organization", part_of or "", *key)
    resource = _common({"resourceType": "Organization", "id": rid}, org)
    if org.name:
        resource["name"] = org.name
    if org.address:
        resource["address"] = [address(org.address)]
    if part_of:
        resource["partOf"] = ref(part_of)
    return rid, resource


def practitioner(
    person: Person, qualification: JsonDict | None = None, scope: str = ""
) -> tuple[str, JsonDict]:
    """no-basis Practitioner identified by HPR (or HER-id/FNR); ``qualification`` a 9060 concept."""
    key = _key(person.idents, ("HPR", "HER", "FNR", "DNR")) or (
        scope,
        person.family or "",
        person.given or "",
    )
    rid = resource_id("Practitioner", *key)
    resource = _common({"resourceType": "Practitioner", "id": rid}, person)
    if names := human_name(person):
        resource["name"] = names
    if qualification:
        resource["qualification"] = [{"code": qualification}]
    return rid, resource


def _first_code(concept: JsonDict | None) -> str:
    codings = concept.get("coding") if concept else None
    if isinstance(codings, list) and codings and isinstance(codings[0], dict):
        return str(codings[0].get("code", ""))
    return ""


def practitioner_role(
    practitioner_id: str, organization_id: str | None, code: JsonDict | None, telecoms: Sequence[Telecom] = ()
) -> tuple[str, JsonDict]:
    """PractitionerRole linking a person to the organisation, ``code`` from 9034."""
    role_key = _first_code(code)
    rid = resource_id("PractitionerRole", practitioner_id, organization_id or "", role_key)
    resource: JsonDict = {"resourceType": "PractitionerRole", "id": rid, "practitioner": ref(practitioner_id)}
    if organization_id:
        resource["organization"] = ref(organization_id)
    if code:
        resource["code"] = [code]
    if telecoms:
        resource["telecom"] = [telecom(t) for t in telecoms]
    return rid, resource


def related_person(
    patient_id: str, person: Person, relationship: JsonDict | None, scope: str
) -> tuple[str, JsonDict]:
    """RelatedPerson (pårørende/foresatt) with the 9033 relationship."""
    key = _key(person.idents, PERSON_KEY_ORDER) or (person.family or "", person.given or "")
    rid = resource_id("RelatedPerson", scope, patient_id, *key)
    resource = _common({"resourceType": "RelatedPerson", "id": rid, "patient": ref(patient_id)}, person)
    if relationship:
        resource["relationship"] = [relationship]
    if names := human_name(person):
        resource["name"] = names
    if person.address:
        resource["address"] = [address(person.address)]
    return rid, resource


__all__ = ["HNR", "Ident", "Org", "Person", "PostalAddress", "Telecom"]
