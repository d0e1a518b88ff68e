"""Where vendors post: bare Hodemelding/AppRec (``/messages``), FHIR message Bundles, ip-exports.

Each handler stores the bytes first and answers with the pipeline's outcome: ``202`` accepted,
``422`` with coded errors when the gateway refused it (its negative AppRec is stored), ``503`` when
the gateway lacks part of its configuration (the message is kept and processed later), ``500`` when
it failed (kept for replay). With ``process_in_workers`` a message that passes the envelope, schema
and rule checks is answered ``202`` with status ``received`` once it is stored, and the workers
translate, route and answer it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from samband.gateway import ebxml, pipeline
from samband.gateway.bodies import BodyRefused, too_large
from samband.gateway.deps import ServicesDep, Submitter
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store.repository import Kind, Status

router = APIRouter(tags=["inbound"])

ACCEPTED = {"description": "stored and queued; the body says which message and whether it is a repeat"}
REFUSED = {"description": "refused for good: coded errors, and the negative AppRec was stored"}
DEFERRED = {"description": "stored, not yet processed (configuration missing): try again later"}
RETRY_AFTER_SECONDS = "60"


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
    if outcome.status == Status.RECEIVED and outcome.errors:  # kept for a later try
        return unanswered(outcome)
    code = 422 if outcome.status == "rejected" else status.HTTP_202_ACCEPTED
    if outcome.status == "failed" and outcome.errors:
        code = status.HTTP_500_INTERNAL_SERVER_ERROR  # stored, not processed: kept for replay
    return JSONResponse(outcome_body(outcome), status_code=code)


def unanswered(outcome: Outcome) -> JSONResponse:
    """No answer yet: 503 (try again later) while the message waits to be processed, else 500."""
    if outcome.status == Status.RECEIVED:
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        return JSONResponse(outcome_body(outcome), status_code=503, headers=headers)
    return JSONResponse(outcome_body(outcome), status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, counted as it arrives and refused (413, ``http.body-too-large``) the moment it
    passes ``limit``; ``BodyLimit`` bounds every request the same way before it gets here."""
    chunks: list[bytes] = []
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise BodyRefused(too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


async def accepted(svc: Services, raw: bytes, content_type: str, format: str | None = None) -> Outcome:
    """``pipeline.accept`` with its checks on a worker thread, and the commit of a checked message
    awaited here without holding one (group commit: many wait for the same commit)."""
    step = await run_in_threadpool(pipeline.begin_accept, svc, raw, content_type, format=format)
    if isinstance(step, pipeline.Storing):
        await asyncio.wrap_future(step.stored)
        return step.outcome
    return step


@router.post("/messages", status_code=202, responses={202: ACCEPTED, 422: REFUSED, 503: DEFERRED})
async def post_message(request: Request, svc: ServicesDep, _caller: Submitter) -> JSONResponse:
    """Receive a bare Hodemelding (``application/xml``), or an AppRec answering a message we sent."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/xml")
    return respond(await accepted(svc, raw, content_type))


@router.post(
    "/ebxml",
    responses={
        200: {"description": "the ebXML Acknowledgment or MessageError (the same for a repeat)"},
        503: DEFERRED,
    },
)
async def post_ebxml(request: Request, svc: ServicesDep, _caller: Submitter) -> Response:
    """Receive an ebMS 2.0 message (multipart/related or bare SOAP); answer with its signal (none for a
    signal: 204), a SOAP Fault (400) when it is too broken to have one, or say why there is none yet
    (503 try again later, 500 failed)."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "text/xml")
    soap_action = request.headers.get("SOAPAction")
    outcome = await run_in_threadpool(_receive_ebxml, svc, raw, content_type, soap_action)
    answer = await run_in_threadpool(ebxml.reply_of, svc, outcome.id)
    if answer is None:
        if outcome.status == Status.STORED:  # a signal: nothing to answer
            return Response(status_code=status.HTTP_204_NO_CONTENT)
        return unanswered(outcome)
    body, media_type = answer
    code = 400 if media_type.startswith("application/soap") else 200  # a Fault: the sender's error
    headers = {"X-Samband-Message-Id": outcome.id, "X-Samband-Duplicate": str(outcome.duplicate).lower()}
    return Response(body, status_code=code, media_type=media_type, headers=headers)


def _receive_ebxml(svc: Services, raw: bytes, content_type: str, soap_action: str | None) -> Outcome:
    mid = pipeline.store_raw(svc, raw, content_type, Kind.MESSAGE, format="ebxml", soap_action=soap_action)
    return pipeline.process(svc, mid)


@router.post("/fhir", status_code=202, responses={202: ACCEPTED, 422: REFUSED, 503: DEFERRED})
async def post_fhir(request: Request, svc: ServicesDep, _caller: Submitter) -> JSONResponse:
    """Receive a FHIR R4 message Bundle (``application/fhir+json`` or ``application/fhir+xml``)."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/fhir+json")
    return respond(await accepted(svc, raw, content_type, format="fhir"))


@router.post("/ip-exports", status_code=202, responses={202: ACCEPTED, 422: REFUSED, 503: DEFERRED})
async def post_ip_export(request: Request, svc: ServicesDep, _caller: Submitter) -> JSONResponse:
    """Receive an ip-export (JSON or XML) from an individual-plan tool."""
    raw = await read_body(request, svc.settings.max_body_bytes)
    content_type = request.headers.get("Content-Type", "application/json")
    return respond(await accepted(svc, raw, content_type, format="ip-export"))
