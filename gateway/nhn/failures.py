"""Requests to NHN's services that failed outside a delivery try (the poller's looks, the follow-up's
asks, the Adresseregister lookups of GP feedback): logged, and kept a week
(``store/nhn_inbound.record_failure``) for the ``nhn-unreachable`` or ``adresseregister-unreachable``
alert when the service or HelseID failed or refused the gateway's access. A refusal of one document
(``nhn-msh.rejected``) or a party the register does not know is no outage and is only logged."""

from __future__ import annotations

import logging

from samband.gateway.alerts.conditions import NHN_CODES, REGISTER_CODES
from samband.gateway.runtime import Services
from samband.gateway.store import nhn_inbound as journal
from samband.kernel.errors import GatewayError

log = logging.getLogger(__name__)

ROUTE_PREFIX = "route "
"""An operation kept as ``route <name>: <request>`` was asked for that route's delivery (the
follow-up) or by ``adresseregister`` (GP feedback); the others are the poller's
(``store/alerts.failed_looks`` names them so)."""
REGISTER = "adresseregister"


def record_failure(svc: Services, doing: str, error: GatewayError, route: str | None = None) -> None:
    """Log ``error`` met while ``doing``; keep it for the alert when it is the service's or HelseID's.
    ``route`` names the route (or ``adresseregister``) it was met for; None: the poller."""
    service = "the Adresseregister" if route == REGISTER else "NHN message service"
    log.warning("%s, %s: [%s] %s", service, doing, error.code, error)
    if not error.code.startswith(REGISTER_CODES if route == REGISTER else NHN_CODES):
        return
    operation = error.where or doing
    if route is not None:
        operation = f"{ROUTE_PREFIX}{route}: {operation}"
    try:
        with svc.engine.begin() as conn:
            journal.record_failure(conn, svc.now(), operation, error.code, str(error))
    except Exception:  # the store is down too: the log line is all there is
        log.exception("recording the NHN failure failed")
