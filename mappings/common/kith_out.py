"""FHIR party resources → KITH person/organisation parts (the msghead model), the inverse of
``kith_parts``: Patient, RelatedPerson and Person → Person, PractitionerRole → HealthcareProfessional,
an Organization chain (``partOf``, as deep as it goes) → nested Organisations with the persons named
at their levels. Codes kept exactly on the way in (``kith_codes``) are written as they were sent.
"""

from __future__ import annotations

from dataclasses import replace

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.kernel.codes import lookup
from samband.mappings.common.kith_codes import agreeing, carried, exact_code
from samband.mappings.common.state import first_coding
from samband.mappings.common.systems import (
    EXT_DATA_ABSENT,
    EXT_MIDDLE_NAME,
    EXT_MUNICIPALITY,
    EXT_NATIONALITY,
    EXT_PARTY_PROFESSIONAL,
    EXT_PATIENT_NATIONALITY,
    EXT_POSTBOX,
    EXT_SYSTEM_AS_SENT,
    LOCAL_KITH,
    PERSON_ID_TYPE,
    ident_type,
)
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of

_SCHEMES = {"phone": "tel:", "email": "mailto:", "fax": "fax:"}
PERSON_IDENT_KINDS = frozenset({"FNR", "DNR", "HNR", "HPR", "FHN", "DUF"})
MAX_LEVELS = 16
"""Organisation levels followed up a ``partOf`` chain (a loop in a Bundle stops there too)."""


def kith_code(
    table_id: str, value: str | None, display: str | None = None, *, cs: bool = False
) -> Code | None:
    """A KITH CV (with ``S``) or CS (without) for a Volven code."""
    if not value:
        return None
    name = display or lookup.display(table_id, value)
    return Code(v=value, dn=name, s=None if cs else f"{lookup.VOLVEN_OID}.{table_id}")


def code_of(concept: object, table_id: str, *, cs: bool = False) -> Code | None:
    """The first Coding of a CodeableConcept as a KITH code (its own Volven table when it names one)."""
    coding = first_coding(concept)
    if coding is None:
        return None
    system = text_of(coding.get("system"))
    value, display = text_of(coding.get("code")), text_of(coding.get("display"))
    own = lookup.table_id_of(system)
    if system and own is None:
        local = system.startswith(LOCAL_KITH)
        return Code(v=value, dn=display, s=system_as_sent(coding)) if local and value else None
    found = kith_code(own or table_id, value, display, cs=cs)
    sent = system_as_sent(coding)
    if found is not None and sent and not cs and (lookup.table_id_of(sent) or table_id) == (own or table_id):
        return replace(found, s=sent)
    return found


def system_as_sent(coding: JsonDict) -> str | None:
    """The ``S`` a KITH code was sent with (``state.coding`` keeps it when it is not the OID written)."""
    for extension in as_list(coding.get("extension")):
        if extension.get("url") == EXT_SYSTEM_AS_SENT:
            return text_of(extension.get("valueString"))
    return None


def _extension(resource: object, url: str) -> JsonDict:
    return next((e for e in as_list(as_dict(resource).get("extension")) if e.get("url") == url), {})


def _type_id(identifier: JsonDict, kind: str, table_id: str) -> Code:
    """The TypeId as sent (``Identifier.type``) while it still names this kind, else from the table."""
    for coding in as_list(as_dict(identifier.get("type")).get("coding")):
        if coding.get("system") != PERSON_ID_TYPE and coding.get("code") == kind:
            sent = exact_code(coding, cv=True)
            if sent is not None:
                return sent
    return kith_code(table_id, kind) or Code(v=kind)


def idents(resource: JsonDict, table_id: str) -> tuple[Ident, ...]:
    out: list[Ident] = []
    for identifier in as_list(resource.get("identifier")):
        kind = ident_type(text_of(identifier.get("system")))
        value = text_of(identifier.get("value"))
        absent = bool(_extension(identifier.get("_value"), EXT_DATA_ABSENT))
        if kind and (value or absent):
            table = "8116" if kind in PERSON_IDENT_KINDS else table_id
            out.append(Ident(id=value or "", type_id=_type_id(identifier, kind, table)))
    return tuple(out)


