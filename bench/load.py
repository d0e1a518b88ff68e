"""The load client of the benchmark, run as its own process so it never shares a core's interpreter with
the server it measures: a small asyncio HTTP/1.1 client over keep-alive connections (no client library
on the hot path, so one core offers well over a thousand requests a second).

Two shapes of load:
- ``closed``: ``--concurrency`` connections each post, wait for the answer, post again, for ``--seconds``
  (the most the server accepts);
- ``rate``: one post every ``1/--rate`` seconds whatever the answers (open loop); a post's latency runs
  from when it was due, so a slow server cannot hide its queue (no coordinated omission).

Every body is the template with a fresh MsgId and one of the patients in turn. The result is one JSON
object on stdout: counts by status, the accepted rate, latency percentiles, Retry-After answers.

    python bench/load.py --url http://127.0.0.1:8080/messages --body FILE --key KEY --mode rate --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MSG_ID = re.compile(rb"<MsgId>[^<]+</MsgId>")
MAX_CONNECTIONS = 512  # open loop: more posts in flight than this and the server has fallen over
ACCEPTED = frozenset({202, 422})  # taken in for good: stored, and queued or refused with its AppRec
UNANSWERED_AFTER = 15.0  # open loop: seconds to wait for the last answers once every post is sent


@dataclass
class Target:
    host: str
    port: int
    path: str
    key: str
    content_type: str = "application/xml"

    def request(self, body: bytes) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.key}\r\nContent-Type: {self.content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


@dataclass
class Bodies:
    """The template under a fresh MsgId (and the next patient, when the template has a placeholder)."""

    template: bytes
    patients: list[str]
    placeholder: bytes | None
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    def next(self) -> bytes:
        raw = MSG_ID.sub(f"<MsgId>{uuid.uuid4()}</MsgId>".encode(), self.template, count=1)
        if self.placeholder and self.patients:
            patient = self.patients[next(self._turn) % len(self.patients)]
            raw = raw.replace(self.placeholder, patient.encode(), 1)
        return raw


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # ms, of the posts due within the window
    retry_after: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    done_in_window: int = 0


class Connection:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> tuple[int, bool]:
        """(status, whether a Retry-After came with it); reconnects when the server closed the line."""
        if self.writer is None or self.reader is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.target.host, self.target.port)
        self.writer.write(self.target.request(body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, close, retry = 0, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name == b"retry-after":
                retry = True
        if length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status, retry

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def one(conn: Connection, body: bytes, due: float, tally: Tally, window: tuple[float, float]) -> None:
    try:
        status, retry = await conn.post(body)
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        conn.close()
        tally.errors[type(exc).__name__] += 1
        return
    done = time.perf_counter()
    tally.statuses[status] += 1
    tally.retry_after += retry
    if window[0] <= due <= window[1]:  # every post due in the window, however late its answer
        tally.latencies.append((done - due) * 1000)
    if window[0] <= done <= window[1] and status in ACCEPTED:
        tally.done_in_window += 1


async def closed(target: Target, bodies: Bodies, concurrency: int, seconds: float, warmup: float) -> Tally:
    tally = Tally()
    start = time.perf_counter()
    window = (start + warmup, start + warmup + seconds)

    async def loop() -> None:
        conn = Connection(target)
        while time.perf_counter() < window[1]:
            await one(conn, bodies.next(), time.perf_counter(), tally, window)
        conn.close()

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return tally


async def open_loop(target: Target, bodies: Bodies, rate: float, seconds: float, warmup: float) -> Tally:
    tally = Tally()
    idle: list[Connection] = []
    in_flight: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    window = (start + warmup, start + warmup + seconds)
    total = int(rate * (warmup + seconds))

    async def send(due: float) -> None:
        conn = idle.pop() if idle else Connection(target)
        try:
            await one(conn, bodies.next(), due, tally, window)
        finally:
            idle.append(conn)

    for i in range(total):
        due = start + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        if len(in_flight) >= MAX_CONNECTIONS:
            tally.errors["client-saturated"] += 1
            continue
        task = asyncio.create_task(send(due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.wait(in_flight, timeout=UNANSWERED_AFTER)
    unanswered = [t for t in in_flight if not t.done()]
    if unanswered:
        tally.errors["unanswered"] += len(unanswered)
    cut = time.perf_counter()  # what they waited so far counts as their latency (a lower bound)
    tally.latencies += [(cut - due) * 1000 for due in pending_dues(start, rate, total, len(unanswered))]
    for task in unanswered:
        task.cancel()
    for conn in idle:
        conn.close()
    return tally


def pending_dues(start: float, rate: float, total: int, count: int) -> list[float]:
    """When the last ``count`` posts were due (the unanswered ones are the latest, near enough)."""
    return [start + i / rate for i in range(total - count, total)]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(tally: Tally, seconds: float) -> dict[str, Any]:
    accepted = sum(n for code, n in tally.statuses.items() if code in ACCEPTED)
    return {
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "errors": dict(tally.errors),
        "retry_after": tally.retry_after,
        "answered": sum(tally.statuses.values()),
        "accepted": accepted,
        "rate": tally.done_in_window / seconds,  # accepted (202 or 422) per second in the window
        "p50_ms": percentile(tally.latencies, 0.50),
        "p90_ms": percentile(tally.latencies, 0.90),
        "p99_ms": percentile(tally.latencies, 0.99),
        "max_ms": max(tally.latencies, default=None),
        "seconds": seconds,
    }


def run(work: Coroutine[Any, Any, Tally]) -> Tally:
    """On uvloop where it is installed: the client's own overhead as small as it can be."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--body", type=Path, required=True, help="the message template")
    parser.add_argument("--key", default="bench")
    parser.add_argument("--mode", choices=("closed", "rate"), default="closed")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0, help="posts before the window are not counted")
    parser.add_argument("--patients", default="", help="patient idents, comma-separated")
    parser.add_argument("--placeholder", default="", help="the patient ident in the template to replace")
    args = parser.parse_args()
    url = urlsplit(args.url)
    target = Target(url.hostname or "127.0.0.1", url.port or 80, url.path or "/", args.key)
    bodies = Bodies(
        args.body.read_bytes(),
        [p for p in args.patients.split(",") if p],
        args.placeholder.encode() or None,
    )
    if args.mode == "closed":
        tally = run(closed(target, bodies, args.concurrency, args.seconds, args.warmup))
    else:
        tally = run(open_loop(target, bodies, args.rate, args.seconds, args.warmup))
    sys.stdout.write(json.dumps(summary(tally, args.seconds)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
