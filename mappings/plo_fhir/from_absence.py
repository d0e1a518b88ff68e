"""FHIR Communication with the ``fravaer`` extension → Melding om fravær (MeldingFravar/Fraversassistent)."""

from __future__ import annotations

from typing import Any

from samband.adapters.plo import parties as p
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import EXT_ABSENCE
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of


def _parts(communication: JsonDict) -> dict[str, JsonDict] | None:
    for ext in as_list(communication.get("extension")):
        if ext.get("url") == EXT_ABSENCE:
            return {str(part.get("url")): part for part in as_list(ext.get("extension"))}
    return None


def fravar_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The Communication's ``fravaer`` extension → Fraversassistent (MottakerFravarende is required)."""
    communication = view.first("Communication")
    parts = _parts(communication) if communication is not None else None
    away = (parts or {}).get("fravaerende", {}).get("valueBoolean")
    if communication is None or parts is None or not isinstance(away, bool):
        raise MappingError(
            "Melding om fravær needs a Communication with the fravaer extension (fravaerende)",
            code="plo.no-absence",
            where="/entry",
            expected=f"Communication.extension {EXT_ABSENCE} with fravaerende",
        )
    forwarded = parts.get("videresendt", {}).get("valueBoolean")
    period = as_dict(parts.get("periode", {}).get("valuePeriod"))
    target = view.resolve(parts.get("videresendt-til", {}).get("valueReference"))
    texts = [text_of(item.get("contentString")) for item in as_list(communication.get("payload"))]
    absence = p.Fraversassistent(
        mottaker_fravarende=away,
        melding_videresendt=forwarded if isinstance(forwarded, bool) else None,
        fra_dato=(text_of(period.get("start")) or "")[:10] or None,
        til_dato=(text_of(period.get("end")) or "")[:10] or None,
        videresendt_til=kith_out.professional(view, target) if target is not None else None,
        merknad=" ".join(t for t in texts if t) or None,
    )
    return {"fraversassistent": absence}
