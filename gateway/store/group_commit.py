"""Group commit: the new message rows of concurrent requests written in one transaction.

Each request hands its message row and its ``received`` event to ``GroupCommit.submit`` and waits for
the future it gets (a thread blocks on it, the API awaits it); a committer thread takes every row
that is waiting (up to ``max_batch``, for at most ``window`` seconds more when fewer came), inserts
them with one multi-row statement per table and commits once, so one fsync covers many messages. A
request is answered only after the commit that holds its row. While one commit waits for the store,
another committer (up to ``threads``) takes the rows that came meanwhile: the store's latency,
not one commit at a time, bounds the rate.

When a batch fails to commit, its rows are written again one by one, each in its own transaction,
so a bad row fails only its own request. The threads start with the rows and each ends after
``IDLE_SECONDS`` without any, so an idle gateway (or a test's) keeps no thread; a thread holds a
pooled connection only while it commits.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from samband.gateway.store import repository as repo

log = logging.getLogger(__name__)
IDLE_SECONDS = 2.0


@dataclass
class Rows:
    """What one request stores: its message row and its timeline entry, and when they are committed."""

    message: dict[str, Any]
    event: dict[str, Any]
    done: Future[None] = field(default_factory=Future)


class GroupCommit:
    """Up to ``threads`` committer threads per process for the rows of new messages (``submit``)."""

    def __init__(
        self,
        engine: Engine,
        max_batch: int = 200,
        window: float = 0.0,
        committed: Callable[[int], None] | None = None,
        threads: int = 1,
    ) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.window = window
        self.committed = committed  # told the number of messages of each commit
        self.threads = threads
        self._waiting: queue.SimpleQueue[Rows] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = 0

    def submit(self, message: dict[str, Any], event: dict[str, Any]) -> Future[None]:
        """Insert ``message`` (``repo.message_values``) and ``event`` (``repo.event_values``) with the
        rows of concurrent requests: done once they are committed, or with what failed their insert."""
        rows = Rows(message, event)
        with self._lock:
            self._waiting.put(rows)
            if self._running < self.threads:
                self._start()
        return rows.done

    def _start(self) -> None:
        self._running += 1
        threading.Thread(target=self._run, name="group-commit", daemon=True).start()

    def _run(self) -> None:
        try:
            while (batch := self._gather()) is not None:
                # a request that gave up waiting (its future cancelled) is not stored: it was never
                # answered; the others can no longer be cancelled once their commit begins
                taken = [rows for rows in batch if rows.done.set_running_or_notify_cancel()]
                if taken:
                    self._settle(taken)
        except BaseException:  # a bug here must not leave the requests that come next waiting for ever
            log.exception("the group commit thread failed; another takes over")
            with self._lock:
                self._running -= 1
                if not self._waiting.empty():
                    self._start()
            raise

    def _settle(self, batch: list[Rows]) -> None:
        """Commit ``batch`` together, else each row on its own; never raises."""
        try:
            self._insert(batch)
        except Exception as exc:
            if len(batch) == 1:
                batch[0].done.set_exception(exc)
                return
            log.warning("a group commit of %d messages failed; each is stored on its own", len(batch))
            for rows in batch:
                self._settle([rows])
            return
        for rows in batch:
            rows.done.set_result(None)
        if self.committed is not None:
            self.committed(len(batch))

    def _insert(self, batch: list[Rows]) -> None:
        with self.engine.begin() as conn:
            repo.insert_messages(conn, [rows.message for rows in batch])
            repo.add_events(conn, [rows.event for rows in batch])

    def _gather(self) -> list[Rows] | None:
        """Every row waiting (at least one, within ``IDLE_SECONDS``), else None: the thread then ends."""
        try:
            batch = [self._waiting.get(timeout=IDLE_SECONDS)]
        except queue.Empty:
            with self._lock:
                if self._waiting.empty():  # ``submit`` puts under the lock: no row is left behind
                    self._running -= 1
                    return None
            batch = []
        deadline = time.monotonic() + self.window
        while len(batch) < self.max_batch:
            try:
                batch.append(self._waiting.get_nowait())
            except queue.Empty:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    batch.append(self._waiting.get(timeout=left))
                except queue.Empty:
                    break
        return batch
