"""Shared by the KE loop tests: the running gateway with a GP and a KE receiver, a local
Adresseregister, a feedback service and a controllable clock; the synthetic flag and messages come
from tools.scenarios.feedback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from samband.adapters.apprec import build_apprec, serialize_apprec
from samband.adapters.msghead import parse_msghead
from samband.features.feedback import runner
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.wiring import use_feedback
from samband.integrations.adresseregister import ArClient, CachedRegistry
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.receiver import Receiver
from tests.support.soap_server import Party, Register, SoapServer, serve
from tools.corpus import loop as corpus_loop
from tools.scenarios.build import Step
from tools.scenarios.feedback import GP_PERSON_HER, flag, hospital_message
from tools.scenarios.replay import encode

__all__ = ["GP_PERSON_HER", "flag", "hospital_message"]

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "feedback"
OSLO = ZoneInfo("Europe/Oslo")
IP_HEADERS = {**AUTH, "Content-Type": "application/json"}
VOLATILE = (
    (re.compile(rb"<MsgId>[^<]+</MsgId>"), b"<MsgId>MSGID</MsgId>"),
    (re.compile(rb"<GenDate>[^<]+</GenDate>"), b"<GenDate>GENDATE</GenDate>"),
    (re.compile(rb'<IssueDate V="[^"]+"/>'), b'<IssueDate V="ISSUEDATE"/>'),
    (re.compile(rb"<RefToParent>[^<]+</RefToParent>"), b"<RefToParent>REFERRAL</RefToParent>"),
    (
        re.compile(rb"<RefToConversation>[^<]+</RefToConversation>"),
        b"<RefToConversation>REFERRAL</RefToConversation>",
    ),
)


def routes(gp: Receiver, ke: Receiver) -> str:
    return corpus_loop.routes(gp.url, ke.url)


@dataclass
class Loop:
    gw: Gateway
    fb: FeedbackService
    gp: Receiver
    ke: Receiver
    ar: SoapServer
    answered: int = 0

    def at(self, moment: datetime) -> None:
        self.gw.clock.moment = moment.astimezone(UTC)

    def run(self) -> None:
        self.gw.drain()
        runner.run_once(self.fb)
        self.gw.drain()
        self.answer_apprecs()
        runner.run_once(self.fb)

    def answer_apprecs(self, status: str = "1") -> None:
        """The GP's EPJ answers every message it took with an AppRec (HIS 80415), as a real one does."""
        for taken in self.gp.requests[self.answered :]:
            apprec = build_apprec(parse_msghead(taken.body), status=status, now=self.gw.clock.moment)
            assert self.gw.post(serialize_apprec(apprec)).status_code in (200, 202)
        self.answered = len(self.gp.requests)
        self.gw.drain()

    def end_of_day(self) -> None:
        """The daily digest job after 15:00 local time on the current day."""
        local = self.gw.clock.moment.astimezone(OSLO)
        self.at(datetime.combine(local.date(), time(15, 5), OSLO))
        self.run()

    def post_export(self, step: Step) -> None:
        moment = (
            max(e.timestamp for e in step.export.plan.change_log) if step.export.plan.change_log else None
        )
        self.at((moment or step.export.generated_at) + timedelta(minutes=5))
        posted = self.gw.client.post("/ip-exports", content=encode(step), headers=IP_HEADERS)
        assert posted.status_code == 202, posted.text
        self.run()

    def gp_messages(self) -> list[bytes]:
        taken = [r.body for r in self.gp.requests]
        self.gp.requests.clear()
        self.answered = 0
        return taken


AR_PARTIES = {
    int(GP_PERSON_HER): Party(
        her_id=int(GP_PERSON_HER),
        name="Liv Berg",
        parent_her_id=80101,
        parent_name="Sentrum legekontor",
        first_name="Liv",
        last_name="Berg",
        hpr=9100001,
    ),
}


@pytest.fixture(name="loop")
def loop_fixture(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> Iterator[Loop]:
    gp, ke = receivers(), receivers()
    gw = gateway_factory(database_url, routes(gp, ke))
    for ar in serve(Register(parties=dict(AR_PARTIES))):
        registry = CachedRegistry(ArClient(ar.url, timeout=2.0), clock=gw.services.now)
        fb = FeedbackService(gw.services, registry=registry)
        use_feedback(gw.services, fb)
        yield Loop(gw, fb, gp, ke, ar)


def masked(raw: bytes) -> bytes:
    for pattern, replacement in VOLATILE:
        raw = pattern.sub(replacement, raw)
    return raw
