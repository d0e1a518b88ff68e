"""Reading what happened: search, one message with its deliveries, raw bytes, timeline, AppRec, replay."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from samband.gateway import pipeline, replay
from samband.gateway.allowlist import development_caller
from samband.gateway.api.inbound import respond
from samband.gateway.api.invalid import known_parameters
from samband.gateway.audit import asked, one_patient, record
from samband.gateway.bodies import SafeJsonRoute
from samband.gateway.deps import Reader, Replayer, ServicesDep
from samband.gateway.store import deliveries as queue
from samband.gateway.store import repository as repo
from samband.gateway.store.audit import Action, Entry
from samband.gateway.store.receipts import received_receipt, sent_receipt, translations_of
from samband.gateway.store.replays import replays_of
from samband.gateway.store.repository import StoredMessage
from samband.gateway.store.search import MessageQuery, moment, search_messages

router = APIRouter(prefix="/messages", tags=["messages"], route_class=SafeJsonRoute)


def summary(m: StoredMessage) -> dict[str, Any]:
    """The JSON shape of a message in lists: business keys, status, direction, where it came from."""
    return {
        "id": m.id,
        "direction": m.direction,
        "kind": m.kind,
        "format": m.format,
        "status": m.status,
        "msg_id": m.msg_id,
        "type": m.msg_type,
        "conversation_id": m.conversation_ref or m.ebxml_conversation_id,
        "patient": m.patient_id,
        "sender_her": m.sender_her,
        "receiver_her": m.receiver_her,
        "source_id": m.source_id,
        "route": m.route,
        "received_at": m.received_at.isoformat(),
        "completed_at": m.completed_at.isoformat() if m.completed_at else None,
        "sha256": m.sha256,
        "size": m.size,
    }


def not_found(message_id: str) -> HTTPException:
    return HTTPException(
        status.HTTP_404_NOT_FOUND, detail={"code": "message.not-found", "detail": f"no message {message_id}"}
    )


@router.get(
    "",
    dependencies=[Depends(known_parameters)],
    responses={
        400: {
            "description": "a filter value it does not take (search.invalid-filter), a parameter it does not"
            " take (request.unknown-parameter) or one not of its type (request.invalid-parameter)"
        }
    },
)
def list_messages(
    svc: ServicesDep,
    caller: Reader,
    msg_id: str | None = None,
    conversation_id: str | None = None,
    patient: str | None = None,
    sender_her: str | None = None,
    receiver_her: str | None = None,
    type: str | None = None,
    status: str | None = None,
    direction: str | None = None,
    source_id: str | None = None,
    kind: str | None = None,
    since: Annotated[str | None, Query(description="ISO 8601 date or date-time (UTC when no offset)")] = None,
    until: Annotated[str | None, Query(description="ISO 8601 date or date-time (UTC when no offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    q: Annotated[str | None, Query(description="free text: patient name, document text")] = None,
    count: Annotated[Literal["capped", "exact"], Query(description="exact: count past 10,000")] = "capped",
) -> dict[str, Any]:
    """Search inbound and outbound messages as people type: ``type`` case-insensitive or a family
        (``PLO``, ``DIALOGMELDING``, ``FHIR``, ``IP-EXPORT``), ``msg_id`` by prefix, ``q`` free text (every
        word, as a word's start); newest first. ``total`` stops at 10,000 unless ``count=exact``. An unknown
        ``status``, ``direction`` or ``kind`` is ``400`` (``search.invalid-filter``) with the values it takes,
    an unknown parameter ``400`` (``request.unknown-parameter``) with the parameters it takes.
        Audited (``search``) with the filters and every patient on the page."""
    query = MessageQuery(
        msg_id, conversation_id, patient, sender_her, receiver_her, type, status, direction, source_id,
        kind, moment("since", since), moment("until", until), limit, offset, q, count == "exact",
    )  # fmt: skip
    with svc.reads.begin() as conn:
        total, page = search_messages(conn, query)
    shown = [m.patient_id for m in page if m.patient_id]
    detail = {"query": asked(query), "total": total, "returned": len(page)}
    entry = Entry(Action.SEARCH, "/messages", one_patient(patient, shown), shown, detail=detail)
    record(svc, caller, entry)
    return {"total": total, "limit": limit, "offset": offset, "items": [summary(m) for m in page]}


@router.get("/{message_id}")
def get_message(message_id: str, svc: ServicesDep, caller: Reader) -> dict[str, Any]:
    """Envelope, status, issues, translations, deliveries (with every attempt) and receipts."""
    with svc.reads.begin() as conn:
        m = repo.get_message(conn, message_id)
        if m is None:
            raise not_found(message_id)
        rows = translations_of(conn, message_id)
        sent = queue.for_source(conn, message_id) or queue.for_message(conn, message_id)
        body = {
            **summary(m),
            "envelope": {**m.envelope().__dict__, "generated_at": None},
            "issues": m.issues,
            "error": m.error,
            "translations": [
                {
                    "route": t.route,
                    "target_format": t.target_format,
                    "output_id": t.output_id,
                    "issues": t.issues,
                }
                for t in rows
            ],
            "deliveries": [
                {**queue.delivery_summary(d), "attempts": queue.attempts_of(conn, d.id)} for d in sent
            ],
            "apprec": _receipt(sent_receipt(conn, message_id)),
            "apprec_received": _receipt(received_receipt(conn, message_id)),
            "replays": replays_of(conn, message_id),
        }
    record(svc, caller, Entry(Action.READ_MESSAGE, target=message_id, patient=m.patient_id))
    return body


def _receipt(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": row["apprec_id"],
        "status": row["status"],
        "errors": row["errors"],
        "at": row["created_at"].isoformat(),
    }


@router.get("/{message_id}/raw")
def get_raw(message_id: str, svc: ServicesDep, caller: Reader) -> Response:
    """The bytes exactly as they were received (or emitted)."""
    with svc.reads.begin() as conn:
        m = repo.get_message(conn, message_id)
        raw = repo.get_raw(conn, message_id)
    if m is None or raw is None:
        raise not_found(message_id)
    record(
        svc,
        caller,
        Entry(Action.READ_RAW, target=message_id, patient=m.patient_id, detail={"size": len(raw)}),
    )
    return Response(raw, media_type=m.content_type or "application/octet-stream")


@router.get("/{message_id}/events")
def get_events(message_id: str, svc: ServicesDep, caller: Reader) -> dict[str, Any]:
    """The append-only timeline of the message."""
    with svc.reads.begin() as conn:
        m = repo.get_message(conn, message_id)
        if m is None:
            raise not_found(message_id)
        events = repo.list_events(conn, message_id)
    record(svc, caller, Entry(Action.READ_EVENTS, target=message_id, patient=m.patient_id))
    return {"id": message_id, "events": events}


@router.get("/{message_id}/apprec")
def get_apprec(message_id: str, svc: ServicesDep, caller: Reader) -> Response:
    """The AppRec the gateway produced for this message (XML); 404 while there is none yet."""
    with svc.reads.begin() as conn:
        m = repo.get_message(conn, message_id)
        receipt = sent_receipt(conn, message_id)
        raw = repo.get_raw(conn, receipt["apprec_id"]) if receipt else None
    if m is None or receipt is None or raw is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail={"code": "apprec.none", "detail": "no AppRec for this message yet"},
        )
    entry = Entry(Action.READ_APPREC, message_id, m.patient_id, detail={"apprec_id": receipt["apprec_id"]})
    record(svc, caller, entry)
    headers = {"X-Samband-AppRec-Id": receipt["apprec_id"], "X-Samband-AppRec-Status": receipt["status"]}
    return Response(raw, media_type="application/xml", headers=headers)


class ReplayRequest(BaseModel):
    """Where a replay goes: every route (empty body), named routes, or one override endpoint."""

    destinations: list[str] = Field(default_factory=list, description="route names; empty: all that match")
    endpoint: str | None = Field(default=None, description="deliver here and nowhere else")
    transport: str | None = Field(
        default=None, description="transport for the override endpoint (default http); only with an endpoint"
    )
    target_format: str | None = Field(
        default=None,
        description="the format to deliver in (fhir, plo, dialogmelding, ip-export, as-is); default: each "
        "route's own (for an endpoint, the first matching route's, else fhir). One the message cannot be "
        "written as is 422 replay.no-mapping",
    )


@router.post(
    "/{message_id}/replay",
    status_code=202,
    responses={
        403: {"description": "the override endpoint is not allowed (replay.endpoint-not-allowed)"},
        422: {"description": "no mapping to the target format, or an unknown transport (replay.*)"},
    },
)
async def post_replay(
    message_id: str, request: Request, svc: ServicesDep, caller: Replayer, body: ReplayRequest | None = None
) -> JSONResponse:
    """Re-run from the original raw bytes; the new message links to the original; who and when is kept.
    An ``endpoint`` must be allowed by ``SAMBAND_REPLAY_ALLOWED_ENDPOINTS`` (docs/security.md), else
    ``403`` and nothing is stored or sent."""
    wanted = body or ReplayRequest()
    order = replay.ReplayOrder(wanted.destinations, wanted.endpoint, wanted.transport, wanted.target_format)
    development = development_caller(caller.how, request.client.host if request.client else None)
    try:
        outcome = await run_in_threadpool(
            pipeline.replay_message, svc, message_id, caller, order, development
        )
    except KeyError as exc:
        raise not_found(message_id) from exc
    return respond(outcome)
