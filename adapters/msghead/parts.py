"""Read and write the shared person/organisation parts: Ident, Address, TeleCom, HealthcareProfessional,
Patient/Person and Organisation (MsgHead 1.2 classes and their felleskomponent1 twins).

``ns`` is the namespace of the element itself, ``inner`` the namespace of the children of the
felleskomponent1 types (``fk1:Ident/fk1:Id`` inside a Dialogmelding); in MsgHead both are the same.
Readers do not depend on child order; writers follow the schema sequence.
"""

from __future__ import annotations

from typing import TypedDict

from lxml import etree

from samband.adapters.msghead.kith import (
    Code,
    add_cs,
    add_cv,
    add_text,
    add_v,
    child,
    children,
    code,
    pad_date,
    sub,
    text,
)
from samband.adapters.msghead.model import (
    Address,
    HealthcareProfessional,
    Ident,
    Organisation,
    Patient,
    TeleCom,
)


def read_idents(parent: etree._Element, ns: str, inner: str) -> tuple[Ident, ...]:
    """Ident*: Id + TypeId (CV)."""
    return tuple(
        Ident(id=text(el, inner, "Id") or "", type_id=code(el, inner, "TypeId") or Code())
        for el in children(parent, ns, "Ident")
    )


def read_address(parent: etree._Element, ns: str, inner: str) -> Address | None:
    el = child(parent, ns, "Address")
    if el is None:
        return None
    return Address(
        type=code(el, inner, "Type"),
        street=text(el, inner, "StreetAdr"),
        postal_code=text(el, inner, "PostalCode"),
        city=text(el, inner, "City"),
        postbox=text(el, inner, "Postbox"),
        county=code(el, inner, "County"),
        country=code(el, inner, "Country"),
    )


def read_telecoms(parent: etree._Element, ns: str, inner: str) -> tuple[TeleCom, ...]:
    result = []
    for el in children(parent, ns, "TeleCom"):
        address = child(el, inner, "TeleAddress")
        value = address.get("V") if address is not None else None
        result.append(TeleCom(address=(value or "").strip(), type=code(el, inner, "TypeTelecom")))
    return tuple(result)


class _PersonFields(TypedDict):
    family_name: str | None
    middle_name: str | None
    given_name: str | None
    date_of_birth: str | None
    sex: Code | None
    nationality: Code | None
    idents: tuple[Ident, ...]
    address: Address | None
    telecoms: tuple[TeleCom, ...]


def _person_fields(el: etree._Element, ns: str, inner: str) -> _PersonFields:
    """The part Patient/Person and HealthcareProfessional share: names, DateOfBirth (padded when sent
    unpadded), Sex, Nationality, Ident, Address, TeleCom."""
    return _PersonFields(
        family_name=text(el, ns, "FamilyName"),
        middle_name=text(el, ns, "MiddleName"),
        given_name=text(el, ns, "GivenName"),
        date_of_birth=pad_date(text(el, ns, "DateOfBirth")),
        sex=code(el, ns, "Sex"),
        nationality=code(el, ns, "Nationality"),
        idents=read_idents(el, ns, inner),
        address=read_address(el, ns, inner),
        telecoms=read_telecoms(el, ns, inner),
    )


def read_hp(el: etree._Element, ns: str, inner: str) -> HealthcareProfessional:
    """HealthcareProfessional: roles 9034/9060, names, Ident+, Address, TeleCom."""
    return HealthcareProfessional(
        type_hp=code(el, ns, "TypeHealthcareProfessional"),
        role_to_patient=code(el, ns, "RoleToPatient"),
        **_person_fields(el, ns, inner),
    )


def read_person(el: etree._Element, ns: str, inner: str) -> Patient:
    """Patient / Person: names, DateOfBirth, Sex, Ident*, Address, TeleCom."""
    return Patient(**_person_fields(el, ns, inner))


def read_organisation(el: etree._Element, ns: str) -> Organisation:
    """Organisation with nested level-2 Organisation and HealthcareProfessional (MsgHead: ns == inner)."""
    nested = child(el, ns, "Organisation")
    hp = child(el, ns, "HealthcareProfessional")
    return Organisation(
        name=text(el, ns, "OrganisationName"),
        idents=read_idents(el, ns, ns),
        type_organisation=code(el, ns, "TypeOrganisation"),
        address=read_address(el, ns, ns),
        telecoms=read_telecoms(el, ns, ns),
        organisation=read_organisation(nested, ns) if nested is not None else None,
        healthcare_professional=read_hp(hp, ns, ns) if hp is not None else None,
    )


