"""FHIR CareTeam → PLO header blocks: AnsvarForRapport (the author), KontaktpersonHelsepersonell
(other PractitionerRoles), TilknyttetEnhet (Organizations), ParorendeForesatt (RelatedPersons).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from samband.adapters.kith.model import Organisation
from samband.adapters.plo import parties as pp
from samband.mappings.common import kith_out
from samband.mappings.common.state import MapState
from samband.mappings.common.view import BundleView, JsonDict, as_list, text_of

AUTHOR_FIELDS = ("author", "sender")


def _unit(org: Organisation) -> Organisation:
    """Kontaktenhet: the unit itself, without type, sub-unit or person (what PLO carries of it)."""
    return replace(org, type_organisation=None, organisation=None, healthcare_professional=None)


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


def header_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The people and units around the patient, from every CareTeam in the Bundle."""
    author = _author(view)
    ansvar: list[pp.AnsvarForRapport] = []
    if author is not None:
        hp = kith_out.professional(view, author)
        ansvar.append(pp.AnsvarForRapport(ansvarlig=hp, godkjent_dato=_approved(view)))
    contacts: list[pp.KontaktpersonHelsepersonell] = []
    units: list[pp.TilknyttetEnhet] = []
    kin: list[pp.ParorendeForesatt] = []
    for team in view.of_type("CareTeam"):
        for index, participant in enumerate(as_list(team.get("participant"))):
            member = view.resolve(participant.get("member"))
            kind = member.get("resourceType") if member else None
            if member is None or member is author:
                continue
            if kind == "PractitionerRole":
                hp = kith_out.professional(view, member)
                contacts.append(pp.KontaktpersonHelsepersonell(kontaktperson=hp))
            elif kind == "Organization":
                org = kith_out.organisation(view, participant.get("member"))
                if org is not None:
                    units.append(pp.TilknyttetEnhet(kontaktenhet=_unit(org)))
            elif kind == "RelatedPerson":
                kin.append(_next_of_kin(member))
            else:
                state.not_mapped(f"CareTeam/{team.get('id')}/participant/{index}", f"CareTeam member {kind}")
    return {
        "ansvar": tuple(ansvar),
        "kontaktpersoner": tuple(contacts),
        "tilknyttede_enheter": tuple(units),
        "parorende": tuple(kin),
    }
