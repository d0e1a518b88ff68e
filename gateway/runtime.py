"""What one running gateway holds: settings, the store engine, the route table, metrics and a clock.

Built once by ``create_app`` or a worker from a ``Settings``; nothing here exists at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from samband.gateway.backpressure import Backlog
from samband.gateway.metrics import Metrics, QueueSnapshot
from samband.gateway.routing.loader import load_routes
from samband.gateway.routing.table import RouteTable
from samband.gateway.settings import Settings
from samband.gateway.store import deliveries as queue
from samband.gateway.store.db import make_engine, reader, run_migrations
from samband.mappings.base import Context


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The running gateway's parts, handed to the pipeline, the worker and the API."""

    settings: Settings
    engine: Engine
    routes: RouteTable
    metrics: Metrics = field(default_factory=Metrics)
    now: Callable[[], datetime] = utc_now

    @cached_property
    def reads(self) -> Engine:
        """For read-only transactions: on SQLite they run beside the writer instead of queueing."""
        return reader(self.engine)

    @cached_property
    def backlog(self) -> Backlog:
        """What waits for the workers, held against ``max_backlog`` (``process_in_workers``)."""
        return Backlog(self.reads, self.settings.max_backlog)

    def context(self) -> Context:
        """The mapping context: the real clock and the gateway's own HER-id."""
        return Context(now=self.now, gateway_her=self.settings.her_id)

    def queue_snapshot(self) -> QueueSnapshot:
        now = self.now()
        with self.reads.begin() as conn:
            depth, oldest, stale, dead = queue.queue_stats(conn, now)
        age = (now - oldest).total_seconds() if oldest else None
        return QueueSnapshot(depth, age, stale, dead)


def start_services(
    settings: Settings,
    routes: RouteTable | None = None,
    migrate: bool = True,
    migrations: Sequence[Path] = (),
) -> Services:
    """Validate the route file, open the store and bring its schema up to date (with the version
    folders of the features the service runs, ``migrations``)."""
    table = routes if routes is not None else load_routes(settings.routes)
    engine = make_engine(settings.database_url)
    if migrate:
        run_migrations(engine, migrations)
    services = Services(settings=settings, engine=engine, routes=table)
    services.metrics.set_queue_probe(services.queue_snapshot)
    return services
