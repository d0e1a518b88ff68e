"""GP feedback addressed through the Adresseregister REST API on SQLite, in the real flow: an
ip-export makes feedback look the GP up inside its own write transaction, and the answer is kept in
the store's cache through that transaction (a write of its own would wait for it until "database is
locked"). A register that cannot answer leaves the message addressed as the referral says and
raises the ``adresseregister-unreachable`` alert."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from samband.features.feedback.wiring import build_feedback, use_feedback
from samband.gateway.alerts.conditions import CONDITIONS, Check
from samband.gateway.store.tables import register_cache
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.ke_support import GP_PERSON_HER, OSLO, Loop, flag, routes
from tests.integration.receiver import Receiver
from tests.support.ar_rest_server import RestRegister, rest_party, running_rest_register
from tests.support.soap_server import SoapServer
from tests.support.token_issuer import AUDIENCE, TokenIssuer, running_issuer
from tools.scenarios.feedback import chain

CLIENT_ID = "samband-feedback"
PRACTICE = "Legesenteret etter registeret"  # only the register says so: it was asked
PARTIES = {
    int(GP_PERSON_HER): rest_party(
        int(GP_PERSON_HER),
        "Liv Berg",
        "Person",
        parent=(80101, PRACTICE, "999000101"),
        hpr=9100001,
        edi="sentrum@edi.nhn.no",
    ),
    80101: rest_party(80101, PRACTICE, "Organization", orgnr="999000101", edi="sentrum@edi.nhn.no"),
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as started:
        yield started


@pytest.fixture(scope="module")
def register(issuer: TokenIssuer) -> Iterator[RestRegister]:
    with running_rest_register(issuer, PARTIES) as started:
        yield started


@pytest.fixture
def loop(
    issuer: TokenIssuer,
    register: RestRegister,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Loop:
    key = RSAKey.generate_key(2048, parameters={"kid": "samband-feedback-1"}, private=True)
    issuer.register_client(CLIENT_ID, RSAKey.import_key(key.as_dict(private=False)))
    key_path = tmp_path / "client.jwk"
    key_path.write_text(json.dumps(key.as_dict(private=True)))
    for name, value in {
        "SAMBAND_ADRESSEREGISTER_API": "rest",
        "SAMBAND_AR_REST_URL": register.url,
        "SAMBAND_AR_HELSEID_TOKEN_URL": issuer.token_url,
        "SAMBAND_AR_HELSEID_CLIENT_ID": CLIENT_ID,
        "SAMBAND_AR_HELSEID_KEY_PATH": str(key_path),
        "SAMBAND_AR_HELSEID_ISSUER": issuer.issuer,
        "SAMBAND_AR_HELSEID_RESOURCE": AUDIENCE,
    }.items():
        monkeypatch.setenv(name, value)
    gp, ke = receivers(), receivers()
    gw = gateway_factory(f"sqlite:///{tmp_path / 'samband.db'}", routes(gp, ke))
    feedback = build_feedback(gw.services)
    use_feedback(gw.services, feedback)
    return Loop(gw, feedback, gp, ke, cast(SoapServer, None))  # no SOAP register: the REST one


def first_gp_message(loop: Loop) -> bytes:
    """The referral, then the first scenario's ip-exports until feedback has written to the GP."""
    loop.at(datetime(2026, 1, 9, 11, 0, tzinfo=OSLO))
    assert loop.gw.client.post("/referrals", json=flag(), headers=AUTH).status_code == 202
    loop.run()
    for step in chain()["s01-referral"]:
        loop.post_export(step)
    loop.end_of_day()
    sent = loop.gp_messages()
    assert sent, "feedback wrote to the GP"
    return sent[0]


def test_the_gp_is_looked_up_inside_the_feedback_transaction_and_kept(
    loop: Loop, register: RestRegister
) -> None:
    register.failing = None
    message = first_gp_message(loop)
    assert PRACTICE.encode() in message
    assert any(call.startswith("GET /api/v1/communicationparty") for call in register.answered)
    with loop.gw.services.engine.begin() as conn:
        kept = {(row.kind, row.key) for row in conn.execute(select(register_cache))}
    assert ("party", GP_PERSON_HER) in kept


def test_a_register_that_cannot_answer_raises_its_alert(loop: Loop, register: RestRegister) -> None:
    register.failing = 503
    try:
        message = first_gp_message(loop)
    finally:
        register.failing = None
    assert GP_PERSON_HER.encode() in message and PRACTICE.encode() not in message  # as the referral said
    with loop.gw.services.engine.begin() as conn:
        settings = loop.gw.services.settings.model_copy(update={"alert_interval_seconds": 30 * 86400})
        check = Check(loop.gw.clock(), None, settings)  # the scenario's days, not the last hour
        found = CONDITIONS["adresseregister-unreachable"].find(conn, check)
    assert found.count >= 1
    assert {(i["route"], i["code"]) for i in found.items} == {("adresseregister", "registry.unavailable")}
