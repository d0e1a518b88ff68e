"""Liveness, Prometheus metrics, and the routes with their run-time kill switches and their history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse, Response

from samband.adapters.xml.official import check
from samband.gateway.audit import record_in
from samband.gateway.delivery.transports.registry import carried_by, transport_names
from samband.gateway.deps import Admin, Reader, ServicesDep
from samband.gateway.metrics import render_metrics
from samband.gateway.routing.routes import DEFAULT_OUTBOX, OUTBOX_ROUTE
from samband.gateway.routing.table import DEFAULT_ROUTES
from samband.gateway.runtime import Services
from samband.gateway.store import audit as trail
from samband.gateway.store import deliveries as queue
from samband.gateway.store.audit import Action, Entry
from samband.gateway.store.db import ping
from samband.kernel.errors import RouteConflict
from samband.kernel.formats import ROUTE_TARGETS

router = APIRouter(tags=["operations"])


@router.get("/healthz", responses={503: {"description": "unhealthy: the configuration problems"}})
def healthz(svc: ServicesDep) -> JSONResponse:
    """Health: the process answers, the store does too, and the configuration is complete (the
    official XSDs installed as pinned); else 503 with each problem (no credentials needed)."""
    ping(svc.engine)
    body: dict[str, Any] = {"status": "ok", "database": svc.engine.dialect.name, "routes": len(svc.routes)}
    problem = check().problem()
    if problem is None:
        return JSONResponse(body)
    body.update(status="unhealthy", problems=[problem.as_dict()])
    return JSONResponse(body, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)


@router.get("/metrics")
def metrics(svc: ServicesDep, _caller: Reader) -> Response:
    """Prometheus text format: throughput, latency, queue depth, oldest undelivered, long failures."""
    body, content_type = render_metrics(svc.metrics)
    return Response(body, media_type=content_type)


@router.get("/routes")
def list_routes(svc: ServicesDep, _caller: Reader) -> dict[str, Any]:
    """The route table in force, which routes are held by their kill switch, and every hold and
    release of each (``history``, oldest first: when, by whom, the state it left); ``carries`` and
    ``transports``: the target formats each route's transport, and each transport, can carry;
    ``defaults``: with no route file, the outbox folder the built-in ``outbox`` route writes to."""
    with svc.reads.begin() as conn:
        held = queue.held_routes(conn)
        history = trail.route_history(conn, svc.routes.names)
    return {
        "source": svc.routes.source,
        "routes": [
            {
                "name": r.name,
                "transport": r.transport,
                "endpoint": r.endpoint,
                "target_format": str(r.target_format),
                "carries": _carried(r.transport),
                "enabled": r.enabled and r.name not in held,
                "history": history.get(r.name, []),
            }
            for r in svc.routes
        ],
        "transports": {name: _carried(name) for name in sorted(transport_names())},
        "defaults": _defaults(svc),
    }


def _defaults(svc: Services) -> dict[str, str] | None:
    """With no route file: where the built-in ``outbox`` route writes what the gateway composes."""
    if svc.routes.source != DEFAULT_ROUTES.source:
        return None
    return {
        "outbox_route": OUTBOX_ROUTE.name,
        "outbox": DEFAULT_OUTBOX,
        "folder": str(Path(DEFAULT_OUTBOX).resolve()),
    }


def _carried(transport: str) -> list[str]:
    """The route target formats ``transport`` can carry (the transport registry's ``CARRIES``)."""
    return [str(f) for f in carried_by(transport) or ROUTE_TARGETS]


@router.post(
    "/routes/{name}/{switch}",
    responses={409: {"description": "the route file disables the route: release cannot start it"}},
)
def switch_route(name: str, switch: str, svc: ServicesDep, caller: Admin) -> dict[str, Any]:
    """Kill switch: ``hold`` stops tries on a route (nothing is dead-lettered), ``release`` resumes.
    Each switch is kept in the route's history and the audit trail (``route-hold``, ``route-release``).
    A route the route file disables (``enabled: false``) cannot be released at run time: ``409``
    ``route.held-by-file``, and nothing changes."""
    if name not in svc.routes.names or switch not in {"hold", "release"}:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail={"code": "route.not-found", "detail": f"no route {name}/{switch}"},
        )
    if switch == "release" and not svc.routes.get(name).enabled:
        raise RouteConflict(
            f"route {name} is disabled in the route file ({svc.routes.source}); release it there and restart",
            code="route.held-by-file",
            where=name,
            expected="a route the route file enables",
            received="enabled: false",
        )
    now = svc.now()
    action = Action.ROUTE_RELEASE if switch == "release" else Action.ROUTE_HOLD
    with svc.engine.begin() as conn:
        queue.set_route_enabled(conn, name, switch == "release", caller.actor, now)
        record_in(conn, now, caller, Entry(action, target=name))
    return {"route": name, "enabled": switch == "release", "by": caller.actor}
