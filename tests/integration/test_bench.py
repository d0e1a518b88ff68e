"""The benchmark's own machinery, for a second: its load client (a separate process) against its
yardstick endpoint answers every post, and the goal table names each line's yardstick and ratio."""

from __future__ import annotations

from pathlib import Path

from bench import servers
from bench.goals import Line, report
from tests.integration.messages import hodemelding


def test_load_client_posts_to_the_yardstick_endpoint(tmp_path: Path) -> None:
    body = tmp_path / "message.xml"
    body.write_bytes(hodemelding())
    url = f"sqlite:///{tmp_path / 'minimal.db'}"
    with servers.minimal(url, tmp_path / "server.log") as server:
        run = servers.load(server, body, mode="closed", seconds=1.0, concurrency=2)
        steady = servers.load(server, body, mode="rate", seconds=1.0, rate=20)
    assert run.result["accepted"] > 0 and set(run.result["statuses"]) == {"202"}
    assert run.result["errors"] == {} and run.cpu_seconds > 0
    assert steady.result["statuses"] == {"202": 40} and steady.result["p99_ms"] is not None


def test_report_shows_yardstick_and_ratio() -> None:
    line = Line("sqlite", "accepted durably", "msg/s", 300.0, "minimal endpoint", 600.0, "≥ 1.5×", False)
    table = report([line])
    assert "minimal endpoint 600" in table and "0.500×" in table and "NO" in table
