"""The FastAPI application: ``create_app(settings)`` wires store, routes, metrics, routers and worker,
and composes the features (``samband.features.registry``): their settings, migrations, routers, jobs.

Nothing is created at import time; the settings object passed in is the only core configuration.
Coded ``GatewayError``s become JSON replies with the HTTP status of ``errors.REPLIES``. A request
body that does not validate is answered ``422`` with FastAPI's ``detail`` list (its ``input`` goes
back to the caller, made JSON-safe so the answer cannot fail); the log gets the method, path and
each error's location and type, never the body or its input.
Request bodies are bounded in size and time as they arrive (``gateway/bodies.py``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import DBAPIError

from samband import __version__
from samband.features.registry import ALERT_CONDITIONS, FEATURES, MIGRATIONS
from samband.gateway.access import Access
from samband.gateway.api import alerts, audit, console, fhir, health, inbound, messages, openapi, operations
from samband.gateway.api.fhir_wire import is_fhir_path
from samband.gateway.api.invalid import json_safe, refusals
from samband.gateway.api.replies import body_refused, coded_reply, refusal, store_unavailable_reply
from samband.gateway.audit import audit_refusal
from samband.gateway.bodies import BodyLimit, BodyRefused
from samband.gateway.delivery.worker import DeliveryWorker, start_worker_thread
from samband.gateway.runtime import Services, start_services
from samband.gateway.settings import Settings
from samband.kernel.errors import AccessRefused, GatewayError, reply_for

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "5"


def create_app(
    settings: Settings, services: Services | None = None, run_worker: bool | None = None
) -> FastAPI:
    """The gateway's HTTP app; with ``settings.worker_enabled`` it also runs the features' jobs and,
    unless ``run_worker`` is False (``serve --workers N``: worker processes do it), a delivery worker.
    Each feature's settings group is read here, so a bad one stops the start."""
    svc = services or start_services(settings, migrations=MIGRATIONS)
    svc.alert_conditions.update(ALERT_CONDITIONS)
    for feature in FEATURES.values():
        if feature.settings is not None:
            feature.settings()
    with_worker = settings.worker_enabled if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = DeliveryWorker(svc) if with_worker else None
        thread = start_worker_thread(worker) if worker else None
        app.state.worker = worker
        jobs = [f.job(svc) for f in FEATURES.values() if f.job] if settings.worker_enabled else []
        yield
        for job in jobs:
            job.stop()
        if worker and thread:
            worker.stopping.set()
            thread.join(timeout=10)

    app = FastAPIOffline(  # Swagger UI (/docs) and ReDoc (/redoc) from the package: no CDN, works offline
        static_url="/docs-assets",
        title="Samband",
        summary="PLO/ebXML, FHIR R4 and individual-plan gateway for municipal health and care",
        version=__version__,
        lifespan=lifespan,
    )
    app.state.services = svc
    app.state.access = Access(settings)
    for module in (inbound, messages, operations, fhir, health, audit, alerts, console):
        app.include_router(module.router)
    for feature in FEATURES.values():
        if feature.router is not None:
            app.include_router(feature.router)
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(AccessRefused, _access_refused)
    app.add_exception_handler(BodyRefused, body_refused)
    app.add_middleware(
        BodyLimit, refuse=refusal, max_bytes=settings.max_body_bytes,
        timeout_seconds=settings.body_timeout_seconds,
    )  # fmt: skip
    app.add_exception_handler(DBAPIError, _store_unavailable)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    openapi.install(app)
    return app


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """The coded errors (``gateway/api/invalid.py``; their input to the caller only, never the log):
    400 for parameters, 422 for a body; where and what kind to the log."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    places = ", ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))} ({e.get('type')})" for e in errors[:20])
    log.info("%s %s refused: %d invalid field(s): %s", request.method, request.url.path, len(errors), places)
    if is_fhir_path(request):
        return JSONResponse({"detail": json_safe(errors)}, status_code=422)
    status, answers = refusals(errors)
    return JSONResponse({"errors": answers}, status_code=status)


async def _gateway_error(request: Request, exc: Exception) -> Response:
    """The coded error with its HTTP status; a 503 says when to try again (``Retry-After``)."""
    assert isinstance(exc, GatewayError)
    status = reply_for(exc).http_status
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
    return coded_reply(request, exc, headers)


async def _access_refused(request: Request, exc: Exception) -> Response:
    """401 (who are you?) and 403 (not with your roles), with the challenge RFC 6750/9449 ask for;
    each refusal is in the audit trail (``login-refused``)."""
    assert isinstance(exc, AccessRefused)
    status = reply_for(exc).http_status
    svc: Services = request.app.state.services
    await run_in_threadpool(
        audit_refusal,
        svc,
        request,
        status,
        exc.code,
        actor=exc.actor,
        client_id=exc.client_id,
        reason=exc.detail,
    )
    access: Access = request.app.state.access
    headers = {"WWW-Authenticate": access.challenge(exc), "Cache-Control": "no-store"}
    return coded_reply(request, exc, headers)


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    """The store did not answer: nothing was accepted, so the sender must try again (503)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    log.error("store unavailable (%s)", type(cause).__name__)  # its text holds SQL and parameters
    return store_unavailable_reply(request, {"Retry-After": RETRY_AFTER_SECONDS})
