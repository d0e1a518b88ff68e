"""No patient's national id or name in the service's log.

Runs the real ``samband serve`` (its own logging set-up, stderr into a file), posts every official
sample and every acceptance test message to the endpoint for its format, plus ``/referrals`` bodies
that fail validation (one of them with a NaN, which used to break the error handler and log the
request body), lets the worker translate what was accepted, stops the server, then looks for every
national id and every patient name of those documents in the log.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from lxml import etree

from samband.adapters.ident.person import check_digits_ok, synthetic_fnr
from samband.gateway.logs import mask_national_ids
from tests.conftest import REFERENCE, ROOT, SAMPLES
from tests.integration.conftest import AUTH as INTEGRATION_AUTH
from tests.integration.conftest import GatewayFactory

KEY = "log-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
ACCEPTANCE = REFERENCE / "acceptance" / "cases"
NAME_ELEMENTS = ("FamilyName", "GivenName", "MiddleName")
ELEVEN = re.compile(rb"(?<!\d)\d{11}(?!\d)")


def documents() -> list[Path]:
    return sorted(p for folder in (SAMPLES, ACCEPTANCE) for p in folder.rglob("*.xml"))


def national_ids(raw: bytes) -> set[str]:
    return {m.decode() for m in ELEVEN.findall(raw) if check_digits_ok(m.decode())}


def patient_names(raw: bytes) -> set[str]:
    """Family, given and middle names of every Patient element, whole and word by word."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    start = raw.find(b"<")
    try:
        root = etree.fromstring(raw[start:] if start > 0 else raw, parser)
    except etree.XMLSyntaxError:
        return set()
    if root is None:
        return set()
    names: set[str] = set()
    for patient in root.iter("{*}Patient"):
        for element in patient.iter(*(f"{{*}}{name}" for name in NAME_ELEMENTS)):
            text = (element.text or "").strip()
            names |= {text, *text.split()} if text else set()
    return {name for name in names if len(name) >= 2}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``samband serve`` on a free port with its log in a file; stopped (SIGINT) when the test ends."""
    port, log = _free_port(), tmp_path / "serve.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SAMBAND_DATABASE_URL": f"sqlite:///{tmp_path / 'samband.db'}",
        "SAMBAND_DEV_API_KEY": KEY,
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
    }
    env.pop("SAMBAND_ROUTES", None)
    command = [sys.executable, "-c", "from samband.gateway.cli.main import main; main()"]
    with log.open("wb") as out:
        server = subprocess.Popen([*command, "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise AssertionError(f"samband serve did not start:\n{log.read_text()}")
        time.sleep(0.1)
    try:
        yield base, log
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def referral(patient: object, **more: object) -> dict[str, object]:
    return {
        "flagId": "flag-log",
        "patientRef": "epj-1",
        "tool": {"name": "Medrave4"},
        "flaggedAt": "2026-01-05T10:00:00+01:00",
        "criteriaHit": [{"criterion": "age-band", "value": "70-79"}],
        "gpDecision": "referred",
        "consent": {"given": True},
        "patient": patient,
        "gp": {"name": "Liv Berg", "herId": "80111", "officeName": "Sentrum", "officeHer": "80101"},
        "receiver": {"name": "Steinkjer", "herId": "80001", "serviceName": "KE", "serviceHer": "80003"},
        **more,
    }


def _post(client: httpx.Client, raw: bytes) -> httpx.Response:
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if b"Envelope" in raw[:4000] and b"soap" in raw[:4000].lower():
        content_type = "text/xml" if start.startswith(b"<") else "message/rfc822"
        return client.post("/ebxml", content=raw, headers={**AUTH, "Content-Type": content_type})
    return client.post("/messages", content=raw, headers={**AUTH, "Content-Type": "application/xml"})


@pytest.mark.slow
def test_the_service_log_holds_no_national_id_and_no_patient_name(served: tuple[str, Path]) -> None:
    base, log = served
    paths = documents()
    assert len(paths) > 100, "the reference samples and acceptance cases are missing"
    ids: set[str] = set()
    names: set[str] = set()
    answers: list[int] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in paths:
            raw = path.read_bytes()
            ids |= national_ids(raw)
            names |= patient_names(raw)
            answers.append(_post(client, raw).status_code)
        kari = {"nationalId": sorted(ids)[0], "givenName": "Kari", "familyName": "Nordmann"}
        names |= {"Kari", "Nordmann"}
        for body, status in (
            (referral({**kari, "shoeSize": math.nan}), 422),  # NaN in an error's input
            (referral({"nationalId": kari["nationalId"], "givenName": "Kari"}), 422),  # missing name
            (referral({**kari, "nationalId": "12345678901"}), 422),  # bad check digits
            (referral(kari, riskScore="Kari Nordmann " + kari["nationalId"]), 422),
        ):
            answer = client.post(
                "/referrals",
                content=json.dumps(body, allow_nan=True),
                headers={**AUTH, "Content-Type": "application/json"},
            )
            assert answer.status_code == status, answer.text
        echoed = answer.json()["errors"][0]
        assert echoed["code"] == "request.invalid-body"
        assert echoed["received"].startswith("Kari Nordmann"), "the caller gets the input back"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = client.get("/messages", headers=AUTH, params={"status": "received", "limit": 1})
            if pending.json()["total"] == 0:
                break
            time.sleep(0.5)
    assert 202 in answers and 422 in answers, answers
    assert ids and names, "no patient found in the documents: is the extraction broken?"

    text = log.read_text(encoding="utf-8", errors="replace")
    assert "samband on http://" in text and "POST /referrals refused" in text, text[-2000:]
    leaked_ids = sorted(i for i in ids if i in text)
    leaked_names = sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    assert not leaked_ids, f"national ids in the log: {leaked_ids}"
    assert not leaked_names, f"patient names in the log: {leaked_names}\n{text[-3000:]}"
    assert mask_national_ids(kari["nationalId"]) == kari["nationalId"][:6] + "*****"


def test_a_referral_that_fails_validation_is_answered_and_logged_without_its_body(
    sqlite_url: str, gateway_factory: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    gw = gateway_factory(sqlite_url)
    fnr = synthetic_fnr(date(1953, 4, 12))
    body = referral({"nationalId": fnr, "givenName": "Kari", "shoeSize": 42.5})
    with caplog.at_level(logging.INFO, logger="samband"):
        answer = gw.client.post(
            "/referrals",
            content=json.dumps(body),
            headers={**INTEGRATION_AUTH, "Content-Type": "application/json"},
        )
        nan = gw.client.post(
            "/referrals",
            content=json.dumps(referral({"nationalId": fnr, "shoeSize": math.nan}), allow_nan=True),
            headers={**INTEGRATION_AUTH, "Content-Type": "application/json"},
        )
    assert nan.status_code == 422 and nan.json()["errors"][0]["code"] == "json.not-finite"
    assert fnr not in nan.text, "a JSON read refused says where, not what the body held"
    assert answer.status_code == 422
    errors = {e["where"]: e for e in answer.json()["errors"]}
    assert errors["body.patient.shoeSize"]["received"] == 42.5
    assert errors["body.patient.familyName"]["received"]["givenName"] == "Kari"
    [line] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert line == (
        "POST /referrals refused: 2 invalid field(s): body.patient.familyName (missing), "
        "body.patient.shoeSize (extra_forbidden)"
    )
