"""Kill -9 in the middle of a stream of 500 messages, restart: none lost, none delivered twice.

Runs the real ``samband serve`` as a subprocess, on SQLite and on PostgreSQL, with a real loopback
receiver. Posts that
got no answer (the process died under them) are posted again after the restart, as a sender would;
the gateway's dedup makes that safe. The receiver keeps the Idempotency-Key of what it took, so a
resend of a delivery in flight at the kill (same key) is told apart from a second delivery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.integration.messages import hodemelding, msg_id_of
from tests.integration.receiver import Receiver
from tests.integration.server import free_port, serve

TOTAL = 500
KILL_AFTER = 200
KEY = "crash-test-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"}


def _post(client: httpx.Client, url: str, raw: bytes) -> bool:
    """True when the gateway answered 202 (accepted), False when the process died under the post."""
    try:
        return client.post(url, content=raw, headers=HEADERS).status_code == 202
    except httpx.TransportError:
        return False


@pytest.mark.slow
def test_sigkill_mid_stream_loses_nothing_and_delivers_nothing_twice(
    database_url: str, tmp_path: Path, receivers: Callable[[], Receiver]
) -> None:
    peer = receivers()
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        f"routes:\n  - name: peer\n    target_format: as-is\n    transport: http\n    endpoint: {peer.url}\n"
        "    retry: {delays: [1s], max_attempts: 20}\n    timeouts: {connect: 1s, total: 2s}\n"
    )
    env = {
        **os.environ,
        "SAMBAND_DATABASE_URL": database_url,
        "SAMBAND_ROUTES": str(routes),
        "SAMBAND_DEV_API_KEY": KEY,
        "SAMBAND_PROCESSING_GRACE_SECONDS": "2",
        "SAMBAND_LEASE_SECONDS": "3",
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}/messages"
    log = tmp_path / "serve.log"
    messages = [hodemelding(patient_seed=i) for i in range(TOTAL)]
    server = serve(port, env, log)

    accepted: set[str] = set()
    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda raw: _kill_or_post(client, url, raw, accepted, server), messages))
    assert server.wait(timeout=10) == -signal.SIGKILL
    assert KILL_AFTER <= len(accepted) < TOTAL

    server = serve(port, env, log)
    try:
        rest = [raw for raw in messages if msg_id_of(raw) not in accepted]
        with httpx.Client(timeout=10) as client, ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda raw: _post(client, url, raw), rest))
        assert all(answers), "the restarted gateway accepts the rest"
        wanted = {msg_id_of(raw) for raw in messages}
        deadline = time.monotonic() + 180  # a wait for delivery, not a speed check (see bench/)
        while {t.msg_id for t in peer.taken()} != wanted and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)

    taken = peer.taken()
    assert {t.msg_id for t in taken} == wanted, "nothing accepted was lost"
    keys_per_msg: dict[str | None, set[str]] = {}
    for t in taken:
        keys_per_msg.setdefault(t.msg_id, set()).add(t.key)
    assert all(len(keys) == 1 for keys in keys_per_msg.values()), "no message became two deliveries"
    resends = sum(n - 1 for n in Counter(t.key for t in taken).values())
    assert resends <= 5, f"only a delivery in flight at the kill may be resent (same key): {resends}"


def _kill_or_post(
    client: httpx.Client, url: str, raw: bytes, accepted: set[str], server: subprocess.Popen[bytes]
) -> bool:
    """Post; once KILL_AFTER posts were accepted, SIGKILL the server (once) in the middle of the stream."""
    ok = _post(client, url, raw)
    if ok:
        accepted.add(msg_id_of(raw))
    if len(accepted) >= KILL_AFTER and server.poll() is None:
        server.send_signal(signal.SIGKILL)
    return ok
