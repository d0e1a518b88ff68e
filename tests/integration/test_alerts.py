"""Alerts on a real store: a dead letter reaches a loopback webhook and a loopback SMTP server once,
and not again within the interval; a failed alert is recorded and tried again; without a channel
the alert is recorded only; every alert is listed by ``GET /alerts``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from samband.features.feedback import runner
from samband.features.feedback import store as feedback_store
from samband.features.feedback.service import FeedbackService
from samband.gateway.alerts.check import run_alerts
from samband.gateway.alerts.conditions import NHN_CODES, REGISTER_CODES
from samband.gateway.store import deliveries as queue
from samband.gateway.store import repository as repo
from samband.gateway.store.alerts import failed_tries
from samband.gateway.store.deliveries import Outcome
from samband.gateway.store.repository import Direction, Kind, Status
from samband.kernel.envelope import Envelope
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.ke_support import IP_HEADERS
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver
from tests.support.smtp_server import LoopbackSmtp
from tools.scenarios.feedback import chain
from tools.scenarios.replay import encode

ROUTE = """
routes:
  - name: fagsystem
    target_format: as-is
    transport: http
    endpoint: {url}
    match: {message_types: [HELSEOPPLYSNINGER_LEGE]}
    retry: {delays: [30s], max_attempts: 3}
