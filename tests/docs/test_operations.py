"""docs/operations.md matches the code: every alert condition and alert setting is
described, and the webhook body shown has the keys the gateway sends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from samband.gateway.alerts.channels import Alert
from samband.gateway.alerts.conditions import CONDITIONS
from samband.gateway.alerts.settings import AlertSettings
from samband.gateway.settings import Settings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_condition_and_setting_is_described() -> None:
    for name, condition in CONDITIONS.items():
        assert f"| `{name}` | {condition.title} |" in DOC, name
    for field in AlertSettings.model_fields:
        assert f"SAMBAND_{field.upper()}" in DOC, field


def test_the_webhook_body_shown_is_the_one_sent() -> None:
    shown = json.loads(re.search(r"```json\n(.*?)```", DOC, re.S).group(1))  # type: ignore[union-attr]
    alert = Alert("dead-letter", "Dead letters", "s", 1, datetime.now(UTC), [{"route": "r"}])
    sent = alert.payload(Settings(public_url="https://samband.kommune.example"))
    assert set(shown) == set(sent)
    assert set(shown["gateway"]) == set(sent["gateway"])
    assert shown["summary"] == CONDITIONS["dead-letter"].summary.format(count=1)
