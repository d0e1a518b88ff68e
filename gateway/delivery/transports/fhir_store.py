"""Transport ``fhir-store``: delivers a FHIR Bundle into this gateway's own FHIR store (``store.fhir``).

A batch (``send_batch``) is written on the worker's connection, inside the transaction that records
the outcomes: the resources of every Bundle are locked first, all at once in key order (two workers
never wait on each other in a circle), then each Bundle is written in claim order under its own
savepoint, so a later message's version of a resource wins and a Bundle that fails leaves the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

from samband.adapters.json.safe import read_json
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt
from samband.gateway.store.fhir import Key, apply_bundle, lock, written_keys
from samband.kernel.errors import DeliveryRefused, ParseError


def _resource(request: DeliveryRequest) -> dict[str, Any]:
    """The payload as a FHIR resource, or DeliveryRefused."""
    try:
        bundle = read_json(request.payload)
    except ParseError as exc:
        raise DeliveryRefused(
            f"fhir-store takes FHIR JSON only: {exc}", code="delivery.fhir-store.not-json"
        ) from exc
    if not isinstance(bundle, dict) or "resourceType" not in bundle:
        raise DeliveryRefused("not a FHIR resource", code="delivery.fhir-store.not-fhir")
    return bundle


class FhirStoreTransport:
    """Transport ``fhir-store``: delivers a FHIR Bundle into this gateway's own store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, request: DeliveryRequest) -> Receipt:
        with self.engine.begin() as conn:
            [result] = self.send_batch(conn, [request])
        if isinstance(result, Exception):
            raise result
        return result

    def send_batch(self, conn: Connection, requests: Sequence[DeliveryRequest]) -> list[Receipt | Exception]:
        prepared: list[tuple[dict[str, Any], list[Key]] | Exception] = []
        for request in requests:
            try:
                bundle = _resource(request)
                prepared.append((bundle, written_keys(bundle)))
            except Exception as exc:  # this one alone is refused (or its error recorded)
                prepared.append(exc)
        lock(conn, [key for ready in prepared if not isinstance(ready, Exception) for key in ready[1]])
        now = datetime.now(UTC)
        results: list[Receipt | Exception] = []
        for request, ready in zip(requests, prepared, strict=True):
            if isinstance(ready, Exception):
                results.append(ready)
                continue
            try:
                with conn.begin_nested():  # a Bundle that fails leaves nothing, and the others stored
                    written = apply_bundle(conn, ready[0], request.message_id, now, locked=True)
            except Exception as exc:  # the caller records it as this send's error
                results.append(exc)
            else:
                results.append(Receipt(status_code=200, detail=f"{written} resources stored"))
        return results
