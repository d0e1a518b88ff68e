"""docs/nhn.md matches the code: every ``SAMBAND_NHN_*`` setting is in its table with its default,
and every step the crash table names is a step the poller can be killed after."""

from __future__ import annotations

from pathlib import Path

from samband.gateway.nhn.poller import STEPS
from samband.gateway.nhn.settings import NhnSettings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "nhn.md").read_text(encoding="utf-8")


def test_every_receiving_setting_is_in_the_table() -> None:
    for name, field in NhnSettings.model_fields.items():
        row = next(
            (line for line in DOC.splitlines() if line.startswith(f"| `SAMBAND_{name.upper()}` |")), None
        )
        assert row is not None, name
        default = field.default
        if isinstance(default, float | int | str) and default is not None:
            shown = f"{default:g}" if isinstance(default, float) else str(default)
            assert f"`{shown}`" in row, row


def test_the_crash_table_has_a_row_per_step() -> None:
    start = DOC.index("### When the gateway dies mid-flow")
    crash = DOC[start : DOC.index("\n#", start + 1)]
    rows = [line for line in crash.splitlines() if line.startswith("| ") and not line.startswith("| killed")]
    assert len(rows) == len(STEPS) == 4
