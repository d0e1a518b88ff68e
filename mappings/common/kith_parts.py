"""KITH person/organisation parts (Hodemelding, felleskomponent1) → FHIR party resources.

Shared by the PLO and Dialogmelding mappings: a HealthcareProfessional becomes Practitioner +
PractitionerRole, an Organisation chain becomes Organizations linked with ``partOf``.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.kith.model import Address, HealthcareProfessional, Ident, Organisation, Person, TeleCom
from samband.mappings.common import participants as p
from samband.mappings.common.message import BundleBuilder
from samband.mappings.common.state import MapState


def idents(items: tuple[Ident, ...]) -> tuple[p.Ident, ...]:
    return tuple(p.Ident(type=i.type_id.v or "XXX", value=i.id) for i in items if i.id)


def telecoms(items: tuple[TeleCom, ...]) -> tuple[p.Telecom, ...]:
    return tuple(p.Telecom(address=t.address, type=t.type.v if t.type else None) for t in items if t.address)


def postal(address: Address | None) -> p.PostalAddress | None:
    if address is None:
        return None
    return p.PostalAddress(
        kind=address.type.v if address.type else None,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        postbox=address.postbox,
        country=address.country.dn or address.country.v if address.country else None,
    )


def person(who: Person | HealthcareProfessional) -> p.Person:
    return p.Person(
        family=who.family_name,
        given=who.given_name,
        middle=who.middle_name,
        idents=idents(who.idents),
        birth_date=who.date_of_birth,
        sex=who.sex.v if who.sex else None,
        address=postal(who.address),
        telecoms=telecoms(who.telecoms),
    )


def add_patient(builder: BundleBuilder, patient: Person, scope: str) -> str:
    rid, resource = p.patient(person(patient), scope)
    return builder.add(resource)


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
    prac_id, prac = p.practitioner(person(hp), qualification, scope)
    if hp.date_of_birth or hp.sex:
        state.not_mapped(f"{path}/DateOfBirth", "date of birth/sex of a health professional")
    builder.add(prac)
    role = state.concept(hp.role_to_patient, "9034", f"{path}/RoleToPatient")
    role_id, resource = p.practitioner_role(prac_id, org_id, role)
    return builder.add(resource)


@dataclass(frozen=True)
class PartyRefs:
    """The ids of one message party: top organisation, the communication party and its HER-id."""

    top_id: str
    party_id: str
    her_id: str | None
    display: str | None


def add_organisation(state: MapState, builder: BundleBuilder, org: Organisation, path: str) -> PartyRefs:
    """Organisation (level 1) → nested Organisation (level 2, partOf) → HealthcareProfessional."""
    top_id = _org(state, builder, org, None, path)
    party_id, display = top_id, org.name
    if org.organisation is not None and (org.organisation.name or org.organisation.idents):
        party_id = _org(state, builder, org.organisation, top_id, f"{path}/Organisation")
        display = org.organisation.name or display
    if org.healthcare_professional is not None:
        hp = org.healthcare_professional
        role_id = add_professional(state, builder, hp, party_id, f"{path}/HealthcareProfessional", top_id)
        if hp.her_id:
            party_id = role_id
            display = " ".join(n for n in (hp.given_name, hp.family_name) if n) or display
    return PartyRefs(top_id=top_id, party_id=party_id, her_id=org.communication_party_her, display=display)


def _org(state: MapState, builder: BundleBuilder, org: Organisation, part_of: str | None, path: str) -> str:
    kind = state.concept(org.type_organisation, "9040", f"{path}/TypeOrganisation")
    neutral = p.Org(
        name=org.name, idents=idents(org.idents), address=postal(org.address), telecoms=telecoms(org.telecoms)
    )
    rid, resource = p.organization(neutral, part_of)
    if kind:
        resource["type"] = [kind]
    return builder.add(resource)
