"""A transport that calls a function: the test seam, in the style of httpx's MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter

from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt

Handler = Callable[[DeliveryRequest], Receipt | None]


class FakeTransport:
    """Hands each request to ``handler`` and records it in ``sent``.

    The handler returns a Receipt, returns None (a plain 200 receipt is made), or raises
    DeliveryUnavailable / DeliveryRefused to play a failing receiver.
    """

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler: Handler = handler or (lambda request: None)
        self.sent: list[DeliveryRequest] = []

    def send(self, request: DeliveryRequest) -> Receipt:
        self.sent.append(request)
        started = perf_counter()
        receipt = self.handler(request)
        if receipt is None:
            return Receipt(status_code=200, latency_seconds=perf_counter() - started)
        return receipt
