"""The KE-loop chains of ``samband corpus``, run through a real gateway on a temporary SQLite store.

The same path a deployment takes (domain.md §5): the GP tool's flags to ``/referrals``, the IP tool's
exports and the hospital's Pasientlogistikk into the pipeline, the delivery worker, the feedback job
and the GP's AppRec (HIS 80415) for each message it took, on a clock moved step by step. What the GP
and the KE would receive is recorded by the transports instead of being sent anywhere.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from samband.adapters.apprec import build_apprec, serialize_apprec
from samband.adapters.msghead import parse_msghead
from samband.adapters.registry.ar_model import CommunicationParty
from samband.features.feedback import runner
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.wiring import use_feedback
from samband.features.referrals.flag import IdentificationFlag
from samband.features.referrals.service import submit
from samband.features.registry import MIGRATIONS
from samband.gateway import pipeline
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt
from samband.gateway.delivery.worker import DeliveryWorker, default_transports
from samband.gateway.runtime import Services, start_services
from samband.gateway.settings import Settings
from samband.kernel.errors import NoRouteMatched
from tools.scenarios.build import Step
from tools.scenarios.feedback import GP_PERSON_HER, chain, flag, hospital_message
from tools.scenarios.replay import encode

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 1, 9, 11, 0, tzinfo=OSLO)


def routes(gp_endpoint: str, ke_endpoint: str) -> str:
    """The KE loop's route file: inbound into the FHIR store, GP messages and referrals out as-is."""
    return f"""
routes:
  - {{name: store, match: {{source_formats: [ip-export, fhir]}}, target_format: fhir, transport: fhir-store}}
  - name: hospital-and-gp-in
    match:
      source_formats: [msghead]
      message_types: [LOG_INNLAGT, LOG_UTSKREVET, DIALOG_AVVIK, DIALOG_SVAR]
    target_format: fhir
    transport: fhir-store
  - name: to-gp
    match:
      source_formats: [msghead]
      message_types: [DIALOG_NOTAT, DIALOG_FORESPORSEL, ORIENTERING_TJENESTETILBUD]
    target_format: as-is
    transport: http
    endpoint: {gp_endpoint}
  - name: to-ke
    match: {{source_formats: [msghead], message_types: [MEDISINSKE_OPPLYSNINGER]}}
    target_format: as-is
    transport: http
    endpoint: {ke_endpoint}
"""


ROUTES = routes("https://gp.corpus.invalid/in", "https://ke.corpus.invalid/in")
# Dr. Liv Berg as the NHN Adresseregister lists her: a person at Sentrum legekontor (HIS 1153).
DR_BERG = CommunicationParty(
    her_id=GP_PERSON_HER,
    name="Liv Berg",
    type="Person",
    parent_her_id="80101",
    parent_name="Sentrum legekontor",
    person_name="Liv Berg",
    hpr="9100001",
)


class Recorder:
    """A transport that keeps what it is given, in order, as a receiver that answers 200 would."""

    def __init__(self) -> None:
        self.taken: list[bytes] = []

    def send(self, request: DeliveryRequest) -> Receipt:
        self.taken.append(request.payload)
        return Receipt(status_code=200, remote_id=request.message_id)


class LocalRegistry:
    """The Adresseregister for the corpus: Dr. Berg by HER-id or HPR number, nobody else."""

    def communication_party(self, her_id: str) -> CommunicationParty:
        if her_id != DR_BERG.her_id:
            raise NoRouteMatched(f"HER-id {her_id} is not listed", code="ar.unknown-her-id", received=her_id)
        return DR_BERG

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        return (DR_BERG,) if ident in (DR_BERG.her_id, DR_BERG.hpr) else ()


@dataclass
class LoopResult:
    """What the run gave: the gateway's answers to the flags, what the KE and the GP received."""

    flags: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    referral: bytes = b""
    inbound: dict[str, list[bytes]] = field(default_factory=dict)
    feedback: dict[str, list[bytes]] = field(default_factory=dict)


