"""The delivery worker: claims due deliveries under a lease, sends each, records every try, moves on.

One bad message or one dead receiver never stops the rest: each delivery is tried on its own, a
failure is rescheduled by the pure retry policy (``retry.next_attempt_at``) or dead-lettered, and
held routes (kill switch) are skipped. The same loop takes over received messages whose processing
died with its process, and runs the scheduled jobs (AppRec timeouts, alerts, retention) once across
all workers under a database lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from samband.gateway import apprec_answers, lineage, pipeline, receipts, retention
from samband.gateway.alerts.check import run_alerts
from samband.gateway.delivery.follow_up import run_follow_ups
from samband.gateway.delivery.retry import next_attempt_at
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt, Transport
from samband.gateway.delivery.transports.fhir_store import FhirStoreTransport
from samband.gateway.delivery.transports.registry import (
    FHIR_STORE,
    TRANSPORTS,
    TransportFactory,
    create_transport,
)
from samband.gateway.nhn.poller import NhnPoller
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import deliveries as queue
from samband.gateway.store import follow_ups
from samband.gateway.store import repository as repo
from samband.gateway.store.deliveries import Delivery, Outcome
from samband.gateway.store.jobs import run_job
from samband.gateway.store.repository import Status
from samband.kernel.errors import DeliveryError, DeliveryUnavailable, GatewayError, is_permanent
from samband.kernel.formats import Format

log = logging.getLogger(__name__)

CRASH_VARIABLE = "SAMBAND_TEST_DELIVERY_CRASH_AT"
"""Tests only: ``sent`` ends the process right after a transport took a message, before the outcome
(and the receiver's id for it) is recorded; the restarted worker sends it again."""
SEND_TRIES = 3  # the HTTP transports try a reset connection up to three times within one attempt
LEASE_SLACK_SECONDS = 5.0


def default_transports(svc: Services) -> dict[str, TransportFactory]:
    """The registry plus ``fhir-store``, which writes into this gateway's own store."""
    return {**TRANSPORTS, FHIR_STORE: lambda route: FhirStoreTransport(svc.engine)}


class DeliveryWorker:
    """One worker; run several (threads or processes) against PostgreSQL and none sends twice."""

    def __init__(
        self, svc: Services, transports: Mapping[str, TransportFactory] | None = None, name: str | None = None
    ) -> None:
        self.svc = svc
        self.transports = dict(transports) if transports is not None else default_transports(svc)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self._cache: dict[tuple[str, str, str | None], Transport] = {}
        self.stopping = threading.Event()
        self.lease = lease_for(svc)
        self._next_job_check: datetime | None = None
        self.nhn = NhnPoller.configured(svc, self.name)  # receiving through NHN's message service
        self.crash_at = os.environ.get(CRASH_VARIABLE)

    def run_once(self) -> int:
        """One pass: take over stalled messages, deliver what is due, run due jobs. Returns work done."""
        done = self.take_over()
        done += self.deliver_due()
        if self.nhn is not None:
            self.nhn.run_due()
        now, every = self.svc.now(), self.svc.settings.job_interval_seconds
        if self._next_job_check is None or now >= self._next_job_check:  # no lease traffic in between
            self._next_job_check = now + timedelta(seconds=every)
            run_job(self.svc, "apprec-timeouts", self.name, every, self._jobs)
            run_job(self.svc, "alerts", self.name, every, lambda: run_alerts(self.svc))
            run_job(self.svc, "delivery-follow-ups", self.name, every, self._follow_ups)
            if retention.configured(self.svc.settings):
                keep = self.svc.settings.retention_interval_seconds
                run_job(self.svc, "retention", self.name, keep, lambda: retention.prune_due(self.svc))
        return done

    def run_forever(self) -> None:
        """Poll until ``stopping`` is set; idle passes wait ``worker_poll_seconds``."""
        log.info("delivery worker %s started", self.name)
        while not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the loop must survive a database hiccup; it logs and polls again
                log.exception("worker pass failed")
                busy = 0
            if not busy:
                self.stopping.wait(self.svc.settings.worker_poll_seconds)

    def take_over(self) -> int:
        """Process received messages whose first processing never finished (the process died)."""
        s = self.svc.settings
        now = self.svc.now()
        with self.svc.reads.begin() as conn:  # most passes find nothing: no write lock for that
            if not repo.any_unprocessed(conn, now):
                return 0
        with self.svc.engine.begin() as conn:
            mids = repo.claim_unprocessed(
                conn,
                now,
                now + timedelta(seconds=s.processing_grace_seconds),
                s.worker_batch,
            )
        for mid in mids:
            try:
                pipeline.process(self.svc, mid)
            except Exception:
                log.exception("processing %s failed; it will be taken over again", mid)
        return len(mids)

    def deliver_due(self) -> int:
        s = self.svc.settings
        now = self.svc.now()
        with self.svc.engine.begin() as conn:
            held = queue.held_routes(conn) | {r.name for r in self.svc.routes if not r.enabled}
            claimed = queue.claim_due(conn, self.name, now, self.lease, s.worker_batch, held)
        for delivery in claimed:
            self.deliver(delivery)
        return len(claimed)

    def deliver(self, delivery: Delivery) -> None:
        """One try: record it, send, then record the outcome and move the delivery on."""
        with self.svc.engine.begin() as conn:
            attempt_no = queue.start_attempt(conn, delivery, self.name, self.svc.now(), self.lease)
            message = repo.get_message(conn, delivery.message_id)
            payload = repo.get_raw(conn, delivery.message_id) or b""
        if attempt_no is None or message is None:
            return
        route = self.route_for(delivery)
        request = DeliveryRequest(
            message_id=message.id,
            envelope=message.envelope(),
            payload=payload,
            content_type=message.content_type or "application/octet-stream",
            route=route,
            endpoint=delivery.endpoint,
            attempt=attempt_no,
            idempotency_key=delivery.id,
        )
        try:
            receipt = self.transport_for(route).send(request)
        except DeliveryError as error:
            self.failed(delivery, attempt_no, error)
        except GatewayError as error:
            self.failed(delivery, attempt_no, DeliveryUnavailable(str(error), code=error.code))
        except Exception as exc:  # a transport bug isolates this delivery; the rest keep flowing
            log.exception("transport %s crashed on delivery %s", route.transport, delivery.id)
            self.failed(
                delivery, attempt_no, DeliveryUnavailable(repr(exc), code="delivery.transport-crashed")
            )
        else:
            self.crash("sent")
            self.delivered(delivery, attempt_no, receipt)

    def delivered(self, delivery: Delivery, attempt_no: int, receipt: Receipt) -> None:
        svc = self.svc
        now = svc.now()
        detail = {
            "status_code": receipt.status_code,
            "remote_id": receipt.remote_id,
            "body": receipt.body_excerpt,
        }
        with svc.engine.begin() as conn:
            queue.finish_attempt(conn, delivery.id, attempt_no, now, Outcome.DELIVERED, detail=detail)
            if receipt.remote_id or receipt.follow_up_seconds:
                again = receipt.follow_up_seconds
                follow_ups.record_remote(
                    conn, delivery.id, receipt.remote_id, now + timedelta(seconds=again) if again else None
                )
            message = repo.get_message(conn, delivery.message_id)
            due = (
                apprec_answers.apprec_due(svc, now)
                if message and apprec_answers.expects_apprec(message)
                else None
            )
            repo.update_message(
                conn, delivery.message_id, now, status=Status.DELIVERED, completed_at=now, apprec_due_at=due
            )
            repo.add_event(
                conn,
                delivery.source_id,
                "delivery.delivered",
                now,
                route=delivery.route,
                attempt=attempt_no,
                delivery=delivery.id,
                **detail,
            )
            receipts.after_delivery(conn, svc, delivery.source_id)
            source = repo.get_message(conn, delivery.source_id)
        latency = (now - source.received_at).total_seconds() if source else None
        svc.metrics.delivered(message.msg_type if message else None, delivery.route, latency)

    def failed(self, delivery: Delivery, attempt_no: int, error: DeliveryError) -> None:
        svc = self.svc
        now = svc.now()
        retry_at = next_attempt_at(queue.schedule_of(delivery), attempt_no, error, now)
        outcome = Outcome.FAILED if retry_at else Outcome.REFUSED
        # ``refused``: the receiving system said no for good (not merely unreachable until the cap)
        detail: dict[str, Any] = {"detail": error.detail, "refused": is_permanent(error)}
        with svc.engine.begin() as conn:
            queue.finish_attempt(
                conn,
                delivery.id,
                attempt_no,
                now,
                outcome,
                error_code=error.code,
                detail=detail,
                next_attempt_at=retry_at,
            )
            kind = "delivery.retry" if retry_at else "delivery.dead"
            when = retry_at.isoformat() if retry_at else None
            repo.add_event(
                conn,
                delivery.source_id,
                kind,
                now,
                route=delivery.route,
                attempt=attempt_no,
                code=error.code,
                detail=error.detail,
                next_attempt_at=when,
            )
            if retry_at is None:
                repo.update_message(conn, delivery.message_id, now, status=Status.FAILED)
                receipts.after_delivery(conn, svc, delivery.source_id)
            sent = repo.get_message(conn, delivery.message_id)
        svc.metrics.failed(sent.msg_type if sent else None, delivery.route, error.code)
        if retry_at is None:
            svc.metrics.dead_lettered(delivery.route)

    def crash(self, step: str) -> None:
        if self.crash_at == step:
            log.critical("%s=%s: ending the process after that step", CRASH_VARIABLE, step)
            logging.shutdown()
            os._exit(70)

    def route_for(self, delivery: Delivery) -> Route:
        """The route as it is now, with the delivery's own transport and endpoint (replay overrides)."""
        try:
            route = self.svc.routes.get(delivery.route)
        except KeyError:
            route = Route(
                name=delivery.route,
                transport=delivery.transport,
                target_format=Format(delivery.target_format),
            )
        return replace(route, transport=delivery.transport, endpoint=delivery.endpoint)

    def transport_for(self, route: Route) -> Transport:
        key = (route.name, route.transport, route.endpoint)
        if key not in self._cache:
            self._cache[key] = create_transport(route, self.transports)
        return self._cache[key]

    def _follow_ups(self) -> None:
        def resolve(delivery: Delivery) -> tuple[Route, Transport]:
            route = self.route_for(delivery)
            return route, self.transport_for(route)

        run_follow_ups(self.svc, resolve, self.svc.settings.worker_batch)

    def _jobs(self) -> None:
        now = self.svc.now()
        with self.svc.engine.begin() as conn:
            apprec_answers.flag_overdue(conn, self.svc, now)
            lineage.release_overdue(conn, self.svc, now)


def lease_for(svc: Services) -> timedelta:
    """A claim outlives the longest possible try: a route's timeouts, times its quick retries, plus slack."""
    longest = max(((r.connect_timeout + r.timeout) * SEND_TRIES for r in svc.routes), default=0.0)
    return timedelta(seconds=max(svc.settings.lease_seconds, longest + LEASE_SLACK_SECONDS))


def start_worker_thread(worker: DeliveryWorker) -> threading.Thread:
    thread = threading.Thread(target=worker.run_forever, name=f"samband-worker-{worker.name}", daemon=True)
    thread.start()
    return thread
