"""Deliveries and their attempts: enqueue, claim with a lease, record each try, reschedule, dead-letter.

Claims use ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite (one writer at a time,
``BEGIN IMMEDIATE``) a conditional UPDATE on the lease does the same. A claim is a lease with an
expiry, so a worker that dies mid-send loses nothing: the row is taken again once the lease ends.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, bindparam, func, or_, select, update

from samband.gateway.delivery.retry import DEFAULT_SCHEDULE, RetrySchedule
from samband.gateway.routing.routes import Route
from samband.gateway.store.repository import new_id
from samband.gateway.store.tables import deliveries, delivery_attempts, messages, route_switches


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) try
    DELIVERED = "delivered"
    DEAD = "dead"  # gave up: cap reached or the receiver refused for good


class Outcome(StrEnum):
    SENDING = "sending"  # the try started; a crash leaves it here until the next claim
    DELIVERED = "delivered"
    FAILED = "failed"  # transient, will be tried again
    REFUSED = "refused"  # permanent, or the last try: dead letter
    IN_DOUBT = "in-doubt"  # the worker died during the try; the receiver may have it


@dataclass(frozen=True)
class Delivery:
    id: str
    message_id: str
    source_id: str
    route: str
    transport: str
    endpoint: str | None
    target_format: str
    schedule: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime | None
    lease_owner: str | None
    lease_until: datetime | None
    last_error: dict[str, Any] | None
    created_at: datetime
    delivered_at: datetime | None
    remote_id: str | None = None
    remote_state: dict[str, Any] | None = None
    follow_up_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Delivery:
        return cls(**row._asdict())


def enqueue(
    conn: Connection,
    *,
    message_id: str,
    source_id: str,
    route: str,
    transport: str,
    endpoint: str | None,
    target_format: str,
    schedule: dict[str, Any],
    now: datetime,
) -> str:
    """Queue one outbound message for one destination, due now."""
    did = new_id()
    conn.execute(
        deliveries.insert().values(
            id=did,
            message_id=message_id,
            source_id=source_id,
            route=route,
            transport=transport,
            endpoint=endpoint,
            target_format=target_format,
            schedule=schedule,
            status=str(DeliveryStatus.PENDING),
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return did


def _due(now: datetime, held_routes: Collection[str]) -> list[Any]:
    clauses = [
        deliveries.c.status == str(DeliveryStatus.PENDING),
        deliveries.c.next_attempt_at <= now,
        or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now),
    ]
    if held_routes:
        clauses.append(deliveries.c.route.not_in(list(held_routes)))
    return clauses


def claim_due(
    conn: Connection, owner: str, now: datetime, lease: timedelta, limit: int, held_routes: Collection[str]
) -> list[Delivery]:
    """Lease up to ``limit`` due deliveries to ``owner``; no two workers ever get the same row."""
    candidates = (
        select(deliveries.c.id)
        .where(*_due(now, held_routes))
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = [did for (did,) in conn.execute(candidates)]
    if not ids:
        return []
    taken = conn.execute(
        update(deliveries)
        .where(deliveries.c.id.in_(ids), *_due(now, held_routes))  # still due: no one took it meanwhile
        .values(lease_owner=owner, lease_until=now + lease)
        .returning(*deliveries.c)
    )
    claimed = {row.id: Delivery.from_row(row) for row in taken}
    return [claimed[did] for did in ids if did in claimed]  # in the order they fell due


def start_attempt(
    conn: Connection, delivery: Delivery, worker: str, now: datetime, lease: timedelta
) -> int | None:
    """Renew the claim and record the try before it is made (a crash leaves a trace).

    Returns the try's number, or None when the claim ran out while earlier deliveries of the same
    batch were sent and another worker may hold it now: then this worker leaves it alone.
    """
    return start_attempts(conn, [delivery], worker, now, lease).get(delivery.id)


# built once: the batched statements only take parameters
_RENEW = (
    update(deliveries)
    .where(
        deliveries.c.id.in_(bindparam("ids", expanding=True)),
        deliveries.c.status == str(DeliveryStatus.PENDING),
        deliveries.c.lease_owner == bindparam("worker"),
        deliveries.c.lease_until > bindparam("now"),
    )
    .values(lease_until=bindparam("until"))
    .returning(deliveries.c.id)
)
_LOST = (
    update(delivery_attempts)
    .where(
        delivery_attempts.c.delivery_id.in_(bindparam("ids", expanding=True)),
        delivery_attempts.c.outcome == str(Outcome.SENDING),
    )
    .values(outcome=str(Outcome.IN_DOUBT), finished_at=bindparam("now"), error_code="worker.lost")
)
_COUNT = (
    update(deliveries).where(deliveries.c.id == bindparam("b_id")).values(attempts=bindparam("b_attempts"))
)


def start_attempts(
    conn: Connection, batch: Sequence[Delivery], worker: str, now: datetime, lease: timedelta
) -> dict[str, int]:
    """``start_attempt`` for every delivery of a claimed batch, with one statement of each kind.

    Returns the try's number of each delivery whose claim this worker still held (renewed now);
    the others are left alone."""
    if not batch:
        return {}
    ids = [d.id for d in batch]
    renewed = conn.execute(_RENEW, {"ids": ids, "worker": worker, "now": now, "until": now + lease})
    held = set(renewed.scalars())
    started = {d.id: d.attempts + 1 for d in batch if d.id in held}
    if not started:
        return {}
    conn.execute(_LOST, {"ids": list(started), "now": now})
    conn.execute(
        delivery_attempts.insert(),
        [
            {"delivery_id": did, "attempt_no": n, "worker": worker, "started_at": now,
             "outcome": str(Outcome.SENDING)}
            for did, n in started.items()
        ],
    )  # fmt: skip
    conn.execute(_COUNT, [{"b_id": did, "b_attempts": n} for did, n in started.items()])
    return started


def finish_attempt(
    conn: Connection,
    delivery_id: str,
    attempt_no: int,
    now: datetime,
    outcome: Outcome,
    *,
    error_code: str | None = None,
    detail: dict[str, Any] | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Close the try and move the delivery on: delivered, pending again at ``next_attempt_at``, or dead."""
    conn.execute(
        update(delivery_attempts)
        .where(delivery_attempts.c.delivery_id == delivery_id, delivery_attempts.c.attempt_no == attempt_no)
        .values(outcome=str(outcome), finished_at=now, error_code=error_code, detail=detail)
    )
    values: dict[str, Any] = {"lease_owner": None, "lease_until": None}
    if outcome is Outcome.DELIVERED:
        values.update(status=str(DeliveryStatus.DELIVERED), delivered_at=now, next_attempt_at=None)
    elif next_attempt_at is not None:
        values.update(next_attempt_at=next_attempt_at, last_error={"code": error_code, **(detail or {})})
    else:
        values.update(status=str(DeliveryStatus.DEAD), next_attempt_at=None)
        values["last_error"] = {"code": error_code, **(detail or {})}
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(**values))


