"""How a coded error is answered, decided in one place by the request's path: under ``/fhir/`` (the FHIR
REST API, ``$validate`` included) an OperationOutcome in the asked format (``api/fhir_wire.py``),
elsewhere ``{"errors": [{code, detail, …}]}``. The exception handlers of the app answer through
``coded_reply``, a refused request body through ``refusal`` (also handed to ``bodies.BodyLimit``, which
answers before any route), a store that did not answer through ``store_unavailable_reply``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from samband.gateway.api.fhir_wire import error_answer, is_fhir_path, outcome_answer, outcome_issue
from samband.gateway.bodies import BodyRefused
from samband.kernel.errors import GatewayError, reply_for


def coded_reply(request: Request, error: GatewayError, headers: dict[str, str] | None = None) -> Response:
    """``error`` with the HTTP status of its code, in the shape the path answers errors in."""
    if is_fhir_path(request):
        return error_answer(request, error, headers)
    return JSONResponse(
        {"errors": [error.as_dict()]}, status_code=reply_for(error).http_status, headers=headers
    )


def store_unavailable_reply(request: Request, headers: dict[str, str]) -> Response:
    """503 ``store.unavailable``: the store did not answer (nothing was accepted; try again)."""
    if is_fhir_path(request):
        found = outcome_issue("store.unavailable", "the store did not answer; try again", "error", 503)
        return outcome_answer(request, found, 503, headers)
    body = {"code": "store.unavailable", "detail": "the message store did not answer; try again"}
    return JSONResponse({"errors": [body]}, status_code=503, headers=headers)


def refusal(request: Request, error: GatewayError) -> Response:
    """A request refused for its body; the connection is closed after an ``http.*`` refusal."""
    headers = {"Connection": "close"} if error.code.startswith("http.") else None
    return coded_reply(request, error, headers)


async def body_refused(request: Request, exc: Exception) -> Response:
    """Exception handler for ``BodyRefused``."""
    assert isinstance(exc, BodyRefused)
    return refusal(request, exc.error)
