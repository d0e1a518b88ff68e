"""KITH person/organisation parts (Hodemelding, felleskomponent1) → FHIR party resources.

Shared by the PLO and Dialogmelding mappings: a HealthcareProfessional becomes Practitioner +
PractitionerRole, an Organisation chain becomes one Organization per level linked with ``partOf``
(as deep as it goes), a person named at a level becomes a PractitionerRole of that level's
Organization. Every party is added with ``BundleBuilder.add_distinct``: none is merged into another.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.mappings.common import participants as p
from samband.mappings.common.message import BundleBuilder
from samband.mappings.common.state import MapState


def idents(items: tuple[Ident, ...]) -> tuple[p.Ident, ...]:
    """Idents with an Id or a kind (an Ident naming its kind with an empty Id is kept, value absent)."""
    kept = (i for i in items if i.id or i.type_id.v)
    return tuple(p.Ident(type=i.type_id.v or "XXX", value=i.id, type_id=i.type_id) for i in kept)


def telecoms(items: tuple[TeleCom, ...]) -> tuple[p.Telecom, ...]:
    return tuple(
        p.Telecom(address=t.address, type=t.type.v if t.type else None, type_code=t.type)
        for t in items
        if t.address
    )


def postal(address: Address | None) -> p.PostalAddress | None:
    if address is None:
        return None
    return p.PostalAddress(
        kind=address.type,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        postbox=address.postbox,
        county=address.county,
        country=address.country,
    )


def person(who: Person | HealthcareProfessional) -> p.Person:
    return p.Person(
        family=who.family_name,
        given=who.given_name,
        middle=who.middle_name,
        idents=idents(who.idents),
        birth_date=who.date_of_birth,
        sex=who.sex,
        nationality=who.nationality,
        address=postal(who.address),
        telecoms=telecoms(who.telecoms),
    )


def add_patient(builder: BundleBuilder, patient: Person, scope: str) -> str:
    _, resource = p.patient(person(patient), scope)
    return builder.add_distinct(resource)


def add_person(builder: BundleBuilder, who: Person, scope: str) -> str:
    """A person in no other role (fk1:Person as a copy receiver) → FHIR Person."""
    _, resource = p.person_resource(person(who), scope)
    return builder.add_distinct(resource)


def add_professional(
    state: MapState,
    builder: BundleBuilder,
    hp: HealthcareProfessional,
    org_id: str | None,
    path: str,
    scope: str,
) -> str:
    """Practitioner + PractitionerRole (9034 role, 9060 category); returns the PractitionerRole id."""
    qualification = state.concept(hp.type_hp, "9060", f"{path}/TypeHealthcareProfessional")
    _, prac = p.practitioner(person(hp), qualification, scope)
    prac_id = builder.add_distinct(prac)
    role = state.concept(hp.role_to_patient, "9034", f"{path}/RoleToPatient")
    _, resource = p.practitioner_role(prac_id, org_id, role)
    return builder.add_distinct(resource)


@dataclass(frozen=True)
class PartyRefs:
    """The ids of one message party: ``top_id`` the level-1 Organization, ``org_id`` the deepest
    Organization, ``party_id`` what MessageHeader points at (the person at the deepest level, else
    ``org_id``), ``her_id`` the communication party's HER-id, ``others`` PractitionerRoles of persons
    named at a level above the deepest."""

    top_id: str
    party_id: str
    her_id: str | None
    display: str | None
    org_id: str
    others: tuple[str, ...] = ()


def _present(org: Organisation | None) -> Organisation | None:
    """A nested Organisation that says something (``<Organisation/>`` is sent empty in real traffic)."""
    if org is None or not (org.name or org.idents or org.organisation or org.healthcare_professional):
        return None
    return org


def _display(hp: HealthcareProfessional) -> str | None:
    return " ".join(n for n in (hp.given_name, hp.middle_name, hp.family_name) if n) or None


def add_organisation(state: MapState, builder: BundleBuilder, org: Organisation, path: str) -> PartyRefs:
    """A message party: each Organisation level (partOf the one above), and a HealthcareProfessional
    at any level as a PractitionerRole of that level, with or without a HER-id of its own."""
    top_id: str | None = None
    parent: str | None = None
    others: list[str] = []
    level: Organisation | None = org
    here = path
    party_id = org_id = ""
    display: str | None = None
    while level is not None:
        org_id = _org(state, builder, level, parent, here, top_id or "")
        top_id = top_id or org_id
        below = _present(level.organisation)
        role_id: str | None = None
        hp = level.healthcare_professional
        if hp is not None:
            role_id = add_professional(state, builder, hp, org_id, f"{here}/HealthcareProfessional", top_id)
        if below is None:
            party_id = role_id or org_id
            display = (_display(hp) if hp is not None else None) or level.name or display
        else:
            display = level.name or display
            if role_id is not None:
                others.append(role_id)
        parent, level, here = org_id, below, f"{here}/Organisation"
    return PartyRefs(
        top_id=top_id or org_id,
        party_id=party_id,
        her_id=org.communication_party_her,
        display=display,
        org_id=org_id,
        others=tuple(others),
    )


def add_unit(state: MapState, builder: BundleBuilder, org: Organisation, path: str, scope: str) -> str:
    """A unit named in a payload (felleskomponent1 Organisation, e.g. Kontaktenhet) with its sub-units,
    each partOf the one above; returns the deepest Organization's id."""
    parent: str | None = None
    level: Organisation | None = org
    here = path
    while level is not None:
        parent = _org(state, builder, level, parent, here, scope)
        level, here = _present(level.organisation), f"{here}/Organisation"
    assert parent is not None
    return parent


def _org(
    state: MapState, builder: BundleBuilder, org: Organisation, part_of: str | None, path: str, scope: str
) -> str:
    kind = state.concept(org.type_organisation, "9040", f"{path}/TypeOrganisation")
    neutral = p.Org(
        name=org.name, idents=idents(org.idents), address=postal(org.address), telecoms=telecoms(org.telecoms)
    )
    _, resource = p.organization(neutral, part_of, scope)
    if kind:
        resource["type"] = [kind]
    return builder.add_distinct(resource)
