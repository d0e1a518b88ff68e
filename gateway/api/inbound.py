"""Where vendors post: bare Hodemelding/AppRec (``/messages``), FHIR message Bundles, ip-exports.

Each handler stores the bytes first and answers with the pipeline's outcome: ``202`` accepted,
``422`` with coded errors when the gateway refused it (its negative AppRec is stored).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gateway import pipeline
from gateway.api.deps import Actor, ServicesDep
from gateway.pipeline import Outcome

router = APIRouter(tags=["inbound"])

ACCEPTED = {"description": "stored and queued; the body says which message and whether it is a repeat"}
REFUSED = {"description": "refused for good: coded errors, and the negative AppRec was stored"}


def outcome_body(outcome: Outcome) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": outcome.id,
        "status": outcome.status,
        "msg_id": outcome.msg_id,
        "duplicate": outcome.duplicate,
    }
    if outcome.received_id:
        body["received_id"] = outcome.received_id
    if outcome.apprec_id:
        body["apprec_id"] = outcome.apprec_id
    if outcome.errors:
        body["errors"] = outcome.errors
    return body


def respond(outcome: Outcome) -> JSONResponse:
    code = 422 if outcome.status == "rejected" else status.HTTP_202_ACCEPTED
    return JSONResponse(outcome_body(outcome), status_code=code)


async def read_body(request: Request, limit: int) -> bytes:
    body = await request.body()
    if len(body) > limit:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            detail={"code": "message.too-large", "detail": f"at most {limit} bytes"},
        )
    return body


@router.post("/messages", status_code=202, responses={202: ACCEPTED, 422: REFUSED})
async def post_message(request: Request, svc: ServicesDep, _actor: Actor) -> JSONResponse:
    """Receive a bare Hodemelding (``application/xml``), or an AppRec answering a message we sent."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/xml")
    outcome = await run_in_threadpool(pipeline.receive, svc, raw, content_type)
    return respond(outcome)


@router.post("/fhir", status_code=202, responses={202: ACCEPTED, 422: REFUSED})
async def post_fhir(request: Request, svc: ServicesDep, _actor: Actor) -> JSONResponse:
    """Receive a FHIR R4 message Bundle (``application/fhir+json``)."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/fhir+json")
    outcome = await run_in_threadpool(pipeline.receive, svc, raw, content_type)
    return respond(outcome)


@router.post("/ip-exports", status_code=202, responses={202: ACCEPTED, 422: REFUSED})
async def post_ip_export(request: Request, svc: ServicesDep, _actor: Actor) -> JSONResponse:
    """Receive an ip-export (JSON or XML) from an individual-plan tool."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/json")
    outcome = await run_in_threadpool(pipeline.receive, svc, raw, content_type)
    return respond(outcome)
