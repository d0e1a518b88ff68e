"""docs/operations.md matches the code: every alert condition and setting is described, the webhook
body shown has the keys the gateway sends, and the ``samband prune`` examples run as written."""

from __future__ import annotations

import json
import re
import shlex
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from samband.features.registry import ALERT_CONDITIONS
from samband.gateway.alerts.channels import Alert
from samband.gateway.alerts.conditions import CONDITIONS
from samband.gateway.alerts.settings import AlertSettings, RetentionSettings
from samband.gateway.cli.main import app
from samband.gateway.settings import Settings
from samband.gateway.store.db import make_engine, run_migrations

DOC = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def test_every_condition_and_setting_is_described() -> None:
    for name, condition in {**CONDITIONS, **ALERT_CONDITIONS}.items():
        assert f"| `{name}` | {condition.title} |" in DOC, name
    for field in (*AlertSettings.model_fields, *RetentionSettings.model_fields):
        assert f"SAMBAND_{field.upper()}" in DOC, field


def test_the_webhook_body_shown_is_the_one_sent() -> None:
    shown = json.loads(re.search(r"```json\n(.*?)```", DOC, re.S).group(1))  # type: ignore[union-attr]
    alert = Alert("dead-letter", "Dead letters", "s", 1, datetime.now(UTC), [{"route": "r"}])
    sent = alert.payload(Settings(public_url="https://samband.kommune.example"))
    assert set(shown) == set(sent)
    assert set(shown["gateway"]) == set(sent["gateway"])
    assert shown["summary"] == CONDITIONS["dead-letter"].summary.format(count=1)


def test_the_prune_examples_run(tmp_path: Path) -> None:
    """Each ``samband prune`` line, with the variables it sets, through the command's own entry point."""
    url = f"sqlite:///{tmp_path / 'samband.db'}"
    engine = make_engine(url)
    run_migrations(engine)
    engine.dispose()
    lines = [
        line for block in SHELL_BLOCK.findall(DOC) for line in block.splitlines() if "samband prune" in line
    ]
    assert len(lines) == 2
    outputs = []
    for line in lines:
        words = shlex.split(line)
        env = dict(w.split("=", 1) for w in words if "=" in w and w.startswith("SAMBAND_"))
        args = words[words.index("samband") + 1 :]
        done = CliRunner().invoke(app, args, env={**env, "SAMBAND_DATABASE_URL": url})
        assert done.exit_code == 0, done.output
        assert "audit         kept for ever" in done.output
        outputs.append(done.output)
    assert "raw           kept 365 days" in outputs[0] and "0 message(s) would be cleared" in outputs[0]
    assert "kept for ever (SAMBAND_RETENTION_RAW_DAYS not set)" in outputs[1]
