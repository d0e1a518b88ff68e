"""Temporary in-process gateways for an acceptance run: each on its own SQLite file, copied from one
migrated template, set up as the folder's receiving system (``receiver``), receiving through the
pipeline and delivering with a worker of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from samband.adapters.apprec import AppRec, parse_apprec
from samband.gateway import pipeline
from samband.gateway.acceptance.receiver import Receiver
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.outcome import Outcome
from samband.gateway.routing import DEFAULT_ROUTES
from samband.gateway.runtime import Services, start_services
from samband.gateway.settings import Settings
from samband.gateway.store import repository as repo
from samband.gateway.store.receipts import sent_receipt
from samband.gateway.store.repository import Status
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Severity

CONTENT_TYPE = "application/xml"
MAX_DELIVERY_PASSES = 20


@dataclass(frozen=True)
class Got:
    """What the gateway did with one message: verdict, its status, and the AppRec it produced."""

    verdict: str  # accept | warn | refuse, or failed / deferred when it gave no answer at all
    status: str
    apprec_status: str | None = None
    error_codes: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # the codes of the warnings stored with the message


def verdict_of(status: str, apprec_status: str | None, warnings: tuple[str, ...] = ()) -> str:
    """Refused: rejected or answered Avvist (2); a warning: taken in with warnings, or AppRec 3."""
    if status == Status.REJECTED or apprec_status == "2":
        return "refuse"
    if status == Status.FAILED:
        return "failed"
    if status == Status.RECEIVED:
        return "deferred"
    if warnings or apprec_status == "3":
        return "warn"
    return "accept"


class Gateway:
    """One temporary gateway: receive a message, deliver what it queued, read back the answer."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.worker = DeliveryWorker(svc, name="samband-acceptance")
        self.taken: dict[Path, list[Outcome]] = {}

    def take(self, path: Path, times: int = 1) -> None:
        """Receive the file ``times`` times (a repeat is the same file again); read back by ``answers``."""
        self.taken[path] = [self.receive(path.read_bytes()) for _ in range(times)]

    def answers(self) -> dict[Path, Got]:
        """What each taken file got, read once all are in (a change held for its original is answered
        when the original comes); a repeat's own status follows the first's."""
        answers = {}
        for path, (first, *again) in self.taken.items():
            got = self.observe(first)
            repeats = ", ".join(f"again: {self.observe(outcome).status}" for outcome in again)
            answers[path] = replace(got, status=f"{got.status}, {repeats}") if repeats else got
        return answers

    def receive(self, raw: bytes) -> Outcome:
        """Receive ``raw`` as a post would, then deliver what is due (so its AppRec is given)."""
        outcome = pipeline.receive(self.svc, raw, CONTENT_TYPE)
        for _ in range(MAX_DELIVERY_PASSES):
            if not self.worker.deliver_due():
                break
        return outcome

    def observe(self, outcome: Outcome) -> Got:
        """The message's own status (a repeat's, not its original's) and the AppRec it was given."""
        with self.svc.reads.begin() as conn:
            message = repo.get_message(conn, outcome.received_id or outcome.id)
            receipt = sent_receipt(conn, outcome.id)
            apprec_id = outcome.apprec_id or (receipt["apprec_id"] if receipt else None)
            raw = repo.get_raw(conn, apprec_id) if apprec_id else None
        status = message.status if message is not None else outcome.status
        warnings = _warnings(message.issues if message is not None else [])
        apprec = _parse(raw)
        if apprec is None:
            return Got(verdict_of(status, None, warnings), status, warnings=warnings)
        codes = tuple(e.v or "" for e in apprec.errors)
        texts = tuple(" ".join((e.ot or e.dn or "").split()) for e in apprec.errors)
        verdict = verdict_of(status, apprec.status.v, warnings)
        return Got(verdict, status, apprec.status.v, codes, texts, warnings)

    def close(self) -> None:
        self.svc.engine.dispose()


class Gateways:
    """Makes fresh gateways in ``workdir``: the store is migrated once and copied for each."""

    def __init__(self, settings: Settings, migrations: Sequence[Path], workdir: Path) -> None:
        self.settings = settings
        self.workdir = workdir
        self.template = workdir / "template.db"
        self.made = 0
        template = start_services(_on(settings, self.template), DEFAULT_ROUTES, migrations=migrations)
        template.engine.dispose()

    def fresh(self, receiver: Receiver) -> Gateway:
        """A gateway set up as ``receiver`` on a copy of the migrated store."""
        self.made += 1
        target = self.workdir / f"gateway-{self.made}.db"
        shutil.copyfile(self.template, target)
        settings = _on(receiver.settings, target)
        return Gateway(start_services(settings, routes=receiver.routes, migrate=False))


def _on(settings: Settings, database: Path) -> Settings:
    """``settings`` for a gateway of the run: its own SQLite file, no worker thread."""
    update = {"database_url": f"sqlite:///{database}", "worker_enabled": False, "routes": None}
    return settings.model_copy(update=update)


def _warnings(issues: list[dict[str, Any]]) -> tuple[str, ...]:
    """The distinct codes of the warnings among a message's stored issues, in their order."""
    codes = (str(i.get("code")) for i in issues if i.get("severity") == Severity.WARNING)
    return tuple(dict.fromkeys(codes))


def _parse(raw: bytes | None) -> AppRec | None:
    if not raw:
        return None
    try:
        return parse_apprec(raw)
    except GatewayError:
        return None
