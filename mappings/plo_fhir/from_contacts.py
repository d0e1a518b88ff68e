"""FHIR CareTeam → PLO header blocks: AnsvarForRapport (the author), KontaktpersonHelsepersonell
(other PractitionerRoles), TilknyttetEnhet (Organizations), ParorendeForesatt (RelatedPersons).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from samband.adapters.plo import parties as pp
from samband.mappings.common import kith_out
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import EXT_LIVES_ALONE, EXT_REMARK
from samband.mappings.common.view import BundleView, JsonDict, as_list, text_of
from samband.mappings.plo_fhir.from_services import _extension

AUTHOR_FIELDS = ("author", "sender")


def _team_members(view: BundleView) -> list[JsonDict]:
    found = (
        view.resolve(p.get("member")) for t in view.of_type("CareTeam") for p in as_list(t.get("participant"))
    )
    return [m for m in found if m is not None]


def _author(view: BundleView) -> JsonDict | None:
    """AnsvarligRapport: the focus' author, or its sender when that person is one of the team."""
    members = _team_members(view)
    for resource in view.focus():
        candidates = [(field, resource.get(field)) for field in AUTHOR_FIELDS]
        candidates += [("author", p.get("individual")) for p in as_list(resource.get("participant"))]
        for field, reference in candidates:
            found = view.resolve(reference)
            if found is None or found.get("resourceType") != "PractitionerRole":
                continue
            if field == "author" or any(found is m for m in members):
                return found
    return None


def _approved(view: BundleView) -> str | None:
    """GodkjentDato: Provenance.occurredDateTime, else the focus' ``created``."""
    for provenance in view.of_type("Provenance"):
        occurred = text_of(provenance.get("occurredDateTime"))
        if occurred:
            return occurred[:10]
    for resource in view.focus():
        created = text_of(resource.get("created"))
        if created:
            return created[:10]
    return None


def _next_of_kin(member: JsonDict) -> pp.ParorendeForesatt:
    relations = as_list(member.get("relationship"))
    return pp.ParorendeForesatt(
        slektskap=kith_out.code_of(relations[0], "9033", cs=True) if relations else None,
        omsorgsfunksjon=kith_out.code_of(relations[1], "9050", cs=True) if len(relations) > 1 else None,
        person=kith_out.patient(member),
    )


def _remark(participant: JsonDict) -> str | None:
    for ext in as_list(participant.get("extension")):
        if ext.get("url") == EXT_REMARK:
            return text_of(ext.get("valueString"))
    return None


def _extras(view: BundleView) -> dict[str, Any]:
    """TilleggsopplysningPasient from the Patient: maritalStatus (8724), communication (3303), bor-alene."""
    patient = next(iter(view.of_type("Patient")), None)
    if patient is None:
        return {}
    language = next(iter(as_list(patient.get("communication"))), {}).get("language")
    alone = _extension(patient, EXT_LIVES_ALONE)
    extra = pp.TilleggsopplysningPasient(
        sivilstatus=kith_out.code_of(patient.get("maritalStatus"), "8724", cs=True),
        bor_alene=alone if isinstance(alone, bool) else None,
        sprak=kith_out.code_of(language, "3303", cs=True),
    )
    return {"tilleggsopplysninger": extra} if extra != pp.TilleggsopplysningPasient() else {}


def header_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The people and units around the patient, from every CareTeam in the Bundle."""
    author = _author(view)
    ansvar: list[pp.AnsvarForRapport] = []
    if author is not None:
        hp = kith_out.professional(view, author)
        remarks = [
            _remark(p)
            for t in view.of_type("CareTeam")
            for p in as_list(t.get("participant"))
            if view.resolve(p.get("member")) is author
        ]
        remark = next((r for r in remarks if r), None)
        ansvar.append(pp.AnsvarForRapport(ansvarlig=hp, godkjent_dato=_approved(view), merknad=remark))
    contacts: list[pp.KontaktpersonHelsepersonell] = []
    units: list[pp.TilknyttetEnhet] = []
    kin: list[pp.ParorendeForesatt] = []
    for team in view.of_type("CareTeam"):
        for index, participant in enumerate(as_list(team.get("participant"))):
            member = view.resolve(participant.get("member"))
            kind = member.get("resourceType") if member else None
            if member is None or member is author:
                continue
            remark = _remark(participant)
            if kind == "PractitionerRole":
                hp = kith_out.professional(view, member)
                contacts.append(pp.KontaktpersonHelsepersonell(kontaktperson=hp, merknad=remark))
            elif kind == "Organization":
                org = kith_out.unit(view, participant.get("member"))
                if org is not None:
                    units.append(pp.TilknyttetEnhet(kontaktenhet=org, merknad=remark))
            elif kind == "RelatedPerson":
                kin.append(replace(_next_of_kin(member), merknad=remark))
            else:
                state.not_mapped(f"CareTeam/{team.get('id')}/participant/{index}", f"CareTeam member {kind}")
    return {
        **_extras(view),
        "ansvar": tuple(ansvar),
        "kontaktpersoner": tuple(contacts),
        "tilknyttede_enheter": tuple(units),
        "parorende": tuple(kin),
    }
