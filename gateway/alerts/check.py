"""The scheduled alert check: each condition, on each configured channel, at most once per
``SAMBAND_ALERT_INTERVAL_SECONDS``; every alert raised is recorded (``GET /alerts``).

Runs under the store's job lease (``gateway/store/jobs.py``, job ``alerts``), so several workers
never send the same alert. A send that fails is logged, recorded (once per interval) and tried again
at the next pass; nothing here ever stops the worker. With no channel configured the alert is
recorded and logged only (channel ``none``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from samband.gateway.alerts.channels import Alert, Send, configured
from samband.gateway.alerts.conditions import Check, Condition
from samband.gateway.runtime import Services
from samband.gateway.store import alerts as store
from samband.gateway.store.alerts import Found, Raised
from samband.kernel.errors import GatewayError

log = logging.getLogger(__name__)

NO_CHANNEL = "none"


def run_alerts(svc: Services, conditions: Mapping[str, Condition] | None = None) -> list[Raised]:
    """One pass over every condition (default: ``svc.alert_conditions``); returns the alerts recorded."""
    now = svc.now()
    conditions = svc.alert_conditions if conditions is None else conditions
    senders: Mapping[str, Send | None] = configured(svc.settings) or {NO_CHANNEL: None}
    raised: list[Raised] = []
    for name, condition in conditions.items():
        try:
            raised += _check(svc, name, condition, senders, now)
        except Exception:  # one broken condition never stops the others, nor the worker
            log.exception("alert condition %s could not be checked", name)
    return raised


def _check(
    svc: Services, name: str, condition: Condition, senders: Mapping[str, Send | None], now: datetime
) -> list[Raised]:
    interval = timedelta(seconds=svc.settings.alert_interval_seconds)
    found: dict[datetime | None, Found] = {}  # channels last sent at the same time read once
    raised: list[Raised] = []
    for channel, send in senders.items():
        with svc.reads.begin() as conn:
            since = store.last_sent(conn, name, channel)
            if since is not None and now - since < interval:
                continue
            if since not in found:
                found[since] = condition.find(conn, Check(now, since, svc.settings))
            failed_before = store.failed_since(conn, name, channel, now - interval)
        if found[since].count == 0:
            continue
        alert = Alert(
            name,
            condition.title,
            condition.summary.format(count=found[since].count),
            found[since].count,
            now,
            found[since].items,
        )
        outcome, error = _send(alert, channel, send)
        sent = alert.payload(svc.settings)
        row = Raised(now, name, channel, alert.count, alert.summary, sent, outcome, error)
        with svc.engine.begin() as conn:
            if outcome != "failed" or not failed_before:
                store.record(conn, row)
                raised.append(row)
            if outcome != "failed":
                store.mark_sent(conn, name, channel, now)
    return raised


def _send(alert: Alert, channel: str, send: Send | None) -> tuple[str, dict[str, object] | None]:
    if send is None:
        log.warning("alert %s: %s (no alert channel configured)", alert.condition, alert.summary)
        return "recorded", None
    try:
        send(alert)
    except GatewayError as error:
        log.warning("alert %s not sent by %s, tried again next pass: %s", alert.condition, channel, error)
        return "failed", error.as_dict()
    log.info("alert %s sent by %s: %s", alert.condition, channel, alert.summary)
    return "sent", None
