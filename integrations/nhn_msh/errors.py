"""The message service's answers as coded errors (catalogue group ``nhn-msh``), one table.

``ErrorMessage`` (``error``, ``errorCode``, ``validationErrors``, ``requestId``) is read where the
service sends it, so the operator sees NHN's own words and request id. 400 is the message or the
request (permanent, the validation errors shown); 401 and 403 are the client's HelseID registration
or HER-id binding (``DeliveryMisconfigured``: the gateway's configuration, not the message, so the
delivery is kept and tried again until someone fixes it, with an alert); 404 an id the service
does not know; 423 Locked, 408, 429, 5xx, timeouts and lost connections are transient.
"""

from __future__ import annotations

from typing import Any

import httpx

from samband.kernel.errors import DeliveryError, DeliveryMisconfigured, DeliveryRefused, DeliveryUnavailable

# status → (error class, code, what the operator reads)
STATUS_ERRORS: dict[int, tuple[type[DeliveryError], str, str]] = {
    400: (DeliveryRefused, "nhn-msh.rejected", "the message service refused the request"),
    401: (DeliveryMisconfigured, "nhn-msh.unauthorized", "the message service did not take the token"),
    403: (DeliveryMisconfigured, "nhn-msh.forbidden", "the HelseID client is not bound to this HER-id"),
    404: (DeliveryRefused, "nhn-msh.not-found", "the message service does not know this message"),
    408: (DeliveryUnavailable, "nhn-msh.unavailable", "the message service timed out"),
    423: (DeliveryUnavailable, "nhn-msh.locked", "the message is locked at the message service"),
    429: (DeliveryUnavailable, "nhn-msh.unavailable", "the message service asks to slow down"),
}
SERVER_ERROR = (DeliveryUnavailable, "nhn-msh.unavailable", "the message service failed")
OTHER_ERROR = (DeliveryRefused, "nhn-msh.rejected", "the message service answered an unexpected status")


def error_message(response: httpx.Response) -> dict[str, Any]:
    """The ``ErrorMessage`` body, or {} when the answer has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def validation_errors(response: httpx.Response) -> list[str]:
    """``ErrorMessage.validationErrors``: what the service found wrong, as it says it."""
    listed = error_message(response).get("validationErrors")
    return [str(item) for item in listed] if isinstance(listed, list) else []


def status_error(response: httpx.Response, operation: str) -> DeliveryError:
    """The coded error for a non-2xx answer to ``operation`` (e.g. ``POST /Messages``)."""
    status = response.status_code
    kind: type[DeliveryError]
    if status >= 500:
        kind, code, meaning = SERVER_ERROR
    else:
        kind, code, meaning = STATUS_ERRORS.get(status, OTHER_ERROR)
    body = error_message(response)
    said = body.get("error") if isinstance(body.get("error"), str) else None
    found = validation_errors(response)
    detail = f"{meaning}: HTTP {status} on {operation}"
    if said:
        detail += f": {said}"
    if found:
        detail += " (" + "; ".join(found) + ")"
    if body.get("requestId"):
        detail += f" [requestId {body['requestId']}]"
    challenge = response.headers.get("WWW-Authenticate")
    received = "; ".join(found) or said or challenge or f"HTTP {status}"
    return kind(detail, code=code, where=operation, expected="a 2xx answer", received=received[:500])


def exchange_error(exc: httpx.HTTPError, operation: str) -> DeliveryError:
    """No answer at all: a timeout, a refused or lost connection (transient); a bad URL (permanent)."""
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return DeliveryRefused(
            f"the message service address is not usable: {exc}",
            code="nhn-msh.bad-address",
            where=operation,
            expected="base_url starting with https:// (or http:// on loopback)",
        )
    kind = "did not answer in time" if isinstance(exc, httpx.TimeoutException) else "could not be reached"
    return DeliveryUnavailable(
        f"the message service {kind}: {type(exc).__name__}: {exc}".rstrip(": "),
        code="nhn-msh.unavailable",
        where=operation,
    )


def bad_answer(detail: str, operation: str, received: str) -> DeliveryUnavailable:
    """A 2xx answer that is not what the API definition promises."""
    return DeliveryUnavailable(
        f"the message service answered something unexpected: {detail}",
        code="nhn-msh.bad-response",
        where=operation,
        received=received[:300],
    )