@dataclass
class Chain:
    """The gateway under a moved clock, with the GP and KE recorders and the feedback service."""

    svc: Services
    fb: FeedbackService
    worker: DeliveryWorker
    gp: Recorder
    ke: Recorder
    moment: datetime = START
    answered: int = 0
    inbound: list[bytes] = field(default_factory=list)

    def at(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)

    def drain(self) -> None:
        for _ in range(50):
            if not self.worker.run_once():
                return
        raise RuntimeError("the delivery worker never ran out of work")

    def run(self) -> None:
        self.drain()
        runner.run_once(self.fb)
        self.drain()
        self.answer_apprecs()
        runner.run_once(self.fb)

    def take(self, raw: bytes, content_type: str = "application/xml", fmt: str | None = None) -> None:
        """Into the pipeline as an endpoint takes it; a Hodemelding is kept as an inbound message."""
        if fmt is None:
            self.inbound.append(raw)
        outcome = pipeline.receive(self.svc, raw, content_type, format=fmt)
        if outcome.errors:
            raise RuntimeError(f"the gateway refused a corpus message: {outcome.errors}")

    def answer_apprecs(self) -> None:
        """The GP's EPJ answers every message it took with a positive AppRec."""
        for taken in self.gp.taken[self.answered :]:
            self.take(serialize_apprec(build_apprec(parse_msghead(taken), status="1", now=self.moment)))
        self.answered = len(self.gp.taken)
        self.drain()

    def end_of_day(self) -> None:
        """The daily digest job after 15:00 local time on the current day."""
        local = self.moment.astimezone(OSLO)
        self.at(datetime.combine(local.date(), time(15, 5), OSLO))
        self.run()

    def post_export(self, step: Step) -> None:
        log = step.export.plan.change_log
        moment = max(e.timestamp for e in log) if log else step.export.generated_at
        self.at(moment + timedelta(minutes=5))
        self.take(encode(step), "application/json", "ip-export")
        self.run()

    def post_flag(self, data: dict[str, Any]) -> dict[str, Any]:
        return submit(self.fb, IdentificationFlag.model_validate(data))

    def gp_messages(self) -> list[bytes]:
        taken = list(self.gp.taken)
        self.gp.taken.clear()
        self.answered = 0
        return taken

    def inbound_messages(self) -> list[bytes]:
        taken = list(self.inbound)
        self.inbound.clear()
        return taken


def start_chain(folder: Path) -> Chain:
    routes = folder / "routes.yaml"
    routes.write_text(ROUTES, encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'corpus.db'}", routes=routes, worker_enabled=False, dev_api_key="-"
    )
    svc = start_services(settings, migrations=MIGRATIONS)
    gp, ke = Recorder(), Recorder()
    chain_ = Chain(svc, FeedbackService(svc, registry=LocalRegistry()), DeliveryWorker(svc), gp, ke)
    svc.now = lambda: chain_.moment
    use_feedback(svc, chain_.fb)
    transports = {**default_transports(svc), "http": lambda route: gp if route.name == "to-gp" else ke}
    chain_.worker = DeliveryWorker(svc, transports=transports, name="corpus")
    return chain_


def _referral(c: Chain, result: LoopResult) -> None:
    """Scenario 1: the declined flag stays in the GP office, the referred one goes to the KE, whose
    system answers with a positive AppRec."""
    c.at(START)
    for name, data in (("declined", flag("declined-by-patient", False, "flag-other")), ("referred", flag())):
        result.flags[name] = (data, c.post_flag(data))
    c.run()
    [result.referral] = c.ke.taken
    c.inbound.insert(0, result.referral)
    c.take(serialize_apprec(build_apprec(parse_msghead(result.referral), status="1", now=c.moment)))
    c.drain()
    if c.gp_messages():
        raise RuntimeError("the referral itself gives the GP no message")


def run_loop(progress: Callable[[str], None] = lambda scenario: None) -> LoopResult:
    """Every chain through a fresh gateway; ``progress`` is told each scenario as it finishes."""
    result = LoopResult()
    with tempfile.TemporaryDirectory(prefix="samband-corpus-") as tmp:
        c = start_chain(Path(tmp))
        try:
            _referral(c, result)
            for scenario, steps in chain().items():
                for step in steps:
                    c.post_export(step)
                    if scenario == "s08-hospital" and step.name == "01-admitted":
                        c.take(hospital_message("LOG_INNLAGT", "1", "2026-05-04T22:10:00+02:00"))
                        c.run()
                c.end_of_day()
                result.feedback[scenario] = c.gp_messages()
                result.inbound[scenario] = c.inbound_messages()
                progress(scenario)
        finally:
            c.svc.engine.dispose()
    return result
