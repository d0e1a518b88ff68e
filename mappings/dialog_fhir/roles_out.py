"""CareTeam participants → Dialogmelding RollerRelatertNotat (RolleNotat 9057, RoleToPatient 9034)."""

from __future__ import annotations

from samband.adapters.dialogmelding.model import RollerRelatertNotat
from samband.adapters.kith.datatypes import Code
from samband.mappings.common import kith_out
from samband.mappings.common.view import BundleView, JsonDict, as_list


def _role(concepts: list[JsonDict], table: str) -> Code | None:
    for concept in concepts:
        for coding in as_list(concept.get("coding")):
            if str(coding.get("system", "")).endswith(f".{table}"):
                return kith_out.code_of({"coding": [coding]}, table)
    return None


def roles(view: BundleView, team: JsonDict | None) -> tuple[RollerRelatertNotat, ...]:
    out: list[RollerRelatertNotat] = []
    for participant in as_list((team or {}).get("participant")):
        concepts = as_list(participant.get("role"))
        member = view.resolve(participant.get("member")) or {}
        kind = member.get("resourceType")
        out.append(
            RollerRelatertNotat(
                rolle_notat=_role(concepts, "9057"),
                role_to_patient=_role(concepts, "9034"),
                healthcare_professional=kith_out.professional(view, member)
                if kind == "PractitionerRole"
                else None,
                person=kith_out.patient(member) if kind == "RelatedPerson" else None,
            )
        )
    return tuple(out)