def telecoms(resource: JsonDict) -> tuple[TeleCom, ...]:
    out: list[TeleCom] = []
    for point in as_list(resource.get("telecom")):
        value = text_of(point.get("value"))
        if not value:
            continue
        scheme = _SCHEMES.get(str(point.get("system")), "")
        use = text_of(point.get("use"))
        sent = agreeing(point, "9061", use)
        kind = sent or kith_code("9061", lookup.from_fhir_code("9061", use) if use else None, cs=True)
        out.append(TeleCom(address=scheme + value, type=kind))
    return tuple(out)


def _address_type(item: JsonDict) -> Code | None:
    fhir_kind = "postal" if item.get("type") == "postal" else text_of(item.get("use"))
    sent = agreeing(item, "3401", fhir_kind)
    if sent is not None:
        return sent
    kind = "PST" if fhir_kind == "postal" else lookup.from_fhir_code("3401", fhir_kind or "")
    return kith_code("3401", kind, cs=True)


def _county(item: JsonDict) -> Code | None:
    coding = as_dict(_extension(item.get("_district"), EXT_MUNICIPALITY).get("valueCoding"))
    district = text_of(item.get("district"))
    if coding:
        sent = exact_code(coding)
        if sent is not None and (district is None or district == sent.dn):
            return sent
        return Code(v=sent.v if sent else None, dn=district)
    return Code(dn=district) if district else None


def _country(item: JsonDict) -> Code | None:
    country = text_of(item.get("country"))
    if country is None:
        return None
    sent = carried(item.get("_country"), "9043")
    if sent is not None and country in (sent.v, sent.dn):
        return sent
    return Code(v=country)


def address(resource: JsonDict) -> Address | None:
    found = as_list(resource.get("address"))
    if not found:
        return None
    item = found[0]
    lines = [str(x) for x in item.get("line") or [] if isinstance(x, str)]  # type: ignore[attr-defined]
    postbox = text_of(_extension(item, EXT_POSTBOX).get("valueString"))
    if postbox is not None and postbox in lines:
        street = next((line for line in lines if line != postbox), None)
    else:
        street, postbox = (lines[0] if lines else None), (lines[1] if len(lines) > 1 else None)
    return Address(
        type=_address_type(item),
        street=street,
        postbox=postbox,
        postal_code=text_of(item.get("postalCode")),
        city=text_of(item.get("city")),
        county=_county(item),
        country=_country(item),
    )


def _names(resource: JsonDict) -> tuple[str | None, str | None, str | None]:
    """Family, given and middle name; the middle name from the no-basis extension (the last given
    name it repeats), else the second given name."""
    names = as_list(resource.get("name"))
    if not names:
        return None, None, None
    name = names[0]
    given = [str(g) for g in name.get("given") or [] if isinstance(g, str)]  # type: ignore[attr-defined]
    middle = text_of(_extension(name, EXT_MIDDLE_NAME).get("valueString"))
    if middle is None:
        return text_of(name.get("family")), given[0] if given else None, given[1] if len(given) > 1 else None
    if given and given[-1] == middle:
        given = given[:-1]
    return text_of(name.get("family")), " ".join(given) or None, middle


def _sex(resource: JsonDict) -> Code | None:
    gender = text_of(resource.get("gender"))
    sent = agreeing(resource.get("_gender"), "3101", gender)
    if sent is not None:
        return sent
    return kith_code("3101", lookup.from_fhir_code("3101", gender) if gender else None, cs=True)


def _nationality(resource: JsonDict) -> Code | None:
    own = as_dict(_extension(resource, EXT_NATIONALITY).get("valueCoding"))
    if own:
        return exact_code(own)
    core = _extension(_extension(resource, EXT_PATIENT_NATIONALITY), "code")
    concept = as_dict(core.get("valueCodeableConcept"))
    coding = first_coding(concept)
    if coding is not None:
        return exact_code(coding)
    text = text_of(concept.get("text"))
    return Code(dn=text) if text else None


