"""Prometheus metrics of the gateway, in a registry of its own per app (no global registry).

What operators asked peers for: throughput per message type and route, received→delivered latency,
queue depth and the age of the oldest undelivered message, and "still failing after one hour".
The queue figures are read from the store at scrape time through a probe the store provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

UNKNOWN = "unknown"
NO_ROUTE = "none"
# Received → delivered spans seconds (in-process FHIR store) to a day (a receiver down overnight).
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600)


@dataclass(frozen=True)
class QueueSnapshot:
    """The store's view of undelivered work at one moment."""

    depth: int
    oldest_age_seconds: float | None
    failing_after_one_hour: int
    dead_letters: int = 0


QueueProbe = Callable[[], QueueSnapshot]


class _QueueCollector(Collector):
    """Asks the probe at scrape time, so the gauges are never stale and need no background job."""

    def __init__(self) -> None:
        self.probe: QueueProbe | None = None

    def collect(self) -> Iterator[Metric]:
        if self.probe is None:
            return
        snapshot = self.probe()
        yield _gauge("samband_queue_depth", "Deliveries waiting or retrying.", snapshot.depth)
        yield _gauge(
            "samband_oldest_undelivered_age_seconds",
            "Age of the oldest message not yet delivered (0 when none).",
            snapshot.oldest_age_seconds or 0.0,
        )
        yield _gauge(
            "samband_failing_after_one_hour",
            "Deliveries received more than one hour ago that still have not succeeded.",
            snapshot.failing_after_one_hour,
        )
        yield _gauge(
            "samband_dead_letters", "Deliveries given up and waiting for an operator.", snapshot.dead_letters
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _label(value: str | None, empty: str = UNKNOWN) -> str:
    return value if value else empty


class Metrics:
    """The named metrics of one app, each in ``self.registry``; record with the verb methods."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.received_total = self._counter(
            "samband_messages_received", "Messages received.", ["message_type", "source_format"]
        )
        self.translated_total = self._counter(
            "samband_messages_translated", "Messages translated for a route.", ["message_type", "route"]
        )
        self.delivered_total = self._counter(
            "samband_messages_delivered", "Messages delivered over a route.", ["message_type", "route"]
        )
        self.failed_total = self._counter(
            "samband_messages_failed",
            "Failures by error code; route 'none' for messages refused before routing.",
            ["message_type", "route", "code"],
        )
        self.dead_lettered_total = self._counter(
            "samband_messages_dead_lettered", "Deliveries given up (cap reached or refused).", ["route"]
        )
        self.apprec_missing_total = self._counter(
            "samband_apprec_missing",
            "Sent messages whose AppRec did not come in time.",
            ["message_type", "route"],
        )
        self.store_commits_total = Counter(
            "samband_store_group_commits",
            "Transactions that stored newly received messages (group commit).",
            registry=self.registry,
        )
        self.store_committed_total = Counter(
            "samband_store_group_committed_messages",
            "Newly received messages stored by group commits; over the commits: messages per commit.",
            registry=self.registry,
        )
        self.latency_seconds = Histogram(
            "samband_received_to_delivered_seconds",
            "Time from receiving a message to delivering it over a route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._queue = _QueueCollector()
        self.registry.register(self._queue)

    def _counter(self, name: str, documentation: str, labels: list[str]) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def set_queue_probe(self, probe: QueueProbe) -> None:
        """The store's function giving queue depth, oldest age and long-failing count at scrape time."""
        self._queue.probe = probe

    def received(self, message_type: str | None, source_format: str | None) -> None:
        self.received_total.labels(_label(message_type), _label(source_format)).inc()

    def translated(self, message_type: str | None, route: str) -> None:
        self.translated_total.labels(_label(message_type), route).inc()

    def delivered(self, message_type: str | None, route: str, latency_seconds: float | None = None) -> None:
        """One delivery done; ``latency_seconds`` is received → delivered for that message."""
        self.delivered_total.labels(_label(message_type), route).inc()
        if latency_seconds is not None:
            self.latency_seconds.labels(route).observe(max(latency_seconds, 0.0))

    def failed(self, message_type: str | None, route: str | None, code: str) -> None:
        self.failed_total.labels(_label(message_type), _label(route, NO_ROUTE), code).inc()

    def group_committed(self, messages: int) -> None:
        """One transaction stored ``messages`` newly received messages."""
        self.store_commits_total.inc()
        self.store_committed_total.inc(messages)

    def dead_lettered(self, route: str) -> None:
        self.dead_lettered_total.labels(route).inc()

    def apprec_missing(self, message_type: str | None, route: str | None) -> None:
        self.apprec_missing_total.labels(_label(message_type), _label(route, NO_ROUTE)).inc()


def render_metrics(metrics: Metrics) -> tuple[bytes, str]:
    """The /metrics body in the Prometheus text format, and its content type."""
    return generate_latest(metrics.registry), CONTENT_TYPE_LATEST
