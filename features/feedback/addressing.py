"""Who the patient's GP is and how to address them: the referral, the plan's CareTeam, then the
NHN Adresseregister (HIS 1153: a GP is addressed per person, at the practice's HER-id).

What the referral or the CareTeam says is used as it is; the Adresseregister adds the GP's own
HER-id, the practice and names. When the register is down the cache answers; when nothing is
cached the known HER-ids are used as they are, so feedback is never held up by the register.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from samband.adapters.registry.ar_model import CommunicationParty
from samband.features.feedback.facts import OrgParty
from samband.integrations.adresseregister import AddressRegistry
from samband.kernel.errors import GatewayError, NoRouteMatched, RegistryUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GpHint:
    """What a source says about the GP: a HER-id (person or practice), HPR number, names."""

    her_id: str | None = None
    hpr: str | None = None
    name: str | None = None
    office_name: str | None = None
    office_her: str | None = None
    source: str = "referral"


def _from_person(party: CommunicationParty, hint: GpHint) -> OrgParty:
    return OrgParty(
        name=party.parent_name or hint.office_name or party.name,
        her_id=party.parent_her_id or hint.office_her or party.her_id,
        unit_name=party.person_name or party.name,
        unit_her=party.her_id,
        person_name=party.person_name or hint.name,
        hpr=party.hpr or hint.hpr,
    )


def _lookup(registry: AddressRegistry, hint: GpHint) -> OrgParty | None:
    """The GP as the Adresseregister knows them, by HPR number first, then by HER-id."""
    if hint.hpr:
        people = [p for p in registry.search_by_id(hint.hpr) if p.person_name or p.type == "Person"]
        if people:
            return _from_person(people[0], hint)
    her = hint.her_id or hint.office_her
    if her:
        party = registry.communication_party(her)
        if party.person_name or party.type == "Person":
            return _from_person(party, hint)
    return None


def _as_given(hint: GpHint) -> OrgParty | None:
    """The GP from the source alone: the practice as level 1, the GP's HER-id as level 2 if known."""
    office = hint.office_her or hint.her_id
    if office is None:
        return None
    person_her = hint.her_id if hint.her_id and hint.her_id != office else None
    return OrgParty(
        name=hint.office_name or hint.name or "Fastlegekontor",
        her_id=office,
        unit_name=hint.name if person_her else None,
        unit_her=person_her,
        person_name=hint.name,
        hpr=hint.hpr,
    )


def resolve_gp(
    hints: list[GpHint], registry: AddressRegistry | None, failures: list[GatewayError] | None = None
) -> OrgParty | None:
    """The GP's address from the first hint that gives one; the register enriches when it can.

    ``None`` only when no source names the GP at all (the message then waits for an address). The
    register not answering goes into ``failures`` (for the alert, once the caller's transaction ends).
    """
    for hint in hints:
        if registry is not None:
            try:
                found = _lookup(registry, hint)
            except RegistryUnavailable as exc:
                log.warning(
                    "Adresseregister unavailable, using the %s's address: [%s]", hint.source, exc.code
                )
                found = None
                if failures is not None:
                    failures.append(exc)
            except NoRouteMatched as exc:
                log.warning("Adresseregister does not know the GP from the %s: [%s]", hint.source, exc.code)
                found = None
            if found is not None:
                return found
        given = _as_given(hint)
        if given is not None:
            return given
    return None
