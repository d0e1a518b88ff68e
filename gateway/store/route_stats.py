"""Per-route statistics over a time window: throughput, failures, latency and queue depth, read from
the deliveries and their attempts (what the worker actually did, not what the metrics counted since
the process started).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, select

from samband.gateway.store.deliveries import DeliveryStatus
from samband.gateway.store.tables import deliveries, delivery_attempts, messages

FAILED_ATTEMPTS = ("failed", "refused", "in-doubt")
"""Attempt outcomes that count as failures (``delivery_attempts.outcome``)."""


@dataclass
class RouteStats:
    """One route in the window ``[since, now)``; latency is received → delivered, in seconds."""

    route: str
    queued: int = 0  # deliveries created in the window
    delivered: int = 0  # deliveries that succeeded in the window
    failed_attempts: int = 0  # tries that failed in the window (retried or not)
    dead: int = 0  # dead letters created in the window
    queue_depth: int = 0  # waiting or retrying now, whenever they were created
    dead_total: int = 0  # dead letters now, whenever they were created
    oldest_waiting: datetime | None = None
    latencies: list[float] = field(default_factory=list)

    def latency(self, share: float) -> float | None:
        """The latency below which ``share`` (0–1) of the window's deliveries fall (nearest rank)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
        return ordered[rank]


def _created(conn: Connection, since: datetime, found: dict[str, RouteStats]) -> None:
    c = deliveries.c
    query = select(c.route, c.status, func.count()).where(c.created_at >= since).group_by(c.route, c.status)
    for route, status, n in conn.execute(query):
        stats = found[route]
        stats.queued += int(n)
        if status == DeliveryStatus.DEAD:
            stats.dead += int(n)


def _now_waiting(conn: Connection, found: dict[str, RouteStats]) -> None:
    c = deliveries.c
    query = (
        select(c.route, c.status, func.count(), func.min(c.created_at))
        .where(c.status.in_([str(DeliveryStatus.PENDING), str(DeliveryStatus.DEAD)]))
        .group_by(c.route, c.status)
    )
    for route, status, n, oldest in conn.execute(query):
        stats = found[route]
        if status == DeliveryStatus.PENDING:
            stats.queue_depth, stats.oldest_waiting = int(n), oldest
        else:
            stats.dead_total = int(n)


def _delivered(conn: Connection, since: datetime, found: dict[str, RouteStats]) -> None:
    c = deliveries.c
    query = (
        select(c.route, c.delivered_at, messages.c.received_at)
        .join(messages, messages.c.id == c.source_id)
        .where(c.status == str(DeliveryStatus.DELIVERED), c.delivered_at >= since)
    )
    for route, delivered_at, received_at in conn.execute(query):
        stats = found[route]
        stats.delivered += 1
        stats.latencies.append(max(0.0, (delivered_at - received_at).total_seconds()))


def _failures(conn: Connection, since: datetime, found: dict[str, RouteStats]) -> None:
    a = delivery_attempts.c
    query = (
        select(deliveries.c.route, func.count())
        .join(deliveries, deliveries.c.id == a.delivery_id)
        .where(a.started_at >= since, a.outcome.in_(FAILED_ATTEMPTS))
        .group_by(deliveries.c.route)
    )
    for route, n in conn.execute(query):
        found[route].failed_attempts = int(n)


def route_statistics(conn: Connection, since: datetime, routes: list[str]) -> list[RouteStats]:
    """Every route in ``routes`` (in that order, even without traffic), then any other route the
    deliveries name (a replay's override endpoint, a route since removed from the file)."""
    found: dict[str, RouteStats] = defaultdict(lambda: RouteStats(""))
    for reader in (_created, _delivered, _failures):
        reader(conn, since, found)
    _now_waiting(conn, found)
    names = list(routes) + sorted(set(found) - set(routes))
    out = []
    for name in names:
        stats = found[name]
        stats.route = name
        out.append(stats)
    return out
