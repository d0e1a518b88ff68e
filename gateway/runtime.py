"""What one running gateway holds: settings, the store engine, the route table, metrics and a clock.

Built once by ``create_app`` or a worker from a ``Settings``; nothing here exists at import time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine

from samband.gateway.alerts.conditions import CONDITIONS, Condition
from samband.gateway.backpressure import Backlog
from samband.gateway.metrics import Metrics, QueueSnapshot
from samband.gateway.routing.loader import load_routes
from samband.gateway.routing.table import RouteTable
from samband.gateway.settings import Settings
from samband.gateway.store import deliveries as queue
from samband.gateway.store.db import make_engine, reader, run_migrations
from samband.gateway.store.group_commit import GroupCommit
from samband.gateway.store.register_cache import StoreCache
from samband.integrations.adresseregister import AddressRegistry, RegisterSettings, build_registry
from samband.kernel.errors import ConfigurationError
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
    alert_conditions: dict[str, Condition] = field(default_factory=lambda: dict(CONDITIONS))
    """What the alert job checks: the core's conditions and those of the features the service runs."""

    @cached_property
    def reads(self) -> Engine:
        """For read-only transactions: on SQLite they run beside the writer instead of queueing."""
        return reader(self.engine)

    @cached_property
    def backlog(self) -> Backlog:
        """What waits for the workers, held against ``max_backlog`` (``process_in_workers``)."""
        return Backlog(self.reads, self.settings.max_backlog)

    @cached_property
    def committer(self) -> GroupCommit:
        """The new messages of concurrent requests, stored in one transaction (``group_commit``)."""
        settings = self.settings
        return GroupCommit(
            self.engine,
            max_batch=settings.group_commit_max_batch,
            window=settings.group_commit_window_ms / 1000,
            committed=self.metrics.group_committed,
            threads=settings.group_commit_threads,
        )

    @cached_property
    def register(self) -> AddressRegistry | None:
        """The Adresseregister the settings name (``SAMBAND_ADRESSEREGISTER_API``, ``SAMBAND_AR_*``),
        its answers kept in the store; None when none is configured."""
        return build_registry(RegisterSettings(), store=StoreCache(self.engine), clock=lambda: self.now())

    def receiver_channel(self, her_id: str) -> str | None:
        """How the Adresseregister says ``her_id`` is reached (a route's ``receiver_channel``): the
        party's channel, None without an EDI address. ``RegistryUnavailable`` when the register
        cannot answer and nothing is kept; ``NoRouteMatched`` when it does not know the HER-id. A
        lookup may write the cache: never call it inside a write transaction (SQLite would wait)."""
        register = self.register
        if register is None:
            raise _no_register()
        channel = register.communication_party(her_id).channel
        return None if channel is None else str(channel)

    def context(self) -> Context:
        """The mapping context: the real clock and the gateway's own HER-id. The FHIR the mappings
        write is validated against the R4B models for a share ``SAMBAND_FHIR_VALIDATE_SAMPLE`` of
        contexts; the rest are put in order without building models (the same bytes)."""
        sample = self.settings.fhir_validate_sample
        validate = sample >= 1 or (sample > 0 and random.random() < sample)
        return Context(now=self.now, gateway_her=self.settings.her_id, validate=validate)

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
    if table.asks_register and services.register is None:
        raise _no_register()
    services.metrics.set_queue_probe(services.queue_snapshot)
    return services


def _no_register() -> ConfigurationError:
    return ConfigurationError(
        "a route lets the Adresseregister decide (match.receiver_channel), but no register is configured",
        code="config.routes.receiver-channel",
        where="SAMBAND_ROUTES",
        expected="SAMBAND_AR_ENDPOINT, or SAMBAND_ADRESSEREGISTER_API=rest with SAMBAND_AR_REST_URL",
    )
