"""The follow-up job: ask receivers about messages they took until the message is answered.

Runs once across all workers (a job lease, ``store/jobs.py``). Each due delivery (``store/
follow_ups.py``) is claimed for a lease, then its transport is asked (``FollowingTransport.
follow_up``). What the receiver says now goes on the timeline when it changed
(``delivery.remote-status``). A document it sent back (the receiver's AppRec) is received through
the spine like any incoming message, store first, so ``apprec_answers.record_incoming`` links it
and sets the sent message's status exactly as for an AppRec that came any other way; only then is
it marked taken at the receiver. The follow-up ends after the first ask that finds the sent message
waiting for no AppRec any more (answered, or flagged overdue by the AppRec-timeout job) with every
document it brought taken; a failure before that (the mark as read, say) leaves it due, and the
next ask takes the same AppRec again, which the spine's dedup receives once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from samband.gateway import pipeline
from samband.gateway.delivery.transports.base import FollowingTransport, FollowUp, FollowUpRequest, Transport
from samband.gateway.nhn.failures import record_failure
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import repository as repo
from samband.gateway.store.deliveries import Delivery
from samband.gateway.store.follow_ups import claim_follow_ups, follow_up_done
from samband.kernel.errors import GatewayError

log = logging.getLogger(__name__)

Resolver = Callable[[Delivery], tuple[Route, Transport]]


def run_follow_ups(svc: Services, resolve: Resolver, limit: int) -> int:
    """Follow up every due delivery (at most ``limit``); returns how many were asked about."""
    now = svc.now()
    with svc.engine.begin() as conn:
        due = claim_follow_ups(conn, now, now + timedelta(seconds=svc.settings.lease_seconds), limit)
    for delivery in due:
        try:
            follow_up(svc, delivery, *resolve(delivery))
        except Exception:  # one receiver's trouble never stops the others; it stays due
            log.exception("following up delivery %s failed; it is asked again later", delivery.id)
    return len(due)


def follow_up(svc: Services, delivery: Delivery, route: Route, transport: Transport) -> None:
    """Ask once about one delivery and record what the receiver said and sent back."""
    with svc.engine.begin() as conn:
        message = repo.get_message(conn, delivery.message_id)
    if message is None or delivery.remote_id is None or not isinstance(transport, FollowingTransport):
        with svc.engine.begin() as conn:
            follow_up_done(conn, delivery.id, delivery.remote_state, None)
        return
    try:
        found = transport.follow_up(FollowUpRequest(delivery.remote_id, message.envelope(), route))
        for incoming in found.incoming:
            pipeline.receive(svc, incoming.content, incoming.content_type)  # stored before it is taken
            incoming.taken()
    except GatewayError as error:  # asked again later; the service failing raises its alert
        record_failure(svc, f"following up delivery {delivery.id}", error, route=delivery.route)
        return
    record(svc, delivery, found, svc.now())


def record(svc: Services, delivery: Delivery, found: FollowUp, now: datetime) -> None:
    """The receiver's state on the timeline when it changed; the next ask, or none once answered."""
    state = dict(found.state)
    with svc.engine.begin() as conn:
        if state != (delivery.remote_state or {}):
            for mid in dict.fromkeys((delivery.source_id, delivery.message_id)):
                repo.add_event(
                    conn,
                    mid,
                    "delivery.remote-status",
                    now,
                    route=delivery.route,
                    delivery=delivery.id,
                    remote_id=delivery.remote_id,
                    receivers=state,
                )
        message = repo.get_message(conn, delivery.message_id)
        answered = found.finished or message is None or message.apprec_due_at is None
        next_at = None if answered else now + timedelta(seconds=found.again_seconds)
        follow_up_done(conn, delivery.id, state, next_at)
