"""FHIR party resources → KITH person/organisation parts (the msghead model), the inverse of
``kith_parts``: Patient → Patient, PractitionerRole → HealthcareProfessional, Organization chain →
Organisation with its level-2 Organisation.
"""

from __future__ import annotations

from dataclasses import replace

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.kernel.codes import lookup
from samband.mappings.common.state import first_coding
from samband.mappings.common.systems import CANONICAL, ident_type
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of

LOCAL_KITH = f"{CANONICAL}/CodeSystem/kith-"
"""Project-local systems for KITH codes sent without ``S`` (see ``state.local_concept``)."""
_SCHEMES = {"phone": "tel:", "email": "mailto:", "fax": "fax:"}


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
        return Code(v=value, dn=display) if local and value else None
    return kith_code(own or table_id, value, display, cs=cs)


def idents(resource: JsonDict, table_id: str) -> tuple[Ident, ...]:
    out: list[Ident] = []
    for identifier in as_list(resource.get("identifier")):
        kind = ident_type(text_of(identifier.get("system")))
        value = text_of(identifier.get("value"))
        if kind and value:
            table = "8116" if kind in {"FNR", "DNR", "HNR", "HPR", "FHN", "DUF"} else table_id
            out.append(Ident(id=value, type_id=kith_code(table, kind) or Code(v=kind)))
    return tuple(out)


def telecoms(resource: JsonDict) -> tuple[TeleCom, ...]:
    out: list[TeleCom] = []
    for point in as_list(resource.get("telecom")):
        value = text_of(point.get("value"))
        if not value:
            continue
        scheme = _SCHEMES.get(str(point.get("system")), "")
        use = text_of(point.get("use"))
        kind = lookup.from_fhir_code("9061", use) if use else None
        out.append(TeleCom(address=scheme + value, type=kith_code("9061", kind, cs=True)))
    return tuple(out)


def address(resource: JsonDict) -> Address | None:
    found = as_list(resource.get("address"))
    if not found:
        return None
    item = found[0]
    lines = [str(x) for x in item.get("line") or [] if isinstance(x, str)]  # type: ignore[attr-defined]
    kind = (
        "PST" if item.get("type") == "postal" else lookup.from_fhir_code("3401", str(item.get("use") or ""))
    )
    return Address(
        type=kith_code("3401", kind, cs=True),
        street=lines[0] if lines else None,
        postbox=lines[1] if len(lines) > 1 else None,
        postal_code=text_of(item.get("postalCode")),
        city=text_of(item.get("city")),
    )


def _names(resource: JsonDict) -> tuple[str | None, str | None, str | None]:
    names = as_list(resource.get("name"))
    if not names:
        return None, None, None
    given = [str(g) for g in names[0].get("given") or [] if isinstance(g, str)]  # type: ignore[attr-defined]
    return text_of(names[0].get("family")), given[0] if given else None, given[1] if len(given) > 1 else None


def patient(resource: JsonDict) -> Person:
    family, given, middle = _names(resource)
    sex = lookup.from_fhir_code("3101", str(resource.get("gender") or ""))
    return Person(
        family_name=family,
        given_name=given,
        middle_name=middle,
        date_of_birth=text_of(resource.get("birthDate")),
        sex=kith_code("3101", sex, cs=True),
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
        telecoms=telecoms(person) + telecoms(role),
    )


def _org(resource: JsonDict) -> Organisation:
    types = as_list(resource.get("type"))
    return Organisation(
        name=text_of(resource.get("name")),
        idents=idents(resource, "9051"),
        type_organisation=code_of(types[0], "9040", cs=True) if types else None,
        address=address(resource),
        telecoms=telecoms(resource),
    )


def organisation(view: BundleView, reference: object) -> Organisation | None:
    """A message party (Organization, level-2 Organization or PractitionerRole) → Organisation chain."""
    target = view.resolve(reference)
    if target is None:
        return None
    hp: HealthcareProfessional | None = None
    if target.get("resourceType") == "PractitionerRole":
        hp = professional(view, target)
        target = view.resolve(target.get("organization")) or {}
    parent = view.resolve(target.get("partOf")) if target.get("partOf") else None
    if not target:
        return None
    if parent is not None:
        return replace(_org(parent), organisation=_org(target), healthcare_professional=hp)
    return replace(_org(target), healthcare_professional=hp)


__all__ = ["as_dict", "code_of", "idents", "kith_code", "organisation", "patient", "professional"]
