"""A 200 MB chunked body keeps the server's memory bounded: the real ``samband serve`` (a uvicorn
subprocess) refuses it at the limit as it arrives, its resident set (``/proc/<pid>/status``) grows by
far less than the body while it does, and comes back near where it was."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.hostile.conftest import note
from tests.integration.hostile.wire import send
from tests.integration.server import free_port, serve

KEY = "memory-test-key"
MIB = 1024 * 1024
BODY = 200 * MIB
GROWTH = 100 * MIB  # the bound on what the body may add to the server's memory
SETTLED = 60 * MIB  # what may stay after (allocator arenas, caches warmed by the first request)

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class _Peak:
    """Samples a process's resident set every few milliseconds, keeping the highest."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, _rss(pid), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, _rss(self.pid))
            time.sleep(0.005)

    def __enter__(self) -> _Peak:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


def _chunks() -> Iterator[bytes]:
    chunk = b"<a>" * (64 * 1024 // 3)
    for _ in range(BODY // len(chunk)):
        yield chunk


@pytest.mark.slow
def test_a_200_mb_chunked_body_leaves_the_server_memory_bounded(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SAMBAND_DATABASE_URL": f"sqlite:///{tmp_path / 'samband.db'}",
        "SAMBAND_DEV_API_KEY": KEY,
        "SAMBAND_WORKER_ENABLED": "false",
    }
    port = free_port()
    server = serve(port, env, tmp_path / "serve.log")
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"}
    try:
        for _ in range(3):  # warm up: the first requests load what every request needs
            send(port, "/messages", headers, [b"<a/>"] * 1, chunked=True)
        before = _rss(server.pid)
        with _Peak(server.pid) as peak:
            answer = send(port, "/messages", headers, _chunks(), chunked=True, timeout=120)
        time.sleep(0.5)
        after = _rss(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    note(
        f"200 MB chunked body: RSS before {before / MIB:.0f} MiB, peak {peak.peak / MIB:.0f} MiB, "
        f"after {after / MIB:.0f} MiB; {answer.sent / MIB:.0f} MiB of the body sent before the answer "
        f"in {answer.seconds:.2f} s"
    )
    assert answer.status == 413 and answer.json()["errors"][0]["code"] == "http.body-too-large"
    assert answer.sent < BODY, "the server stopped reading: the rest of the body was never sent"
    assert peak.peak - before < GROWTH, f"grew by {(peak.peak - before) / MIB:.0f} MiB"
    assert after - before < SETTLED, f"stayed {(after - before) / MIB:.0f} MiB above"
