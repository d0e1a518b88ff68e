"""Dialogmelding RollerRelatertNotat (RolleNotat 9057, RoleToPatient 9034, HealthcareProfessional,
Person, TilknyttetEnhet) → CareTeam participants: PractitionerRole, RelatedPerson (Person without a
patient) or Organization.

TilknyttetEnhet (1.1) rides on its participant as the ``tilknyttet-enhet`` extension: ``enhet`` the
Kontaktenhet (with its sub-units, partOf), ``merknad`` its Merknad, ``person`` the person it names
(PractitionerRole of the unit, or a FHIR Person); a professional of the role is a PractitionerRole
of that unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from samband.adapters.dialogmelding.model import RollerRelatertNotat, TilknyttetEnhet
from samband.adapters.kith.model import HealthcareProfessional, Person
from samband.mappings.common import participants as p
from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import add_person, add_professional, add_unit, person
from samband.mappings.common.systems import EXT_LINKED_UNIT

JsonDict = dict[str, object]


def _someone(
    frame: Frame,
    hp: HealthcareProfessional | None,
    who: Person | None,
    org_id: str | None,
    path: str,
    related: bool = True,
) -> str | None:
    """A HealthcareProfessional (PractitionerRole of ``org_id``) or a Person: a RelatedPerson of the
    patient in a role of the note (``related``), else, or when the message names no patient, a FHIR
    Person."""
    if hp is not None:
        return add_professional(
            frame.state, frame.builder, hp, org_id, f"{path}/HealthcareProfessional", frame.sender_key
        )
    if who is None:
        return None
    if frame.patient_id is None or not related:
        return add_person(frame.builder, who, frame.sender_key)
    _, resource = p.related_person(frame.patient_id, person(who), None, frame.sender_key)
    return frame.builder.add_distinct(resource)


def _unit(frame: Frame, enhet: TilknyttetEnhet, path: str) -> tuple[str, JsonDict]:
    """TilknyttetEnhet → its Organization and the ``tilknyttet-enhet`` extension."""
    unit = f"{path}/Kontaktenhet"
    org_id = add_unit(frame.state, frame.builder, enhet.kontaktenhet, unit, frame.sender_key)
    parts: list[JsonDict] = [{"url": "enhet", "valueReference": ref(org_id)}]
    if enhet.merknad:
        parts.append({"url": "merknad", "valueString": enhet.merknad})
    someone = _someone(frame, enhet.healthcare_professional, enhet.person, org_id, path, related=False)
    if someone is not None:
        parts.append({"url": "person", "valueReference": ref(someone)})
    return org_id, {"url": EXT_LINKED_UNIT, "extension": parts}


def roles_team(frame: Frame, roles: Sequence[RollerRelatertNotat], path: str, key: str) -> str | None:
    """A CareTeam whose participants carry both role codes (9057 and 9034)."""
    participants: list[JsonDict] = []
    for index, role in enumerate(roles, start=1):
        here = f"{path}[{index}]"
        codes = [
            frame.state.concept(role.rolle_notat, "9057", f"{here}/RolleNotat"),
            frame.state.concept(role.role_to_patient, "9034", f"{here}/RoleToPatient"),
        ]
        entry: JsonDict = {}
        org_id: str | None = None
        if role.tilknyttet_enhet is not None:
            org_id, extension = _unit(frame, role.tilknyttet_enhet, f"{here}/TilknyttetEnhet")
            entry["extension"] = [extension]
        entry["role"] = [c for c in codes if c]
        member = _someone(frame, role.healthcare_professional, role.person, org_id, here) or org_id
        if member:
            entry["member"] = ref(member)
        if entry["role"] or member:
            participants.append(entry)
    if not participants:
        return None
    team: JsonDict = {
        "resourceType": "CareTeam",
        "id": frame.rid("CareTeam", key),
        "status": "active",
        "name": "Roller relatert til notat",
        "participant": participants,
    }
    if frame.patient_id:
        team["subject"] = ref(frame.patient_id)
    return frame.builder.add(team)
