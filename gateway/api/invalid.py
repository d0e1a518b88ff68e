"""Requests FastAPI refuses before an endpoint runs, in the project's error shape: a parameter not of
its type or range is ``400`` ``request.invalid-parameter``, a body field ``422``
``request.invalid-body``, and a search given a parameter it does not take ``400``
``request.unknown-parameter`` naming those it takes. The FHIR API answers OperationOutcomes instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from samband.kernel.errors import BodyInvalid, RequestInvalid

RECEIVED_CHARS = 200


def json_safe(value: object) -> object:
    """``value`` as plain JSON: a float that is not finite and anything JSON has no type for as text."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def refusals(errors: Sequence[Mapping[str, Any]]) -> tuple[int, list[dict[str, object]]]:
    """The HTTP status and the coded errors for FastAPI's validation ``errors``: ``422`` when a body
    field is among them, else ``400``. Each says where (``query.limit``), what was expected and what
    came (the caller's own input, given back to the caller only)."""
    answers = [_refusal(error) for error in errors]
    body = any(answer["code"] == "request.invalid-body" for answer in answers)
    return (422 if body else 400), answers


def _refusal(error: Mapping[str, Any]) -> dict[str, object]:
    place = [str(part) for part in error.get("loc", ())]
    where = ".".join(place) or "request"
    kind = BodyInvalid if place[:1] == ["body"] else RequestInvalid
    code = "request.invalid-body" if kind is BodyInvalid else "request.invalid-parameter"
    context = error.get("ctx") or {}
    expected = context.get("expected") if isinstance(context, Mapping) else None
    received = json_safe(error.get("input"))
    if isinstance(received, str) and len(received) > RECEIVED_CHARS:
        received = received[:RECEIVED_CHARS] + "…"
    answer = kind(f"{where}: {error.get('msg', 'not valid')}", code=code, where=where).as_dict()
    said = str(error.get("msg", "")).removeprefix("Input should be ")
    return {**answer, "expected": str(expected or said), "received": received}


def known_parameters(request: Request) -> None:
    """Refuse (400 ``request.unknown-parameter``) a query parameter the endpoint does not take, so a
    misspelt filter is not a search for everything."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    taken = [param.alias for param in route.dependant.query_params]
    unknown = sorted(set(request.query_params) - set(taken))
    if unknown:
        raise RequestInvalid(
            f"{', '.join(unknown)}: not a parameter this endpoint takes",
            code="request.unknown-parameter",
            where=unknown[0],
            expected=", ".join(taken),
            received=unknown[0],
        )
