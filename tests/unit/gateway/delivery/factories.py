"""Small builders for delivery tests: a route, an envelope and a request (synthetic HER-ids)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from samband.gateway.delivery.transports.base import DeliveryRequest
from samband.gateway.routing.routes import Route
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format

SENDER_HER = "8100001"
RECEIVER_HER = "8100002"
ENVELOPE = Envelope(
    msg_id="5f0c6c3e-8a4b-4d7e-9a51-1f3b2c4d5e6f",
    msg_type="PLO",
    sender_her=SENDER_HER,
    receiver_her=RECEIVER_HER,
)


def make_route(**changes: Any) -> Route:
    base = Route(name="fhir-out", target_format=Format.FHIR, transport="http", endpoint=None)
    return replace(base, **changes)


def make_request(route: Route, **changes: Any) -> DeliveryRequest:
    base = DeliveryRequest(
        message_id="out-0001",
        envelope=ENVELOPE,
        payload=b'{"resourceType": "Bundle", "type": "transaction"}',
        content_type="application/fhir+json",
        route=route,
        attempt=1,
        idempotency_key="delivery-0001",
    )
    return replace(base, **changes)
