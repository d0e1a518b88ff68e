"""CareTeam participants → Dialogmelding RollerRelatertNotat (RolleNotat 9057, RoleToPatient 9034, the
person, and TilknyttetEnhet from the ``tilknyttet-enhet`` extension or an Organization member)."""

from __future__ import annotations

from samband.adapters.dialogmelding.model import RollerRelatertNotat, TilknyttetEnhet
from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import HealthcareProfessional, Person
from samband.mappings.common import kith_out
from samband.mappings.common.systems import EXT_LINKED_UNIT
from samband.mappings.common.view import BundleView, JsonDict, as_list, text_of


def _role(concepts: list[JsonDict], table: str) -> Code | None:
    for concept in concepts:
        for coding in as_list(concept.get("coding")):
            if str(coding.get("system", "")).endswith(f".{table}"):
                return kith_out.code_of({"coding": [coding]}, table)
    return None


def _someone(view: BundleView, reference: object) -> tuple[HealthcareProfessional | None, Person | None]:
    found = view.resolve(reference) or {}
    kind = found.get("resourceType")
    if kind == "PractitionerRole":
        return kith_out.professional(view, found), None
    if kind in ("RelatedPerson", "Person", "Patient"):
        return None, kith_out.patient(found)
    return None, None


def _part(extension: JsonDict, name: str) -> JsonDict:
    return next((e for e in as_list(extension.get("extension")) if e.get("url") == name), {})


def _unit(view: BundleView, participant: JsonDict) -> TilknyttetEnhet | None:
    """The ``tilknyttet-enhet`` extension, else an Organization member, → TilknyttetEnhet."""
    found = (e for e in as_list(participant.get("extension")) if e.get("url") == EXT_LINKED_UNIT)
    extension = next(found, None)
    member = view.resolve(participant.get("member")) or {}
    if extension is None:
        if member.get("resourceType") != "Organization":
            return None
        org = kith_out.unit(view, participant.get("member"))
        return TilknyttetEnhet(kontaktenhet=org) if org is not None else None
    org = kith_out.unit(view, _part(extension, "enhet").get("valueReference"))
    if org is None:
        return None
    hp, person = _someone(view, _part(extension, "person").get("valueReference"))
    merknad = text_of(_part(extension, "merknad").get("valueString"))
    return TilknyttetEnhet(kontaktenhet=org, merknad=merknad, healthcare_professional=hp, person=person)


def roles(view: BundleView, team: JsonDict | None) -> tuple[RollerRelatertNotat, ...]:
    out: list[RollerRelatertNotat] = []
    for participant in as_list((team or {}).get("participant")):
        concepts = as_list(participant.get("role"))
        hp, person = _someone(view, participant.get("member"))
        out.append(
            RollerRelatertNotat(
                rolle_notat=_role(concepts, "9057"),
                role_to_patient=_role(concepts, "9034"),
                tilknyttet_enhet=_unit(view, participant),
                healthcare_professional=hp,
                person=person,
            )
        )
    return tuple(out)
