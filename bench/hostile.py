"""How fast the running service refuses hostile input: every case of ``tests/integration/hostile``
against every endpoint that takes a body, each posted a few times, the median held against 100 ms.

Run: ``python bench/hostile.py [--repeat N] [--bound-ms MS]``; exit 1 when a refusal is slower than
the bound. The tests assert a generous bound so a busy machine does not fail them; this is the
strict one (machines are shared and noisy: run it on a quiet one).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samband.gateway.app import create_app  # noqa: E402
from samband.gateway.settings import Settings  # noqa: E402
from tests.integration.hostile.cases import CASES  # noqa: E402
from tests.integration.messages import hodemelding  # noqa: E402
from tests.integration.server import LiveServer  # noqa: E402

KEY = "bench-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
ENDPOINTS = ("/messages", "/ebxml", "/fhir", "/ip-exports", "/referrals", "/messages/{id}/replay")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="posts of each case; the median counts")
    parser.add_argument("--bound-ms", type=float, default=100.0, help="the strict bound")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/bench.db", dev_api_key=KEY, worker_enabled=False
        )
        server = LiveServer(create_app(settings))
        server.start()
        try:
            slow = run(server, args.repeat, args.bound_ms)
        finally:
            server.stop()
    print(f"\n{slow} refusal(s) slower than {args.bound_ms:.0f} ms")  # noqa: T201
    return 1 if slow else 0


def run(server: LiveServer, repeat: int, bound_ms: float) -> int:
    client = server.client
    original = client.post(
        "/messages", content=hodemelding(), headers={**AUTH, "Content-Type": "application/xml"}
    )
    slow = 0
    print(f"{'endpoint':<26} {'case':<34} {'status':>6} {'median ms':>10}")  # noqa: T201
    for endpoint in ENDPOINTS:
        path = endpoint.replace("{id}", original.json()["id"])
        for case in CASES:
            if endpoint.endswith("/replay") and case.name == "empty-body":
                continue  # no body asks for a replay to every route: not a refusal
            times, status = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                answer = client.post(
                    path, content=case.body, headers={**AUTH, "Content-Type": case.content_type}
                )
                times.append((time.perf_counter() - started) * 1000)
                status = answer.status_code
            median = statistics.median(times)
            mark = " SLOW" if median > bound_ms else ""
            slow += bool(mark)
            print(f"{endpoint:<26} {case.name:<34} {status:>6} {median:>10.1f}{mark}")  # noqa: T201
    return slow


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
