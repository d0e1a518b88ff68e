"""The alert conditions, by name: what each means and how it is read from what the gateway records.

One registry (``CONDITIONS``); the scheduled check (``gateway/alerts/check.py``), the API and the
docs (docs/operations.md) all go through it. A condition with a ``since`` counts what happened after
the alert last went out on a channel; the others describe the state now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from samband.gateway.settings import Settings
from samband.gateway.store import alerts as store
from samband.gateway.store.alerts import Found

REGISTER_CODES = (
    "registry.unavailable",
    "registry.wsdl",
    "registry.bad-answer",
    "registry.fault",
    "registry.access-refused",
)
"""The Adresseregister not answering, answering badly, or refusing the gateway's lookups (codes, or
code prefixes). A party it does not know (``registry.not-found``) is a routing matter, not this."""
NHN_CODES = (
    "nhn-msh.unavailable",
    "nhn-msh.bad-response",
    "nhn-msh.unauthorized",
    "nhn-msh.forbidden",
    "helseid.",
)
"""NHN's message service down or refusing the gateway's credentials, or HelseID (whose tokens it
needs) failing. A business document it refuses (``nhn-msh.rejected``) is a dead letter, not this."""


@dataclass(frozen=True)
class Check:
    """One evaluation: the time now, when the alert last went out on the channel, the settings."""

    now: datetime
    since: datetime | None
    settings: Settings

    @property
    def window_start(self) -> datetime:
        """The later of the last alert and one alert interval ago: recent failures only."""
        recent = self.now - timedelta(seconds=self.settings.alert_interval_seconds)
        return max(self.since, recent) if self.since else recent


@dataclass(frozen=True)
class Condition:
    title: str
    summary: str  # with {count}
    meaning: str  # what it means and what to do (docs/operations.md)
    find: Callable[[Connection, Check], Found]


CONDITIONS: dict[str, Condition] = {
    "dead-letter": Condition(
        title="Dead letters",
        summary="{count} deliveries given up (dead letters) since the last alert",
        meaning="a destination refused a message for good or its retries ran out; "
        "the message waits on the Problems page for a replay",
        find=lambda conn, c: store.dead_letters(conn, c.since),
    ),
    "failing": Condition(
        title="Deliveries still failing",
        summary="{count} deliveries still failing after SAMBAND_ALERT_FAILING_AFTER_SECONDS",
        meaning="messages queued longer ago than SAMBAND_ALERT_FAILING_AFTER_SECONDS (1 h) are still "
        "being retried: a receiver is down or refusing",
        find=lambda conn, c: store.failing(
            conn, c.now - timedelta(seconds=c.settings.alert_failing_after_seconds)
        ),
    ),
    "apprec-overdue": Condition(
        title="AppRecs overdue",
        summary="{count} sent messages without an AppRec in time since the last alert",
        meaning="no AppRec came within SAMBAND_APPREC_TIMEOUT_SECONDS (HIS 80415: 96 h); "
        "the sender must treat the message as not received and follow it up",
        find=lambda conn, c: store.apprecs_overdue(conn, c.since),
    ),
    "adresseregister-unreachable": Condition(
        title="Adresseregister unreachable",
        summary="{count} tries failed on the Adresseregister recently",
        meaning="lookups in NHN's Adresseregister failed (no answer, a fault, an unreadable answer, "
        "the gateway's HelseID client refused) in the last alert interval, by a delivery or by GP "
        "feedback addressing its message (item route adresseregister)",
        find=lambda conn, c: store.joined(
            store.failed_tries(conn, c.window_start, REGISTER_CODES),
            store.failed_looks(conn, c.window_start, REGISTER_CODES),
        ),
    ),
    "nhn-unreachable": Condition(
        title="NHN message service unreachable",
        summary="{count} tries failed on NHN's message service or HelseID recently",
        meaning="sending through NHN's message service or receiving from it (or getting its HelseID "
        "token) failed in the last alert interval",
        find=lambda conn, c: store.joined(
            store.failed_tries(conn, c.window_start, NHN_CODES),
            store.failed_looks(conn, c.window_start, NHN_CODES),
        ),
    ),
}