"""
JOB = 31  # past the job interval (30 s): the next worker pass runs the scheduled jobs again


@pytest.fixture(scope="module")
def webhook() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def smtp() -> Iterator[LoopbackSmtp]:
    server = LoopbackSmtp().start()
    yield server
    server.stop()


@pytest.fixture
def channels(webhook: Receiver, smtp: LoopbackSmtp) -> dict[str, Any]:
    """The two channels, emptied and answering; the settings that point the gateway at them."""
    webhook.requests.clear()
    webhook.status = 200
    smtp.received.clear()
    smtp.refuse = False
    return {
        "alert_webhook_url": webhook.url,
        "alert_smtp_host": smtp.host,
        "alert_smtp_port": smtp.port,
        "alert_smtp_starttls": False,
        "alert_email_from": "samband@kommune.example",
        "alert_email_to": ["drift@kommune.example"],
    }


def _gateway(
    factory: GatewayFactory, url: str, receivers: Callable[[], Receiver], status: int, **settings: Any
) -> tuple[Gateway, Receiver]:
    fagsystem = receivers()
    fagsystem.status = status
    return factory(url, ROUTE.replace("{url}", fagsystem.url), **settings), fagsystem


def _pass(gw: Gateway, seconds: float = JOB) -> None:
    """Move the clock on and let the worker deliver and run its due jobs."""
    gw.clock.advance(seconds)
    gw.drain()


def _alerts(gw: Gateway, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = gw.get("/alerts", **params)["items"]
    return items


def test_a_dead_letter_reaches_the_webhook_and_the_mailbox_once(
    database_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    channels: dict[str, Any],
    webhook: Receiver,
    smtp: LoopbackSmtp,
) -> None:
    gw, _ = _gateway(gateway_factory, database_url, receivers, 400, **channels)
    mid = gw.post(hodemelding()).json()["id"]
    _pass(gw)
    assert gw.get(f"/messages/{mid}")["status"] == "failed", "the receiver refused: a dead letter"
    _pass(gw)

    assert len(webhook.taken()) == 1 and len(smtp.messages()) == 1
    sent = json.loads(webhook.taken()[0].body)
    assert sent["condition"] == "dead-letter" and sent["count"] == 1
    assert sent["items"][0]["route"] == "fagsystem" and sent["items"][0]["code"] == "delivery.http-refused"
    assert sent["items"][0]["source"] == mid
    assert sent["gateway"]["her_id"] == "8140000"
    assert "patient" not in json.dumps(sent), "no patient identity leaves the gateway in an alert"
    mail_from, to, mail = smtp.messages()[0]
    assert (mail_from, to) == ("samband@kommune.example", ["drift@kommune.example"])
    assert "Dead letters: 1 deliveries given up" in str(mail["Subject"])
    body = mail.get_content()
    assert "route: fagsystem" in body and "code: delivery.http-refused" in body

    gw.post(hodemelding())  # a second dead letter within the interval: not sent yet
    for _ in range(3):
        _pass(gw)
    assert len(webhook.taken()) == 1 and len(smtp.messages()) == 1, "once per interval"

    _pass(gw, 3600)
    assert len(webhook.taken()) == 2 and len(smtp.messages()) == 2, "the next interval tells of the new one"
    assert json.loads(webhook.taken()[1].body)["count"] == 1, "only what died since the last alert"

    listed = _alerts(gw, condition="dead-letter")
    assert [(a["channel"], a["outcome"], a["count"]) for a in listed] == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ], "newest first"
    assert _alerts(gw, condition="failing") == []


def test_a_failed_alert_is_recorded_and_sent_at_a_later_pass(
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    channels: dict[str, Any],
    webhook: Receiver,
    smtp: LoopbackSmtp,
) -> None:
    gw, _ = _gateway(gateway_factory, sqlite_url, receivers, 400, **channels)
    webhook.status, smtp.refuse = 503, True
    gw.post(hodemelding())
    _pass(gw)
    _pass(gw)
    _pass(gw)
    assert webhook.refused == 3 and smtp.messages() == [], "tried at each pass"
    failed = _alerts(gw)
    rows = sorted((a["channel"], a["outcome"], a["error"]["code"]) for a in failed)
    assert rows == [
        ("email", "failed", "alert.email-failed"),
        ("webhook", "failed", "alert.webhook-failed"),
    ], "recorded once per interval, not at every pass"

    webhook.status, smtp.refuse = 200, False
    after = gw.post(hodemelding()).json()["id"]
    _pass(gw)
    assert gw.get(f"/messages/{after}")["status"] == "failed", "the worker kept working meanwhile"
    _pass(gw)
    assert len(webhook.taken()) == 1 and len(smtp.messages()) == 1
    assert json.loads(webhook.taken()[0].body)["count"] == 2, "both dead letters, the first one not lost"
    assert [a["outcome"] for a in _alerts(gw)][:2] == ["sent", "sent"]


def test_without_a_channel_the_alert_is_recorded_and_long_failures_are_one(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    gw, _ = _gateway(gateway_factory, sqlite_url, receivers, 503, alert_failing_after_seconds=600)
    gw.post(hodemelding())
    _pass(gw)
    assert _alerts(gw) == [], "failing for less than ten minutes is no alert yet"
    _pass(gw, 601)
    listed = _alerts(gw)
    assert [(a["condition"], a["channel"], a["outcome"], a["count"]) for a in listed] == [
        ("failing", "none", "recorded", 1)
    ]
    assert listed[0]["detail"]["items"][0]["route"] == "fagsystem"
    assert listed[0]["detail"]["items"][0]["code"] == "delivery.http-unavailable"
    assert set(gw.get("/alerts")["conditions"]) == {
        "dead-letter",
        "failing",
        "apprec-overdue",
        "adresseregister-unreachable",
        "nhn-unreachable",
        "feedback-problem",
    }
    assert gw.client.get("/alerts", params={"condition": "bogus"}, headers=AUTH).status_code == 400


def test_an_apprec_that_never_comes_and_failed_register_tries_are_alerts(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    gw, _ = _gateway(gateway_factory, sqlite_url, receivers, 200, apprec_timeout_seconds=3600)
    mid = gw.post(hodemelding()).json()["id"]
    _pass(gw)
    assert gw.get(f"/messages/{mid}")["status"] == "delivered"
    _pass(gw, 3601)
    overdue = _alerts(gw, condition="apprec-overdue")
    assert [(a["channel"], a["count"]) for a in overdue] == [("none", 1)]
    assert overdue[0]["detail"]["items"][0]["route"] == "fagsystem"

    now = gw.clock()
    envelope = Envelope(msg_id="ar-1", msg_type="HELSEOPPLYSNINGER_LEGE")
    with gw.services.engine.begin() as conn:
        out = repo.insert_message(
            conn,
            raw=b"<x/>",
            direction=Direction.OUTBOUND,
            kind=Kind.TRANSLATION,
            envelope=envelope,
            status=Status.PENDING,
            now=now,
        )
        did = queue.enqueue(
            conn,
            message_id=out,
            source_id=mid,
            route="ar-rute",
            transport="http",
            endpoint=None,
            target_format="as-is",
            schedule={},
            now=now,
        )
        (delivery,) = queue.claim_due(conn, "w", now, timedelta(seconds=30), 5, set())
        attempt = queue.start_attempt(conn, delivery, "w", now, timedelta(seconds=30))
        assert attempt is not None and delivery.id == did
        queue.finish_attempt(
            conn, did, attempt, now, Outcome.FAILED, error_code="registry.unavailable", next_attempt_at=now
        )
    with gw.services.reads.begin() as conn:
        found = failed_tries(conn, now - timedelta(seconds=1), REGISTER_CODES)
        assert found.count == 1 and found.items[0]["code"] == "registry.unavailable"
        assert failed_tries(conn, now - timedelta(seconds=1), NHN_CODES).count == 0
    gw.clock.advance(1)
    raised = run_alerts(gw.services)
    assert [(r.condition, r.count) for r in raised] == [("adresseregister-unreachable", 1)]


def test_the_feedback_features_operator_events_go_out_as_alerts_too(
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    channels: dict[str, Any],
    webhook: Receiver,
) -> None:
    gw, _ = _gateway(gateway_factory, sqlite_url, receivers, 200, **channels)
    now = gw.clock()
    with gw.services.engine.begin() as conn:
        feedback_store.alert(conn, "41019912345", "no-gp-address", now, rule="F1")
        feedback_store.alert(conn, "41019912345", "apprec-missing-final", now, msg_id="m-1", rule="F3")
        feedback_store.alert(conn, "41019912345", "coordinator-task", now, rule="F5", text="Ring pasienten")
    _pass(gw)
    [sent] = [json.loads(t.body) for t in webhook.taken()]
    assert sent["condition"] == "feedback-problem" and sent["count"] == 2, "a coordinator's task is no alert"
    assert {(i["kind"], i["rule"]) for i in sent["items"]} == {
        ("no-gp-address", "F1"),
        ("apprec-missing-final", "F3"),
    }
    assert "41019912345" not in webhook.taken()[0].body.decode(), "no patient identity leaves the gateway"


def test_an_ip_export_feedback_could_not_read_leads_the_operator_to_the_patient(
    sqlite_url: str,
    gateway_factory: GatewayFactory,
    receivers: Callable[[], Receiver],
    channels: dict[str, Any],
    webhook: Receiver,
) -> None:
    """Feedback turned on after a plan's full export was taken in: the next delta is a revision gap
    for it. The alert names no national id, but the refused export's internal id and the console
    pages where the operator finds it and, through it, the patient."""
    gw = gateway_factory(sqlite_url, **channels)  # the built-in routes take ip-exports in
    for step in (step for steps in chain().values() for step in steps):  # until a delta is taken in
        answer = gw.client.post("/ip-exports", content=encode(step), headers=IP_HEADERS)
        assert answer.status_code == 202, answer.text
        if step.export.export_kind == "delta":
            break
    refused_id = answer.json()["id"]
    outcome = runner.handle_message(FeedbackService(gw.services), refused_id, "ip-export")
    assert outcome == "ip-export.revision-gap"
    _pass(gw)
    [sent] = [json.loads(t.body) for t in webhook.taken()]
    assert sent["condition"] == "feedback-problem"
    [item] = sent["items"]
    assert (item["kind"], item["code"], item["message"]) == (
        "feedback-input-refused",
        "ip-export.revision-gap",
        refused_id,
    )
    assert item["console"] == f"/console#/message/{refused_id}"
    assert item["patient_page"] == f"/console#/patient-of/{refused_id}"
    national_id = step.export.plan.subject.national_id.value
    assert national_id not in webhook.taken()[0].body.decode(), "no national id leaves the gateway"
    shown = _alerts(gw, condition="feedback-problem")  # one per channel
    assert {a["channel"] for a in shown} == {"webhook", "email"}
    pages = {a["detail"]["items"][0]["patient_page"] for a in shown}
    assert pages == {item["patient_page"]}, "the console's Alerts page links it"
    assert gw.get(f"/messages/{refused_id}")["patient"] == national_id, "the message leads to the patient"