def patient(resource: JsonDict) -> Person:
    """Patient, RelatedPerson or Person → the KITH person."""
    family, given, middle = _names(resource)
    return Person(
        family_name=family,
        given_name=given,
        middle_name=middle,
        date_of_birth=text_of(resource.get("birthDate")),
        sex=_sex(resource),
        nationality=_nationality(resource),
        idents=idents(resource, "8116"),
        address=address(resource),
        telecoms=telecoms(resource),
    )


def professional(view: BundleView, role: JsonDict) -> HealthcareProfessional:
    """PractitionerRole (+ its Practitioner) → HealthcareProfessional (9060 category, 9034 role)."""
    person = view.resolve(role.get("practitioner")) or {}
    family, given, middle = _names(person)
    qualification = as_list(person.get("qualification"))
    codes = as_list(role.get("code"))
    return HealthcareProfessional(
        idents=idents(person, "8116"),
        type_hp=code_of(qualification[0].get("code"), "9060", cs=True) if qualification else None,
        role_to_patient=code_of(codes[0], "9034") if codes else None,
        family_name=family,
        given_name=given,
        middle_name=middle,
        date_of_birth=text_of(person.get("birthDate")),
        sex=_sex(person) if person.get("gender") or person.get("_gender") else None,
        nationality=_nationality(person),
        address=address(person),
        telecoms=telecoms(person) + telecoms(role),
    )


def _org(resource: JsonDict) -> Organisation:
    types = as_list(resource.get("type"))
    return Organisation(
        name=text_of(resource.get("name")),
        idents=idents(resource, "9051"),
        type_organisation=code_of(types[0], "9040") if types else None,
        address=address(resource),
        telecoms=telecoms(resource),
    )


def _chain(view: BundleView, deepest: JsonDict) -> list[JsonDict]:
    """The Organization and those above it (``partOf``), the top first."""
    chain = [deepest]
    while len(chain) < MAX_LEVELS:
        parent = view.resolve(chain[-1].get("partOf")) if chain[-1].get("partOf") else None
        if parent is None or any(parent is seen for seen in chain):
            break
        chain.append(parent)
    return chain[::-1]


def organisation(view: BundleView, reference: object) -> Organisation | None:
    """A party (an Organization, or a PractitionerRole of one) → the Organisation chain from the top,
    the person at the level it belongs to; persons named at upper levels come from the reference's
    ``part-helsepersonell`` extensions."""
    target = view.resolve(reference)
    if target is None:
        return None
    people: list[tuple[JsonDict, HealthcareProfessional]] = []
    if target.get("resourceType") == "PractitionerRole":
        people.append((view.resolve(target.get("organization")) or {}, professional(view, target)))
        target = people[0][0]
    if not target:
        return None
    for extension in as_list(as_dict(reference).get("extension")):
        role = view.resolve(extension.get("valueReference"))
        if role is not None and extension.get("url") == EXT_PARTY_PROFESSIONAL:
            people.append((view.resolve(role.get("organization")) or {}, professional(view, role)))
    out: Organisation | None = None
    for level in reversed(_chain(view, target)):
        person = next((hp for org, hp in people if org is level), None)
        out = replace(_org(level), organisation=out, healthcare_professional=person)
    return out


def unit(view: BundleView, reference: object) -> Organisation | None:
    """A unit named in a payload (felleskomponent1 Organisation: no person) with its sub-units."""
    found = organisation(view, reference)
    return _without_people(found) if found is not None else None


def _without_people(org: Organisation) -> Organisation:
    below = _without_people(org.organisation) if org.organisation is not None else None
    return replace(org, organisation=below, healthcare_professional=None)


__all__ = ["as_dict", "code_of", "idents", "kith_code", "organisation", "patient", "professional", "unit"]
