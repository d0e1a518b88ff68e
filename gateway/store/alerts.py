"""What the alert conditions read, and the alerts raised: ``alerts`` (each one, per channel, with
its outcome) and ``alert_state`` (when a condition last went out on a channel).

The conditions read what the gateway already records (``gateway/alerts/conditions.py`` names them):
dead deliveries and their last try, deliveries still failing, the ``apprec.overdue`` events of the
AppRec job, and the error codes of failed delivery tries. Items carry ids, routes and codes, never
a patient's identity: an alert leaves the gateway by webhook or e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update

from samband.gateway.store.deliveries import DeliveryStatus, Outcome, still_failing
from samband.gateway.store.repository import Direction, Status
from samband.gateway.store.tables import (
    alert_state,
    alerts,
    deliveries,
    delivery_attempts,
    events,
    messages,
    nhn_inbound_failures,
)

ITEMS = 10
"""Examples one alert carries (its count covers all)."""
MAX_LIMIT = 500


@dataclass(frozen=True)
class Found:
    """How many match a condition, and the newest few of them."""

    count: int
    items: list[dict[str, Any]] = field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def dead_letters(conn: Connection, since: datetime | None) -> Found:
    """Deliveries given up (their last try refused, or the cap reached) after ``since``."""
    died = and_(
        delivery_attempts.c.delivery_id == deliveries.c.id,
        delivery_attempts.c.outcome == str(Outcome.REFUSED),
        deliveries.c.status == str(DeliveryStatus.DEAD),
        *([delivery_attempts.c.finished_at > since] if since else []),
    )
    count = conn.execute(select(func.count()).select_from(delivery_attempts, deliveries).where(died))
    rows = conn.execute(
        select(
            deliveries.c.id,
            deliveries.c.message_id,
            deliveries.c.source_id,
            deliveries.c.route,
            delivery_attempts.c.error_code,
            delivery_attempts.c.finished_at,
        )
        .where(died)
        .order_by(delivery_attempts.c.finished_at.desc())
        .limit(ITEMS)
    )
    items = [
        {
            "delivery": r.id,
            "message": r.message_id,
            "source": r.source_id,
            "route": r.route,
            "code": r.error_code,
            "at": _iso(r.finished_at),
        }
        for r in rows
    ]
    return Found(int(count.scalar_one()), items)


def failing(conn: Connection, queued_before: datetime) -> Found:
    """Deliveries queued before ``queued_before`` that are still being retried."""
    where = still_failing(queued_before)
    count = conn.execute(select(func.count()).where(where)).scalar_one()
    rows = conn.execute(select(deliveries).where(where).order_by(deliveries.c.created_at).limit(ITEMS))
    items = [
        {
            "delivery": r.id,
            "message": r.message_id,
            "source": r.source_id,
            "route": r.route,
            "attempts": r.attempts,
            "code": (r.last_error or {}).get("code"),
            "queued_at": _iso(r.created_at),
            "next_attempt_at": _iso(r.next_attempt_at),
        }
        for r in rows
    ]
    return Found(int(count), items)


def apprecs_overdue(conn: Connection, since: datetime | None) -> Found:
    """Sent messages the AppRec job flagged (``apprec.overdue``) after ``since`` and still without one."""
    where = and_(
        events.c.message_id == messages.c.id,
        events.c.kind == "apprec.overdue",
        messages.c.direction == str(Direction.OUTBOUND),
        messages.c.status == str(Status.DELIVERED),
        *([events.c.at > since] if since else []),
    )
    count = conn.execute(select(func.count()).select_from(events, messages).where(where)).scalar_one()
    rows = conn.execute(
        select(
            messages.c.id,
            messages.c.msg_id,
            messages.c.msg_type,
            messages.c.route,
            messages.c.receiver_her,
            events.c.at,
        )
        .where(where)
        .order_by(events.c.at.desc())
        .limit(ITEMS)
    )
    items = [
        {
            "message": r.id,
            "msg_id": r.msg_id,
            "type": r.msg_type,
            "route": r.route,
            "receiver_her": r.receiver_her,
            "flagged_at": _iso(r.at),
        }
        for r in rows
    ]
    return Found(int(count), items)


def failed_tries(conn: Connection, since: datetime, prefixes: Sequence[str]) -> Found:
    """Delivery tries finished after ``since`` that failed with a code starting with one of
    ``prefixes`` (``registry.``, ``nhn-msh.``): per route and code, how many and the last."""
    where = and_(
        delivery_attempts.c.delivery_id == deliveries.c.id,
        delivery_attempts.c.finished_at > since,
        delivery_attempts.c.outcome.in_([str(Outcome.FAILED), str(Outcome.REFUSED)]),
        or_(*(delivery_attempts.c.error_code.startswith(p, autoescape=True) for p in prefixes)),
    )
    rows = conn.execute(
        select(
            deliveries.c.route,
            delivery_attempts.c.error_code,
            func.count().label("tries"),
            func.max(delivery_attempts.c.finished_at).label("last"),
        )
        .select_from(delivery_attempts, deliveries)
        .where(where)
        .group_by(deliveries.c.route, delivery_attempts.c.error_code)
        .order_by(func.max(delivery_attempts.c.finished_at).desc())
    ).all()
    items = [
        {"route": r.route, "code": r.error_code, "tries": int(r.tries), "last": _iso(r.last)} for r in rows
    ]
    return Found(sum(int(r.tries) for r in rows), items[:ITEMS])


def failed_looks(conn: Connection, since: datetime, prefixes: Sequence[str]) -> Found:
    """The NHN requests outside delivery tries that failed after ``since`` with a code starting with
    one of ``prefixes`` (the poller's, and the follow-up's or the Adresseregister's kept as
    ``route <name>: <request>``): per request and code, how many and the last.
    ``route`` is the delivery's route for a follow-up, ``nhn-inbound`` for the poller, so they read
    like failed delivery tries."""
    failures = nhn_inbound_failures.c
    rows = conn.execute(
        select(
            failures.operation,
            failures.code,
            func.count().label("tries"),
            func.max(failures.at).label("last"),
        )
        .where(failures.at > since, or_(*(failures.code.startswith(p, autoescape=True) for p in prefixes)))
        .group_by(failures.operation, failures.code)
        .order_by(func.max(failures.at).desc())
    ).all()
    items = [
        {
            **_route_of(r.operation),
            "code": r.code,
            "tries": int(r.tries),
            "last": _iso(r.last),
        }
        for r in rows
    ]
    return Found(sum(int(r.tries) for r in rows), items[:ITEMS])


def _route_of(operation: str) -> dict[str, str]:
    route, _, request = operation.partition(": ")
    if operation.startswith("route ") and request:
        return {"route": route.removeprefix("route "), "operation": request}
    return {"route": "nhn-inbound", "operation": operation}


def joined(*found: Found) -> Found:
    """Several findings of one condition as one (the newest items first)."""
    items = sorted((i for f in found for i in f.items), key=lambda i: str(i.get("last") or ""), reverse=True)
    return Found(sum(f.count for f in found), items[:ITEMS])


def last_sent(conn: Connection, condition: str, channel: str) -> datetime | None:
    """When ``condition`` last went out on ``channel`` (None: never)."""
    query = select(alert_state.c.sent_at).where(
        alert_state.c.condition == condition, alert_state.c.channel == channel
    )
    return conn.execute(query).scalar_one_or_none()


def mark_sent(conn: Connection, condition: str, channel: str, at: datetime) -> None:
    done = conn.execute(
        update(alert_state)
        .where(alert_state.c.condition == condition, alert_state.c.channel == channel)
        .values(sent_at=at)
    )
    if done.rowcount == 0:
        conn.execute(alert_state.insert().values(condition=condition, channel=channel, sent_at=at))


@dataclass(frozen=True)
class Raised:
    """One alert on one channel, as recorded."""

    at: datetime
    condition: str
    channel: str
    count: int
    summary: str
    detail: dict[str, Any]
    outcome: str  # sent | failed | recorded
    error: dict[str, Any] | None = None


def record(conn: Connection, alert: Raised) -> int:
    values = {name: getattr(alert, name) for name in Raised.__dataclass_fields__}
    key = conn.execute(alerts.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def search(
    conn: Connection, condition: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """Alerts raised, newest first, optionally of one condition."""
    where = [alerts.c.condition == condition] if condition else []
    total = conn.execute(select(func.count()).select_from(alerts).where(*where)).scalar_one()
    rows = conn.execute(
        select(alerts)
        .where(*where)
        .order_by(alerts.c.at.desc(), alerts.c.id.desc())
        .limit(min(limit, MAX_LIMIT))
        .offset(offset)
    )
    items = [{**r._asdict(), "at": r.at.isoformat()} for r in rows]
    return int(total), items


def failed_since(conn: Connection, condition: str, channel: str, since: datetime) -> bool:
    """Whether a failed send of ``condition`` on ``channel`` was recorded after ``since``."""
    query = select(alerts.c.id).where(
        alerts.c.condition == condition,
        alerts.c.channel == channel,
        alerts.c.outcome == "failed",
        alerts.c.at > since,
    )
    return conn.execute(query.limit(1)).first() is not None
