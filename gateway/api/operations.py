"""What operators and testers do beside reading: per-route statistics, bulk replay of a search result
(with a confirm step), and test messages sent to one route.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from samband.gateway import bulk, examples
from samband.gateway.api.inbound import respond
from samband.gateway.audit import asked, one_patient, record
from samband.gateway.bodies import SafeJsonRoute
from samband.gateway.deps import Reader, Replayer, ServicesDep
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store.audit import Action, Entry
from samband.gateway.store.route_stats import RouteStats, route_statistics
from samband.gateway.store.search import MessageQuery

router = APIRouter(tags=["operations"], route_class=SafeJsonRoute)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _route_row(stats: RouteStats, svc: Services, held: set[str], hours: float) -> dict[str, Any]:
    known = stats.route in svc.routes.names
    route = svc.routes.get(stats.route) if known else None
    return {
        "route": stats.route,
        "in_route_file": known,
        "transport": route.transport if route else None,
        "target_format": str(route.target_format) if route else None,
        "enabled": bool(route and route.enabled and stats.route not in held),
        "queued": stats.queued,
        "delivered": stats.delivered,
        "delivered_per_hour": round(stats.delivered / hours, 2),
        "failed_attempts": stats.failed_attempts,
        "dead_letters": stats.dead,
        "dead_letters_now": stats.dead_total,
        "queue_depth": stats.queue_depth,
        "oldest_waiting": stats.oldest_waiting.isoformat() if stats.oldest_waiting else None,
        "latency_seconds": {
            "median": _seconds(stats.latency(0.5)),
            "p95": _seconds(stats.latency(0.95)),
            "max": _seconds(max(stats.latencies) if stats.latencies else None),
        },
    }


@router.get("/routes/statistics")
def get_route_statistics(
    svc: ServicesDep,
    _caller: Reader,
    hours: Annotated[float, Query(gt=0, le=24 * 90, description="the window, back from now")] = 24,
) -> dict[str, Any]:
    """Per route over the last ``hours``: deliveries queued and delivered (and per hour), failed tries,
    dead letters, received → delivered latency (median, 95th percentile, max); and now: the queue
    depth, the oldest waiting delivery and the dead letters waiting for an operator."""
    now = svc.now()
    since = now - timedelta(hours=hours)
    with svc.reads.begin() as conn:
        held = queue.held_routes(conn)
        stats = route_statistics(conn, since, list(svc.routes.names))
    return {
        "since": since.isoformat(),
        "until": now.isoformat(),
        "hours": hours,
        "routes": [_route_row(s, svc, held, hours) for s in stats],
    }


class BulkReplayRequest(BaseModel):
    """The search (the filters of ``GET /messages``), then either ``dry_run`` or the confirmed ids."""

    msg_id: str | None = None
    conversation_id: str | None = None
    patient: str | None = None
    sender_her: str | None = None
    receiver_her: str | None = None
    type: str | None = None
    status: str | None = None
    direction: str | None = None
    source_id: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    dry_run: bool = Field(default=False, description="only name the messages a replay would re-run")
    confirm: list[str] = Field(default_factory=list, description="the ids the dry run named, confirmed")
    destinations: list[str] = Field(default_factory=list, description="route names; empty: all that match")

    def query(self) -> MessageQuery:
        fields = self.model_dump(exclude={"dry_run", "confirm", "destinations"})
        return MessageQuery(**fields)


def _outcome(o: Outcome) -> dict[str, Any]:
    return {"id": o.id, "status": o.status, "errors": o.errors}


def _dry_run(svc: Services, caller: Replayer, query: MessageQuery) -> dict[str, Any]:
    targets = bulk.find_targets(svc, query)
    patients = [t.patient for t in targets if t.patient]
    detail = {"query": asked(query), "total": len(targets), "dry_run": True}
    entry = Entry(Action.SEARCH, "/messages/replay", one_patient(None, patients), patients, detail=detail)
    record(svc, caller, entry)
    return {
        "dry_run": True,
        "total": len(targets),
        "max": bulk.MAX_BULK,
        "messages": [asdict(t) for t in targets],
    }


@router.post(
    "/messages/replay",
    status_code=202,
    responses={
        409: {"description": "the confirmed ids are not what the search finds now (replay.bulk-unconfirmed)"},
        422: {"description": "more than 100 messages (replay.bulk-too-many) or an unknown route"},
    },
)
async def post_bulk_replay(body: BulkReplayRequest, svc: ServicesDep, caller: Replayer) -> dict[str, Any]:
    """Reprocess every message a search finds, in two steps: ``dry_run`` names them (an outbound
    message leads to the inbound message it came from), then the same search with ``confirm`` (those
    ids) replays each from its original bytes as a new linked message. One audit row (``bulk-replay``)."""
    query = body.query()
    if body.dry_run:
        return await run_in_threadpool(_dry_run, svc, caller, query)
    result = await run_in_threadpool(bulk.bulk_replay, svc, caller, query, body.confirm, body.destinations)
    return {
        "dry_run": False,
        "total": len(result.targets),
        "messages": [asdict(t) for t in result.targets],
        "replays": [_outcome(o) for o in result.outcomes],
    }


@router.get("/test-messages")
def list_examples(_caller: Reader) -> dict[str, Any]:
    """The built-in test messages (synthetic patient, test HER-ids) a route can be sent."""
    return {
        "examples": [
            {"name": name, "title": e.title, "type": e.msg_type} for name, e in examples.EXAMPLES.items()
        ]
    }


class TestMessageRequest(BaseModel):
    route: str = Field(description="the route to send it through (and nowhere else)")
    example: str = Field(description="the name of a built-in example (GET /test-messages)")


@router.post("/test-messages", status_code=202, responses={422: {"description": "unknown route or example"}})
async def post_test_message(body: TestMessageRequest, svc: ServicesDep, caller: Replayer) -> Any:
    """Send a fresh copy of a built-in example through one route: translated to its format and
    delivered by its transport like any message, with no AppRec to anyone; audited (``test-message``)."""
    outcome = await run_in_threadpool(examples.send_example, svc, caller, body.route, body.example)
    return respond(outcome)
