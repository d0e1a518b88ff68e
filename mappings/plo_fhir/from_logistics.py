"""FHIR Encounter events → Pasientlogistikk (HIS 1149): one TidsfestetHendelse per Encounter in focus
(Hendelsekode 9121 from ``type``, time from ``period``, ``anslag`` extension, remark from reasonCode),
and UtskrevetTil from ``hospitalization.dischargeDisposition`` (8408) and the ``uttilstand`` extension.
"""

from __future__ import annotations

from typing import Any

from samband.adapters.plo import catalog
from samband.adapters.plo.message import Logistikk, TidsfestetHendelse, UtskrevetTil
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import EXT_DISCHARGE_STATE, EXT_ESTIMATED
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of
from samband.mappings.plo_fhir.from_services import _extension


def event(encounter: JsonDict) -> TidsfestetHendelse:
    """Encounter → TidsfestetHendelse (also the OpplysningOpphold of the clinical reports)."""
    types = as_list(encounter.get("type"))
    period = as_dict(encounter.get("period"))
    estimated = _extension(encounter, EXT_ESTIMATED)
    reasons = [text_of(r.get("text")) for r in as_list(encounter.get("reasonCode"))]
    return TidsfestetHendelse(
        hendelsekode=kith_out.code_of(types[0], "9121") if types else None,
        beskrivelse=text_of(types[0].get("text")) if types else None,
        tidspunkt=text_of(period.get("start") or period.get("end")),
        anslag=estimated if isinstance(estimated, bool) else False,
        merknad=" ".join(r for r in reasons if r) or None,
    )


def _discharge(encounter: JsonDict) -> UtskrevetTil | None:
    destination = as_dict(as_dict(encounter.get("hospitalization")).get("dischargeDisposition"))
    state = _extension(encounter, EXT_DISCHARGE_STATE)
    if not destination and state is None:
        return None
    return UtskrevetTil(
        uttilstand=kith_out.code_of(state, "8431"),
        ut_til=kith_out.code_of(destination, "8408"),
        merknad=text_of(destination.get("text")),
    )


def logistics_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The Encounters in focus → the Pasientlogistikk element the event names."""
    kind_wanted = view.event()
    element = next((el for el, (kind, _dn) in catalog.logistikk_kinds().items() if kind == kind_wanted), None)
    encounters = [r for r in view.focus() if r.get("resourceType") == "Encounter"]
    if element is None or not encounters:
        raise MappingError(
            "Pasientlogistikk needs a LOG_* event and an Encounter in focus",
            code="plo.no-encounter",
            where="/entry/0/resource/focus",
            expected="Encounter",
        )
    leaving = next((d for d in (_discharge(e) for e in encounters) if d), None)
    hendelser = tuple(event(e) for e in encounters)
    return {"logistikk": Logistikk(element=element, utskrevet_til=leaving, hendelser=hendelser)}