_CLOSE = (
    update(delivery_attempts)
    .where(
        delivery_attempts.c.delivery_id == bindparam("b_id"),
        delivery_attempts.c.attempt_no == bindparam("b_attempt"),
    )
    .values(outcome=str(Outcome.DELIVERED), finished_at=bindparam("b_now"), error_code=None,
            detail=bindparam("b_detail"))
)  # fmt: skip
_DELIVERED = (
    update(deliveries)
    .where(deliveries.c.id == bindparam("b_id"))
    .values(lease_owner=None, lease_until=None, status=str(DeliveryStatus.DELIVERED),
            delivered_at=bindparam("b_now"), next_attempt_at=None)
)  # fmt: skip


def finish_delivered(
    conn: Connection, done: Sequence[tuple[str, int, dict[str, Any]]], now: datetime
) -> None:
    """``finish_attempt`` with outcome delivered for each (delivery id, try, detail), one statement of
    each kind for all of them."""
    if done:
        params = [{"b_id": did, "b_attempt": n, "b_now": now, "b_detail": detail} for did, n, detail in done]
        conn.execute(_CLOSE, params)
        conn.execute(_DELIVERED, params)


def for_source(conn: Connection, source_id: str) -> list[Delivery]:
    query = select(deliveries).where(deliveries.c.source_id == source_id).order_by(deliveries.c.created_at)
    return [Delivery.from_row(r) for r in conn.execute(query)]


def for_sources(conn: Connection, source_ids: list[str]) -> dict[str, list[Delivery]]:
    """``for_source`` of many sources with one query, by source id."""
    found: dict[str, list[Delivery]] = {sid: [] for sid in source_ids}
    if not source_ids:
        return found
    query = (
        select(deliveries)
        .where(deliveries.c.source_id.in_(sorted(set(source_ids))))
        .order_by(deliveries.c.created_at)
    )
    for row in conn.execute(query):
        found[row.source_id].append(Delivery.from_row(row))
    return found


