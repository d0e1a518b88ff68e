"""The feedback feature's alert condition: its operator events that need someone (no GP address, no
route, the GP's AppRec still missing or refused after the last resend, a feedback input refused),
sent by the gateway's alert job like the core's conditions (``gateway/alerts``).
"""

from __future__ import annotations

from samband.features.feedback import store
from samband.gateway.alerts.conditions import Condition

OPERATOR_KINDS = ("no-gp-address", "no-route", "feedback-input-refused")
"""Operator events that stop feedback reaching the GP until someone acts."""
FINAL = ("-final",)
"""``apprec-…-final``: the GP's AppRec missing or negative after the last resend."""

FEEDBACK_CONDITIONS: dict[str, Condition] = {
    "feedback-problem": Condition(
        title="GP feedback not delivered",
        summary="{count} GP feedback problems since the last alert",
        meaning="GP feedback waits for an operator: no GP address, no route to the GP, the GP's AppRec "
        "missing or negative after the last resend, or an ip-export the feedback could not read "
        "(the patient's page shows which)",
        find=lambda conn, c: store.operator_alerts(conn, c.since, OPERATOR_KINDS, FINAL),
    ),
}
