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
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from samband.gateway import apprec_answers, lineage, pipeline, receipts, retention, stages
from samband.gateway.alerts.check import run_alerts
from samband.gateway.delivery.follow_up import run_follow_ups
from samband.gateway.delivery.retry import next_attempt_at
from samband.gateway.delivery.transports.base import DeliveryRequest, InStoreTransport, Receipt, Transport
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
from samband.gateway.store.repository import Status, StoredMessage
from samband.kernel.errors import DeliveryError, DeliveryUnavailable, GatewayError, is_permanent
from samband.kernel.formats import Format

log = logging.getLogger(__name__)

CRASH_VARIABLE = "SAMBAND_TEST_DELIVERY_CRASH_AT"
"""Tests only: ``sent`` ends the process right after a transport took a message, before the outcome
(and the receiver's id for it) is recorded; the restarted worker sends it again. For a batch into
the gateway's own store, ``sent`` ends it after the batch was written and ``settled`` after every
outcome was recorded, both before the one commit of both: nothing of the batch stays, and the
restarted worker stores it again."""
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
            loaded = stages.load_passes_in(conn, mids)  # the batch read in one query
        for mid in mids:
            try:
                pipeline.process(self.svc, mid, loaded.get(mid))
            except Exception:
                log.exception("processing %s failed; it will be taken over again", mid)
        return len(mids)

    def deliver_due(self) -> int:
        """Claim due deliveries; those into the gateway's own store go as one batch, the rest one by one."""
        s = self.svc.settings
        now = self.svc.now()
        with self.svc.engine.begin() as conn:
            held = queue.held_routes(conn) | {r.name for r in self.svc.routes if not r.enabled}
            claimed = queue.claim_due(conn, self.name, now, self.lease, s.worker_batch, held)
        batches: dict[int, tuple[InStoreTransport, list[Delivery]]] = {}
        one_by_one: list[Delivery] = []
        for delivery in claimed:
            transport = self._in_store(delivery)
            if transport is None:
                one_by_one.append(delivery)
            else:
                batches.setdefault(id(transport), (transport, []))[1].append(delivery)
        for transport, batch in batches.values():
            self.deliver_in_store(transport, batch)
        for delivery in one_by_one:
            self.deliver(delivery)
        return len(claimed)

    def _in_store(self, delivery: Delivery) -> InStoreTransport | None:
        """The delivery's transport when it writes into the gateway's own store (sent in batches)."""
        try:
            transport = self.transport_for(self.route_for(delivery))
        except GatewayError:  # an unknown transport: ``deliver`` records it as the try's failure
            return None
        return transport if isinstance(transport, InStoreTransport) else None

    def deliver(self, delivery: Delivery) -> None:
        """One try: record it, send, then record the outcome and move the delivery on."""
        with self.svc.engine.begin() as conn:
            attempt_no = queue.start_attempt(conn, delivery, self.name, self.svc.now(), self.lease)
            known = repo.get_messages(conn, (delivery.message_id, delivery.source_id))
            payload = repo.get_raw(conn, delivery.message_id) or b""
        message = known.get(delivery.message_id)
        if attempt_no is None or message is None:
            return
        route = self.route_for(delivery)
        request = self.request(delivery, route, message, payload, attempt_no)
        try:
            outcome: Receipt | Exception = self.transport_for(route).send(request)
        except Exception as exc:
            outcome = exc
        else:
            self.crash("sent")
        with self.svc.engine.begin() as conn:
            recorded = self.settle(conn, [(delivery, attempt_no, outcome)], known)
        recorded()

    def deliver_in_store(self, transport: InStoreTransport, batch: list[Delivery]) -> None:
        """A batch into the gateway's own store: every try started in one transaction, then every
        send and every outcome in one more, so what was stored and its record commit together.
        Should that fail as a whole, each delivery is tried again on its own (its try already started)."""
        svc = self.svc
        with svc.engine.begin() as conn:
            started = queue.start_attempts(conn, batch, self.name, svc.now(), self.lease)
            mine = [d for d in batch if d.id in started]
            known = repo.get_messages(conn, {d.message_id for d in mine} | {d.source_id for d in mine})
            payloads = repo.get_raws(conn, [d.message_id for d in mine if d.message_id in known])
        tries = [
            (d, started[d.id], self.request(d, self.route_for(d), known[d.message_id],
                                            payloads.get(d.message_id, b""), started[d.id]))
            for d in mine
            if d.message_id in known
        ]  # fmt: skip
        try:
            self._store(transport, tries, known)
        except Exception:
            if len(tries) == 1:
                raise
            log.exception("storing a batch of %d deliveries failed; each is tried on its own", len(tries))
            for one in tries:
                try:
                    self._store(transport, [one], known)
                except Exception:  # left as it is: taken again (in doubt) once its claim runs out
                    log.exception("delivery %s failed; it is taken again after its lease", one[0].id)

    def _store(
        self,
        transport: InStoreTransport,
        tries: list[tuple[Delivery, int, DeliveryRequest]],
        known: Mapping[str, StoredMessage],
    ) -> None:
        with self.svc.engine.begin() as conn:
            outcomes = transport.send_batch(conn, [request for _d, _n, request in tries])
            self.crash("sent")
            recorded = self.settle(
                conn, [(d, n, outcome) for (d, n, _r), outcome in zip(tries, outcomes, strict=True)], known
            )
            self.crash("settled")
        recorded()

    @staticmethod
    def request(
        delivery: Delivery, route: Route, message: StoredMessage, payload: bytes, attempt_no: int
    ) -> DeliveryRequest:
        return DeliveryRequest(
            message_id=message.id,
            envelope=message.envelope(),
            payload=payload,
            content_type=message.content_type or "application/octet-stream",
            route=route,
            endpoint=delivery.endpoint,
            attempt=attempt_no,
            idempotency_key=delivery.id,
        )

    def settle(
        self,
        conn: Connection,
        outcomes: list[tuple[Delivery, int, Receipt | Exception]],
        known: Mapping[str, StoredMessage],
    ) -> Callable[[], None]:
        """Record the outcome of each try (failures first, each on its own; then every delivered one
        with one statement of each kind); returns what to count in the metrics once committed."""
        counts: list[Callable[[], None]] = []
        delivered: list[tuple[Delivery, int, Receipt]] = []
        for delivery, attempt_no, outcome in outcomes:
            if isinstance(outcome, Receipt):
                delivered.append((delivery, attempt_no, outcome))
            else:
                error = self.delivery_error(delivery, outcome)
                counts.append(self.failed(conn, delivery, attempt_no, error, known))
        if delivered:
            counts.append(self.delivered(conn, delivered, known))

        def count_all() -> None:
            for count in counts:
                count()

        return count_all

    def delivery_error(self, delivery: Delivery, exc: Exception) -> DeliveryError:
        """What a transport raised, as the try's error: a transport bug isolates this delivery."""
        if isinstance(exc, DeliveryError):
            return exc
        if isinstance(exc, GatewayError):
            return DeliveryUnavailable(str(exc), code=exc.code)
        log.error("transport %s crashed on delivery %s", delivery.transport, delivery.id, exc_info=exc)
        return DeliveryUnavailable(repr(exc), code="delivery.transport-crashed")

    def delivered(
        self,
        conn: Connection,
        done: list[tuple[Delivery, int, Receipt]],
        known: Mapping[str, StoredMessage],
    ) -> Callable[[], None]:
        svc = self.svc
        now = svc.now()
        details = {
            delivery.id: {
                "status_code": receipt.status_code,
                "remote_id": receipt.remote_id,
                "body": receipt.body_excerpt,
            }
            for delivery, _n, receipt in done
        }
        queue.finish_delivered(conn, [(d.id, n, details[d.id]) for d, n, _r in done], now)
        for delivery, _n, receipt in done:
            if receipt.remote_id or receipt.follow_up_seconds:
                again = receipt.follow_up_seconds
                follow_ups.record_remote(
                    conn, delivery.id, receipt.remote_id, now + timedelta(seconds=again) if again else None
                )
        due = apprec_answers.apprec_due(svc, now)
        repo.mark_delivered(
            conn,
            {
                d.message_id: due
                if (m := known.get(d.message_id)) and apprec_answers.expects_apprec(m)
                else None
                for d, _n, _r in done
            },
            now,
        )
        repo.add_events(
            conn,
            [
                repo.event_values(d.source_id, "delivery.delivered", now,
                                  route=d.route, attempt=n, delivery=d.id, **details[d.id])
                for d, n, _r in done
            ],
        )  # fmt: skip
        receipts.after_deliveries(conn, svc, [d.source_id for d, _n, _r in done])

        def count() -> None:
            for delivery, _n, _r in done:
                message, source = known.get(delivery.message_id), known.get(delivery.source_id)
                latency = (now - source.received_at).total_seconds() if source else None
                svc.metrics.delivered(message.msg_type if message else None, delivery.route, latency)

        return count

    def failed(
        self,
        conn: Connection,
        delivery: Delivery,
        attempt_no: int,
        error: DeliveryError,
        known: Mapping[str, StoredMessage],
    ) -> Callable[[], None]:
        svc = self.svc
        now = svc.now()
        retry_at = next_attempt_at(queue.schedule_of(delivery), attempt_no, error, now)
        outcome = Outcome.FAILED if retry_at else Outcome.REFUSED
        # ``refused``: the receiving system said no for good (not merely unreachable until the cap)
        detail: dict[str, Any] = {"detail": error.detail, "refused": is_permanent(error)}
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
        sent = known.get(delivery.message_id)

        def count() -> None:
            svc.metrics.failed(sent.msg_type if sent else None, delivery.route, error.code)
            if retry_at is None:
                svc.metrics.dead_lettered(delivery.route)

        return count

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