def attempts_of(conn: Connection, delivery_id: str) -> list[dict[str, Any]]:
    query = (
        select(delivery_attempts)
        .where(delivery_attempts.c.delivery_id == delivery_id)
        .order_by(delivery_attempts.c.attempt_no)
    )
    return [
        {
            "attempt": r.attempt_no,
            "worker": r.worker,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "outcome": r.outcome,
            "error_code": r.error_code,
            "detail": r.detail,
        }
        for r in conn.execute(query)
    ]


def held_routes(conn: Connection) -> set[str]:
    """Routes whose kill switch an operator turned off at run time."""
    query = select(route_switches.c.route).where(route_switches.c.enabled.is_(False))
    return {name for (name,) in conn.execute(query)}


def set_route_enabled(conn: Connection, route: str, enabled: bool, actor: str, now: datetime) -> None:
    """Flip a route's kill switch; held deliveries wait (they are neither tried nor dead-lettered)."""
    exists = conn.execute(select(route_switches.c.route).where(route_switches.c.route == route)).first()
    values = {"enabled": enabled, "changed_at": now, "changed_by": actor}
    if exists:
        conn.execute(update(route_switches).where(route_switches.c.route == route).values(**values))
    else:
        conn.execute(route_switches.insert().values(route=route, **values))


def schedule_data(route: Route) -> dict[str, Any]:
    """The route's retry schedule as stored on the delivery, so a later route-file change can't strand it."""
    return {
        "delays": [d.total_seconds() for d in route.retry.delays],
        "max_attempts": route.retry.max_attempts,
    }


def schedule_of(delivery: Delivery) -> RetrySchedule:
    data = delivery.schedule or {}
    if not data.get("delays"):
        return DEFAULT_SCHEDULE
    delays = tuple(timedelta(seconds=float(s)) for s in data["delays"])
    return RetrySchedule(delays, int(data.get("max_attempts", DEFAULT_SCHEDULE.max_attempts)))


def still_failing(queued_before: datetime) -> ColumnElement[bool]:
    """Deliveries queued before ``queued_before``, tried, and still not delivered (nor given up)."""
    return and_(
        deliveries.c.status == str(DeliveryStatus.PENDING),
        deliveries.c.attempts > 0,
        deliveries.c.created_at < queued_before,
    )


def queue_stats(conn: Connection, now: datetime) -> tuple[int, datetime | None, int, int]:
    """(undelivered count, oldest undelivered creation time, still failing after one hour, dead)."""
    pending = deliveries.c.status == str(DeliveryStatus.PENDING)
    count, oldest = conn.execute(select(func.count(), func.min(deliveries.c.created_at)).where(pending)).one()
    stale = conn.execute(select(func.count()).where(still_failing(now - timedelta(hours=1)))).scalar_one()
    dead = conn.execute(
        select(func.count()).where(deliveries.c.status == str(DeliveryStatus.DEAD))
    ).scalar_one()
    return int(count), oldest, int(stale), int(dead)


def backlog(conn: Connection) -> int:
    """Work accepted and not yet done: deliveries waiting, and received messages not yet processed."""
    waiting = select(func.count()).where(deliveries.c.status == str(DeliveryStatus.PENDING))
    unprocessed = select(func.count()).where(
        messages.c.status == "received", messages.c.direction == "inbound"
    )
    return int(conn.execute(waiting).scalar_one()) + int(conn.execute(unprocessed).scalar_one())


def for_message(conn: Connection, message_id: str) -> list[Delivery]:
    """Deliveries of one outbound message (an AppRec or a translation)."""
    query = select(deliveries).where(deliveries.c.message_id == message_id).order_by(deliveries.c.created_at)
    return [Delivery.from_row(r) for r in conn.execute(query)]


def delivery_summary(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "message_id": d.message_id,
        "route": d.route,
        "transport": d.transport,
        "endpoint": d.endpoint,
        "target_format": d.target_format,
        "status": d.status,
        "attempts_made": d.attempts,
        "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
        "last_error": d.last_error,
        "remote_id": d.remote_id,
        "delivered_at": d.delivered_at.isoformat() if d.delivered_at else None,
    }
