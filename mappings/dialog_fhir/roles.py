"""Dialogmelding RollerRelatertNotat (RolleNotat 9057, RoleToPatient 9034, HealthcareProfessional,
Person, TilknyttetEnhet) → CareTeam participants: PractitionerRole, RelatedPerson or Organization.
"""

from __future__ import annotations

from collections.abc import Sequence

from samband.adapters.dialogmelding.model import RollerRelatertNotat
from samband.mappings.common import participants as p
from samband.mappings.common.head import Frame
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import add_professional, idents, person, postal, telecoms

JsonDict = dict[str, object]


def _member(frame: Frame, role: RollerRelatertNotat, path: str) -> str | None:
    org_id: str | None = None
    if role.tilknyttet_enhet is not None:
        org = role.tilknyttet_enhet.kontaktenhet
        neutral = p.Org(
            name=org.name,
            idents=idents(org.idents),
            address=postal(org.address),
            telecoms=telecoms(org.telecoms),
        )
        _, resource = p.organization(neutral, None, scope=frame.sender_key)
        org_id = frame.builder.add(resource)
        if role.tilknyttet_enhet.merknad:
            frame.state.not_mapped(f"{path}/TilknyttetEnhet/Merknad", "TilknyttetEnhet/Merknad")
    if role.healthcare_professional is not None:
        return add_professional(
            frame.state,
            frame.builder,
            role.healthcare_professional,
            org_id,
            f"{path}/HealthcareProfessional",
            frame.sender_key,
        )
    if role.person is not None and frame.patient_id is not None:
        _, resource = p.related_person(frame.patient_id, person(role.person), None, frame.sender_key)
        return frame.builder.add(resource)
    return org_id


def roles_team(frame: Frame, roles: Sequence[RollerRelatertNotat], path: str, key: str) -> str | None:
    """A CareTeam whose participants carry both role codes (9057 and 9034)."""
    participants: list[JsonDict] = []
    for index, role in enumerate(roles, start=1):
        here = f"{path}[{index}]"
        codes = [
            frame.state.concept(role.rolle_notat, "9057", f"{here}/RolleNotat"),
            frame.state.concept(role.role_to_patient, "9034", f"{here}/RoleToPatient"),
        ]
        member = _member(frame, role, here)
        entry: JsonDict = {"role": [c for c in codes if c]}
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
