"""The feedback job inside a running gateway: one thread that runs ``runner.run_once`` every interval,
under the store's job lease so several workers never run it twice at the same time.
"""

from __future__ import annotations

import logging
import os
import threading

from samband.features.feedback import runner
from samband.features.feedback.wiring import feedback_for
from samband.gateway.runtime import Services
from samband.gateway.store.jobs import run_job

log = logging.getLogger(__name__)


class FeedbackLoop:
    """``start()`` runs the feedback pass every ``interval`` seconds until ``stop()``."""

    def __init__(self, svc: Services, interval: float | None = None) -> None:
        self.svc = svc
        self.interval = interval or svc.settings.job_interval_seconds
        self.name = f"feedback-{os.getpid()}-{id(self)}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run_forever, name="samband-feedback", daemon=True)

    def run_pass(self) -> None:
        try:
            run_job(self.svc, "feedback", self.name, self.interval, self._job)
        except Exception:  # one bad pass must not end the loop; the next pass retries
            log.exception("feedback pass failed")

    def _job(self) -> None:
        runner.run_once(feedback_for(self.svc))

    def run_forever(self) -> None:
        while not self.stopping.wait(self.interval):
            self.run_pass()

    def start(self) -> FeedbackLoop:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
