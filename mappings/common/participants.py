"""FHIR builders for the parties of any message: Patient, Organization, Practitioner, PractitionerRole,
RelatedPerson and Person (no-basis profiles, fhir.md §6.2). Inputs are plain values so every format
can use them; the KITH codes a coarser FHIR element cannot tell apart ride along exactly
(``kith_codes``).

Ids are derived from what tells a party apart: an Organization from its name, every identifier and
its place in the hierarchy (``partOf``), so a nursing home that shares the organisation number of
its municipality stays itself; a person from the national identifier (FNR, HPR …). Two parties with
the same id and other details are both kept (``BundleBuilder.add_distinct``), never merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from samband.adapters.kith.datatypes import Code
from samband.kernel.codes import lookup
from samband.mappings.common.ids import ref, resource_id
from samband.mappings.common.kith_codes import code_extension, exact_coding
from samband.mappings.common.systems import (
    EXT_DATA_ABSENT,
    EXT_MIDDLE_NAME,
    EXT_MUNICIPALITY,
    EXT_NATIONALITY,
    EXT_PATIENT_NATIONALITY,
    EXT_POSTBOX,
    HNR,
    NO_BASIS,
    PERSON_ID_TYPE,
    ident_system,
)

JsonDict = dict[str, object]
PERSON_KEY_ORDER = ("FNR", "DNR", "FHN", "HPR", "HNR", "HER", "DUF")
ORG_KEY_ORDER = ("HER", "ENH", "RSH")


@dataclass(frozen=True)
class Ident:
    """An identifier as KITH writes it: TypeId code (8116/9051) and the value; ``type_id`` the TypeId
    as it was sent (its ``S`` and ``DN``), kept in ``Identifier.type``."""

    type: str
    value: str
    type_id: Code | None = None


@dataclass(frozen=True)
class Telecom:
    """A KITH TeleAddress URI (``tel:``, ``mailto:``, ``fax:``, ``http(s):``) and its TypeTelecom
    (9061): ``type`` the code, ``type_code`` the element as sent."""

    address: str
    type: str | None = None
    type_code: Code | None = None


@dataclass(frozen=True)
class PostalAddress:
    """KITH Address: Type (3401), StreetAdr, PostalCode, City, Postbox, County (3402), Country (9043)."""

    kind: Code | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    postbox: str | None = None
    county: Code | None = None
    country: Code | None = None


@dataclass(frozen=True)
class Person:
    """A person (patient, professional, next of kin) in neutral form; ``sex`` (3101) and
    ``nationality`` (9043) as sent."""

    family: str | None = None
    given: str | None = None
    middle: str | None = None
    idents: tuple[Ident, ...] = ()
    birth_date: str | None = None
    sex: Code | None = None
    nationality: Code | None = None
    address: PostalAddress | None = None
    telecoms: tuple[Telecom, ...] = ()


@dataclass(frozen=True)
class Org:
    name: str | None = None
    idents: tuple[Ident, ...] = ()
    address: PostalAddress | None = None
    telecoms: tuple[Telecom, ...] = ()


def identifier(ident: Ident) -> JsonDict:
    """KITH Ident → FHIR Identifier in the no-basis system (HNR with its 8327 type), the TypeId as
    sent in ``type``; an Ident sent without an Id keeps its kind with the value marked absent."""
    out: JsonDict = {"system": ident_system(ident.type)}
    if ident.value:
        out["value"] = ident.value
    else:
        out["_value"] = {"extension": [{"url": EXT_DATA_ABSENT, "valueCode": "unknown"}]}
    codings: list[JsonDict] = []
    if ident.type == "HNR":
        codings.append({"system": PERSON_ID_TYPE, "code": "HNR"})
    sent = exact_coding(ident.type_id, "", cv=True, element="TypeId")
    if sent is not None and sent.get("code"):
        codings.append(sent)
    if codings:
        out["type"] = {"coding": codings}
    return out


def _key(idents: Sequence[Ident], order: Sequence[str]) -> tuple[str, ...] | None:
    valued = [ident for ident in idents if ident.value]
    for wanted in order:
        for ident in valued:
            if ident.type == wanted:
                return (ident_system(ident.type), ident.value)
    return (ident_system(valued[0].type), valued[0].value) if valued else None


def human_name(person: Person) -> list[JsonDict]:
    """HumanName: given and middle name in ``given`` (in that order), the middle name also in the
    no-basis ``middlename`` extension so it is told apart from a second given name."""
    if not (person.family or person.given or person.middle):
        return []
    name: JsonDict = {}
    if person.middle:
        name["extension"] = [{"url": EXT_MIDDLE_NAME, "valueString": person.middle}]
    if person.family:
        name["family"] = person.family
    given = [p for p in (person.given, person.middle) if p]
    if given:
        name["given"] = given
    return [name]


_TELECOM_SYSTEMS = {"tel": "phone", "mailto": "email", "fax": "fax", "http": "url", "https": "url"}


def telecom(item: Telecom) -> JsonDict:
    """KITH TeleAddress URI → ContactPoint (``tel:`` → phone, ``mailto:`` → email …); another scheme,
    or none, keeps the whole address under ``other``; the TypeTelecom as sent in ``kith-kode``."""
    scheme, colon, rest = item.address.partition(":")
    system = _TELECOM_SYSTEMS.get(scheme) if colon and rest else None
    out: JsonDict = {"system": system or "other", "value": item.address if system in (None, "url") else rest}
    use = lookup.to_fhir_code("9061", item.type) if item.type else None
    if use:
        out["use"] = use
    if extension := code_extension(item.type_code, "9061"):
        out["extension"] = extension
    return out


def address(item: PostalAddress) -> JsonDict:
    """KITH Address → Address: Type 3401 as ``use``/``type`` (kept exactly in ``kith-kode``), street
    and postbox as lines (the postbox also in ``postboks``), County 3402 as ``district`` with the
    no-basis municipality code, Country 9043 as ``country`` (the code as sent in ``kith-kode``)."""
    out: JsonDict = {}
    extensions = code_extension(item.kind, "3401")
    if item.postbox:
        extensions.append({"url": EXT_POSTBOX, "valueString": item.postbox})
    if extensions:
        out["extension"] = extensions
    kind = lookup.to_fhir_code("3401", item.kind.v) if item.kind and item.kind.v else None
    if kind == "postal":
        out["type"] = "postal"
    elif kind:
        out["use"] = kind
    lines = [line for line in (item.street, item.postbox) if line]
    if lines:
        out["line"] = lines
    if item.city:
        out["city"] = item.city
    county = exact_coding(item.county, "3402")
    if county is not None:
        if item.county and item.county.dn:
            out["district"] = item.county.dn
        out["_district"] = {"extension": [{"url": EXT_MUNICIPALITY, "valueCoding": county}]}
    if item.postal_code:
        out["postalCode"] = item.postal_code
    if item.country and (item.country.v or item.country.dn):
        out["country"] = item.country.v or item.country.dn
        out["_country"] = {"extension": code_extension(item.country, "9043")}
    return out


def _common(resource: JsonDict, person_or_org: Person | Org) -> JsonDict:
    if person_or_org.idents:
        resource["identifier"] = [identifier(i) for i in person_or_org.idents]
    if person_or_org.telecoms:
        resource["telecom"] = [telecom(t) for t in person_or_org.telecoms]
    return resource


def _personal(resource: JsonDict, person: Person, nationality: str = EXT_NATIONALITY) -> JsonDict:
    """Name, gender (3101, kept exactly on ``_gender``), birth date, address and nationality."""
    if names := human_name(person):
        resource["name"] = names
    gender = lookup.to_fhir_code("3101", person.sex.v) if person.sex and person.sex.v else None
    if gender:
        resource["gender"] = gender
    if extension := code_extension(person.sex, "3101"):
        resource["_gender"] = {"extension": extension}
    if person.birth_date:
        resource["birthDate"] = person.birth_date
    if person.address:
        resource["address"] = [address(person.address)]
    coding = exact_coding(person.nationality, "9043")
    if coding is not None and nationality == EXT_PATIENT_NATIONALITY:
        concept = {"coding": [coding]} if coding.get("code") else {"text": coding.get("display")}
        code: JsonDict = {"url": "code", "valueCodeableConcept": concept}
        resource["extension"] = [{"url": nationality, "extension": [code]}]
    elif coding is not None:
        resource["extension"] = [{"url": nationality, "valueCoding": coding}]
    return resource


def patient(person: Person, scope: str = "") -> tuple[str, JsonDict]:
    """no-basis Patient; id from FNR/DNR/FHN/HNR, else from name and birth date within ``scope``."""
    key = _key(person.idents, PERSON_KEY_ORDER) or (scope, person.family or "", person.birth_date or "")
    rid = resource_id("Patient", *key)
    resource = _common(
        {"resourceType": "Patient", "id": rid, "meta": {"profile": [f"{NO_BASIS}/no-basis-Patient"]}}, person
    )
    return rid, _personal(resource, person, EXT_PATIENT_NATIONALITY)


def person_resource(person: Person, scope: str = "") -> tuple[str, JsonDict]:
    """FHIR Person for a person in no other role (a copy receiver given as ``Person``)."""
    key = _key(person.idents, PERSON_KEY_ORDER) or (scope, person.family or "", person.given or "")
    rid = resource_id("Person", *key)
    return rid, _personal(_common({"resourceType": "Person", "id": rid}, person), person)


def _identity(idents: Sequence[Ident]) -> tuple[str, ...]:
    return tuple(part for ident in idents for part in (ident_system(ident.type), ident.value))


def organization(org: Org, part_of: str | None = None, scope: str = "") -> tuple[str, JsonDict]:
    """Organization with HER-id, orgnr (ENH) and RESH identifiers; ``part_of`` links a level to the one
    above. Its id comes from its name, every identifier and its parent: never from one identifier."""
    identity = _identity(org.idents) or (scope,)
    rid = resource_id("Organization", part_of or "", org.name or "", *identity)
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
    resource = _personal(_common({"resourceType": "Practitioner", "id": rid}, person), person)
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
    return rid, _personal(resource, person)


__all__ = ["HNR", "Ident", "Org", "Person", "PostalAddress", "Telecom"]
