"""CarePlan activities → EksisterendeTjeneste (HIS 1146): ServiceRequest via ``activity.reference``, or an
inline ``activity.detail`` from IP tools; IPLOS tjenestetype (9151), extent, start/end, remarks.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from samband.adapters.plo.clinical import EksisterendeTjeneste
from samband.kernel.errors import MappingError
from samband.mappings.common import kith_out
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import EXT_PRIVATE_SERVICE, EXT_SERVICE_INFO, EXT_SERVICE_PROVIDER
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of


def _extension(resource: JsonDict, url: str) -> object:
    for extension in as_list(resource.get("extension")):
        if extension.get("url") == url:
            return next((v for k, v in extension.items() if k.startswith("value")), None)
    return None


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _date(value: object) -> str | None:
    text = text_of(value)
    return text[:10] if text else None


def _service(resource: JsonDict, state: MapState, where: str) -> EksisterendeTjeneste:
    """ServiceRequest (or activity.detail) → EksisterendeTjeneste; PrivatTjeneste is required (false)."""
    concept = as_dict(resource.get("code"))
    private = _extension(resource, EXT_PRIVATE_SERVICE)
    if private is None:
        state.issue(
            where,
            "plo.default-privat",
            "PrivatTjeneste not given; sent as false",
            "PrivatTjeneste er satt til false",
        )
    quantity = as_dict(resource.get("quantityQuantity") or resource.get("quantity"))
    period = as_dict(resource.get("occurrencePeriod") or resource.get("scheduledPeriod"))
    notes = [text_of(n.get("text")) for n in as_list(resource.get("note"))]
    description = text_of(resource.get("description"))
    return EksisterendeTjeneste(
        iplos_tjenestetype=kith_out.code_of(concept, "9151"),
        betegnelse=text_of(concept.get("text")) or description,
        privat_tjeneste=bool(private),
        levert_av=text_of(_extension(resource, EXT_SERVICE_PROVIDER)),
        opplysninger=text_of(_extension(resource, EXT_SERVICE_INFO)),
        antall_enheter=_decimal(quantity.get("value")),
        enhet=text_of(quantity.get("unit")),
        startdato=_date(period.get("start")),
        sluttdato=_date(period.get("end")),
        merknad=" ".join(n for n in notes if n) or None,
    )


def orientering_fields(view: BundleView, state: MapState) -> dict[str, Any]:
    """The CarePlan's activities as services; a plan without any is refused (the XSD needs one)."""
    plan = view.first("CarePlan")
    if plan is None:
        raise MappingError(
            "Orientering om tjenestetilbud needs a CarePlan", code="plo.no-careplan", where="/entry"
        )
    services: list[EksisterendeTjeneste] = []
    for index, activity in enumerate(as_list(plan.get("activity"))):
        where = f"CarePlan/{plan.get('id')}/activity/{index}"
        target = view.resolve(activity.get("reference")) if activity.get("reference") else None
        detail = as_dict(activity.get("detail"))
        if target is not None and target.get("resourceType") == "ServiceRequest":
            services.append(_service(target, state, where))
        elif detail:
            services.append(_service(detail, state, where))
        else:
            state.not_mapped(where, "CarePlan activity that is neither a ServiceRequest nor a detail")
    if not services:
        raise MappingError(
            "the CarePlan has no service (ServiceRequest or activity.detail) to report",
            code="plo.no-services",
            where=f"CarePlan/{plan.get('id')}/activity",
            expected="at least one EksisterendeTjeneste",
        )
    return {"tjenester": tuple(services)}
