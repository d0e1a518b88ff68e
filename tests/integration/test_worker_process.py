"""``samband worker`` as its own process on a shared PostgreSQL: it delivers what ``serve`` queued."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import GatewayFactory, pg_schema_url
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    yield from pg_schema_url(pg_url)


def test_extra_worker_process_delivers_and_stops_cleanly(
    pg_schema: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver], tmp_path: Path
) -> None:
    peer = receivers()
    gw = gateway_factory(
        pg_schema,
        f"routes:\n  - name: peer\n    target_format: as-is\n    transport: http\n    endpoint: {peer.url}\n",
    )
    ids = [gw.post(hodemelding()).json()["id"] for _ in range(5)]
    env = {
        **os.environ,
        "SAMBAND_ROUTES": str(gw.services.settings.routes),
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
    }
    command = [
        sys.executable,
        "-c",
        "from samband.gateway.cli.main import main; main()",
        "worker",
        "--database-url",
        pg_schema,
    ]
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60  # a loaded machine starts slowly
        while len(peer.taken()) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=15)
    assert code == 0, (tmp_path / "worker.log").read_text()
    assert len(peer.keys()) == 5 and set(peer.keys().values()) == {1}
    for mid in ids:
        [delivery] = gw.get(f"/messages/{mid}")["deliveries"]
        assert delivery["status"] == "delivered" and delivery["attempts"][0]["worker"] != "test-worker"
