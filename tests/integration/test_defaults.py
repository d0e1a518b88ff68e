"""A fresh gateway with no route file makes no failure of its own: the KE-loop chains (a GP's flag, the
IP tool's exports, the hospital's messages) and the repository's test messages, posted to it, leave
no failed message and no dead letter; what it composes for GPs lands in the file-drop outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from samband.features.feedback import runner
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.wiring import use_feedback
from samband.gateway.routing.routes import DEFAULT_OUTBOX
from samband.gateway.store import deliveries as queue
from samband.integrations.adresseregister import ArClient, CachedRegistry
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.ke_support import AR_PARTIES, IP_HEADERS
from tests.support.soap_server import Register, serve
from tools.scenarios.feedback import chain, flag, hospital_message
from tools.scenarios.replay import encode

OSLO = ZoneInfo("Europe/Oslo")
MESSAGES = Path(__file__).resolve().parents[1] / "messages"


def _run(gw: Gateway, fb: FeedbackService) -> None:
    gw.drain()
    runner.run_once(fb)
    gw.drain()


def test_a_fresh_gateway_given_the_corpus_makes_no_failed_or_dead_message(
    gateway_factory: GatewayFactory, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the outbox is ./var/outbox/gp, beside the default store
    gw = gateway_factory(sqlite_url)  # no route file: the built-in defaults
    for ar in serve(Register(parties=dict(AR_PARTIES))):
        fb = FeedbackService(gw.services, registry=CachedRegistry(ArClient(ar.url, timeout=2.0)))
        use_feedback(gw.services, fb)
        gw.clock.moment = datetime(2026, 1, 9, 11, 0, tzinfo=OSLO).astimezone(UTC)
        assert gw.client.post("/referrals", json=flag(), headers=AUTH).status_code == 202
        _run(gw, fb)
        for steps in chain().values():
            for step in steps:
                gw.clock.moment = step.export.generated_at.astimezone(UTC) + timedelta(minutes=5)
                answer = gw.client.post("/ip-exports", content=encode(step), headers=IP_HEADERS)
                assert answer.status_code == 202, answer.text
                _run(gw, fb)
            local = gw.clock.moment.astimezone(OSLO)
            gw.clock.moment = datetime.combine(local.date(), time(15, 5), OSLO).astimezone(UTC)
            _run(gw, fb)
        hospital = hospital_message("LOG_INNLAGT", "1", "2026-05-04T22:10:00+02:00")
        others = [
            hospital,
            *(p.read_bytes() for f in ("plo", "dialogmelding") for p in (MESSAGES / f).glob("*.xml")),
        ]
        for raw in others:
            assert gw.post(raw).status_code in (202, 422)
        _run(gw, fb)

    failed = gw.get("/messages", status="failed", count="exact")
    assert failed["total"] == 0, [(m["type"], m["kind"], m["route"]) for m in failed["items"]]
    with gw.services.reads.begin() as conn:
        pending, _oldest, _stale, dead = queue.queue_stats(conn, gw.services.now())
    assert (pending, dead) == (0, 0)
    dropped = sorted((tmp_path / DEFAULT_OUTBOX).glob("*.xml"))
    assert len(dropped) >= 10, "the referral and the GP feedback are in the outbox"
    assert all(b"<MsgHead" in p.read_bytes()[:2000] for p in dropped)
    defaults = gw.get("/routes")["defaults"]  # what the console's note on the outbox says
    assert defaults == {"outbox_route": "outbox", "outbox": DEFAULT_OUTBOX, "folder": str(dropped[0].parent)}
