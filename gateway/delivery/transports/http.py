"""HTTP delivery: POST the payload (a FHIR bundle as application/fhir+json, or any bytes) to a URL.

2xx is delivered; 408/425/429 and 5xx are transient (DeliveryUnavailable, the worker retries on the
route's schedule); any other status is a refusal (DeliveryRefused, dead letter). A connection reset
is retried at once a couple of times (tenacity, short capped wait); the long schedule is retry.py's.
"""

from __future__ import annotations

import re
from time import perf_counter
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_fixed

from samband.adapters.json.safe import read_json
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt, excerpt
from samband.gateway.delivery.transports.boundary import delivery_errors
from samband.gateway.routing.routes import Route
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable, GatewayError

TRANSIENT_STATUSES = frozenset({408, 425, 429})
RESET_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
QUICK_RETRIES = 2
QUICK_WAIT_SECONDS = 0.2
_STATUS = re.compile(r"^\s*(\d{3})")


def new_client(route: Route) -> httpx.Client:
    """An httpx client with the route's timeouts and headers; redirects are not followed."""
    timeout = httpx.Timeout(route.timeout, connect=route.connect_timeout)
    return httpx.Client(timeout=timeout, headers=dict(route.headers), follow_redirects=False)


def request_headers(request: DeliveryRequest) -> dict[str, str]:
    """Headers of every delivery POST: type, idempotency key, message id and try number."""
    return {
        "Content-Type": request.content_type,
        "Idempotency-Key": request.key,
        "X-Samband-Message-Id": request.message_id,
        "X-Samband-Attempt": str(request.attempt),
    }


def json_body(response: httpx.Response) -> Any:
    """The reply parsed as JSON when it says it is JSON (FHIR: application/fhir+json), else None."""
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        return read_json(response.content)
    except GatewayError:  # not JSON, or past the safe read's limits: no body to read
        return None


def remote_id(response: httpx.Response) -> str | None:
    """The receiver's id for what it took: the Location header, else the JSON body's ``id``."""
    location = response.headers.get("Location") or response.headers.get("Content-Location")
    if location:
        return str(location)
    body = json_body(response)
    found = body.get("id") if isinstance(body, dict) else None
    return str(found) if found is not None else None


def _entry_failures(body: Any) -> list[tuple[int, int, str]]:
    """(index, status, diagnostics) of each failed entry of a FHIR batch-response Bundle."""
    if (
        not isinstance(body, dict)
        or body.get("resourceType") != "Bundle"
        or body.get("type") != "batch-response"
    ):
        return []
    failures = []
    for index, entry in enumerate(body.get("entry") or []):
        answer = entry.get("response") if isinstance(entry, dict) else None
        status_text = str(answer.get("status", "")) if isinstance(answer, dict) else ""
        match = _STATUS.match(status_text)
        if match and not 200 <= int(match.group(1)) < 300:
            issues = (answer.get("outcome") or {}).get("issue") or [{}]  # type: ignore[union-attr]
            failures.append((index, int(match.group(1)), str(issues[0].get("diagnostics", ""))))
    return failures


def check_batch_entries(response: httpx.Response, where: str) -> None:
    """FHIR batch (R4 §3.1.0.11.2): HTTP 200 even when entries failed; a failed entry fails the try.

    Bundles from the gateway are idempotent (PUT with ids derived from identifiers), so sending the
    whole batch again is safe.
    """
    failures = _entry_failures(json_body(response))
    if not failures:
        return
    index, status, diagnostics = failures[0]
    listed = ", ".join(f"entry[{i}] {code}" for i, code, _text in failures[:5])
    transient = any(code >= 500 or code in TRANSIENT_STATUSES for _i, code, _text in failures)
    error = DeliveryUnavailable if transient else DeliveryRefused
    raise error(
        f"the FHIR server failed {len(failures)} batch entr{'y' if len(failures) == 1 else 'ies'}: {listed}",
        code="delivery.fhir-entry-unavailable" if transient else "delivery.fhir-entry-refused",
        where=f"{where} Bundle.entry[{index}].response",
        expected="2xx for every entry",
        received=f"{status} {diagnostics}".strip(),
    )


def check_status(response: httpx.Response, where: str) -> None:
    """Raise the delivery error a non-2xx status stands for."""
    status = response.status_code
    if 200 <= status < 300:
        return
    received = f"HTTP {status}: {excerpt(response.content, 300)}"
    if status >= 500 or status in TRANSIENT_STATUSES:
        raise DeliveryUnavailable(
            f"the receiver answered HTTP {status}",
            code="delivery.http-unavailable",
            where=where,
            expected="2xx",
            received=received,
        )
    raise DeliveryRefused(
        f"the receiver refused the message with HTTP {status}",
        code="delivery.http-refused",
        where=where,
        expected="2xx",
        received=received,
    )


class HttpTransport:
    """POSTs each payload to the request's endpoint (override) or the route's URL."""

    def __init__(
        self,
        route: Route,
        *,
        client: httpx.Client | None = None,
        quick_retries: int = QUICK_RETRIES,
        quick_wait: float = QUICK_WAIT_SECONDS,
    ) -> None:
        self.route = route
        self.client = client or new_client(route)
        self._retrying = Retrying(
            retry=retry_if_exception_type(RESET_ERRORS),
            stop=stop_after_attempt(1 + quick_retries),
            wait=wait_fixed(quick_wait),
            reraise=True,
        )

    def send(self, request: DeliveryRequest) -> Receipt:
        url = endpoint_of(request)
        response, latency = self.exchange(url, request.payload, request_headers(request))
        check_status(response, url)
        check_batch_entries(response, url)
        return Receipt(
            status_code=response.status_code,
            body_excerpt=excerpt(response.content),
            remote_id=remote_id(response),
            latency_seconds=latency,
        )

    def exchange(self, url: str, content: bytes, headers: dict[str, str]) -> tuple[httpx.Response, float]:
        """One POST with quick retries on a reset and errors translated; the status is not judged."""
        started = perf_counter()
        with delivery_errors(url):
            response = self._retrying(self.client.post, url, content=content, headers=headers)
        return response, perf_counter() - started

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def endpoint_of(request: DeliveryRequest) -> str:
    """The URL of this try; a route without one is a refusal (configuration, not the receiver)."""
    url = request.target
    if not url:
        raise DeliveryRefused(
            f"route {request.route.name!r} has no endpoint",
            code="delivery.no-endpoint",
            where=request.route.name,
            expected="an endpoint URL on the route or the request",
        )
    return url
