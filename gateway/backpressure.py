"""Push back on senders before the backlog passes its bound: with ``process_in_workers`` a post is
answered once stored, so a gateway whose workers cannot keep up would otherwise take in without end.

The backlog (messages stored and not yet processed, deliveries waiting) is counted at most once per
``REFRESH_SECONDS`` per process, and every post let in since the count is added to it, so a burst
between two counts cannot carry the backlog past the bound; past ``max_backlog`` a post is refused
before it is stored (``store.backlog-full``: 503 with ``Retry-After``), and the sender sends it again later.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine

from samband.gateway.store import deliveries as queue
from samband.kernel.errors import BacklogFull

REFRESH_SECONDS = 1.0


class Backlog:
    """The backlog as last counted, and the bound it is held against (0: none)."""

    def __init__(self, reads: Engine, bound: int) -> None:
        self.reads = reads
        self.bound = bound
        self.seen = 0
        self.admitted = 0  # posts let in since ``seen`` was counted
        self._next = 0.0
        self._lock = threading.Lock()

    def count(self) -> int:
        """The backlog, counted again when the last count is older than ``REFRESH_SECONDS``."""
        now = time.monotonic()
        if now >= self._next:
            with self._lock:
                if now >= self._next:
                    with self.reads.begin() as conn:
                        self.seen = queue.backlog(conn)
                    self.admitted = 0
                    self._next = time.monotonic() + REFRESH_SECONDS
        return self.seen

    def check(self) -> None:
        """Raise ``store.backlog-full`` when the backlog, with the posts let in since it was counted, has
        reached the bound; else count this post as let in."""
        if not self.bound:
            return
        counted = self.count()
        with self._lock:
            waiting = counted + self.admitted
            if waiting < self.bound:
                self.admitted += 1
                return
        raise BacklogFull(
            f"{waiting} messages and deliveries are waiting for the workers; try again later",
            expected=f"fewer than {self.bound} waiting (SAMBAND_MAX_BACKLOG)",
        )
