"""Transport ``fhir-store``: delivers a FHIR Bundle into this gateway's own FHIR store (``store.fhir``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from samband.adapters.json.safe import read_json
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt
from samband.gateway.store.fhir import apply_bundle
from samband.kernel.errors import DeliveryRefused, ParseError


class FhirStoreTransport:
    """Transport ``fhir-store``: delivers a FHIR Bundle into this gateway's own store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, request: DeliveryRequest) -> Receipt:
        try:
            bundle = read_json(request.payload)
        except ParseError as exc:
            raise DeliveryRefused(
                f"fhir-store takes FHIR JSON only: {exc}", code="delivery.fhir-store.not-json"
            ) from exc
        if not isinstance(bundle, dict) or "resourceType" not in bundle:
            raise DeliveryRefused("not a FHIR resource", code="delivery.fhir-store.not-fhir")
        with self.engine.begin() as conn:
            written = apply_bundle(conn, bundle, request.message_id, datetime.now(UTC))
        return Receipt(status_code=200, detail=f"{written} resources stored")