def write_idents(parent: etree._Element, ns: str, inner: str, idents: tuple[Ident, ...]) -> None:
    for ident in idents:
        el = sub(parent, ns, "Ident")
        sub(el, inner, "Id", ident.id)
        add_cv(el, inner, "TypeId", ident.type_id)


def write_address(parent: etree._Element, ns: str, inner: str, address: Address | None) -> None:
    if address is None:
        return
    el = sub(parent, ns, "Address")
    add_cs(el, inner, "Type", address.type)
    add_text(el, inner, "StreetAdr", address.street)
    add_text(el, inner, "PostalCode", address.postal_code)
    add_text(el, inner, "City", address.city)
    add_text(el, inner, "Postbox", address.postbox)
    add_cs(el, inner, "County", address.county)
    add_cs(el, inner, "Country", address.country)


def write_telecoms(parent: etree._Element, ns: str, inner: str, telecoms: tuple[TeleCom, ...]) -> None:
    for telecom in telecoms:
        el = sub(parent, ns, "TeleCom")
        add_cs(el, inner, "TypeTelecom", telecom.type)
        add_v(el, inner, "TeleAddress", telecom.address)


def write_hp(parent: etree._Element, ns: str, inner: str, hp: HealthcareProfessional) -> None:
    el = sub(parent, ns, "HealthcareProfessional")
    add_cs(el, ns, "TypeHealthcareProfessional", hp.type_hp)
    add_cv(el, ns, "RoleToPatient", hp.role_to_patient)
    _write_person_fields(el, ns, inner, hp)


def write_person(
    parent: etree._Element,
    ns: str,
    inner: str,
    person: Patient,
    *,
    tag: str,
    given_first: bool = False,
    tag_ns: str | None = None,
) -> None:
    """Patient/Person in FamilyName-first order; Dialogmelding's Person puts GivenName first.

    ``tag_ns`` names the element's own namespace when its children are in another one
    (MsgHead ``OtherReceiver/Person`` is of type ``fk1:Person``).
    """
    _write_person_fields(sub(parent, tag_ns or ns, tag), ns, inner, person, given_first=given_first)


def write_organisation(
    parent: etree._Element,
    ns: str,
    org: Organisation,
    *,
    tag: str = "Organisation",
    tag_ns: str | None = None,
    fk1: bool = False,
) -> None:
    """MsgHead Organisation (name first) or felleskomponent1 Organisation (TypeOrganisation first).

    ``tag_ns`` names the element's own namespace when it differs from its children's
    (Dialogmelding ``dia:Kontaktenhet`` of type ``fk1:Organisation``).
    """
    el = sub(parent, tag_ns or ns, tag)
    if org.name is None and not org.idents:
        return  # the empty <Organisation/> the schema allows
    inner = ns
    if fk1:
        add_cv(el, ns, "TypeOrganisation", org.type_organisation)
        add_text(el, ns, "OrganisationName", org.name)
    else:
        add_text(el, ns, "OrganisationName", org.name)
        add_cv(el, ns, "TypeOrganisation", org.type_organisation)
    write_idents(el, ns, inner, org.idents)
    write_address(el, ns, inner, org.address)
    write_telecoms(el, ns, inner, org.telecoms)
    if org.organisation is not None:
        write_organisation(el, ns, org.organisation, fk1=fk1)
    if org.healthcare_professional is not None and not fk1:
        write_hp(el, ns, ns, org.healthcare_professional)


def _write_person_fields(
    el: etree._Element,
    ns: str,
    inner: str,
    person: Patient | HealthcareProfessional,
    *,
    given_first: bool = False,
) -> None:
    """The shared part in schema order: names, DateOfBirth, Sex, Nationality, Ident, Address, TeleCom."""
    names = [
        ("FamilyName", person.family_name),
        ("MiddleName", person.middle_name),
        ("GivenName", person.given_name),
    ]
    for local, value in names[::-1] if given_first else names:
        add_text(el, ns, local, value)
    add_text(el, ns, "DateOfBirth", person.date_of_birth)
    add_cs(el, ns, "Sex", person.sex)
    add_cs(el, ns, "Nationality", person.nationality)
    write_idents(el, ns, inner, person.idents)
    write_address(el, ns, inner, person.address)
    write_telecoms(el, ns, inner, person.telecoms)
