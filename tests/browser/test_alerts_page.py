"""The console's Alerts page in a real headless Chromium: a dead letter's alert (recorded, no channel
configured) is listed with its condition, summary, outcome and the message it concerns; the page is
kept as a screenshot at 1280 and 900 px wide."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samband.features.feedback import store as feedback_store
from samband.gateway.app import create_app
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.settings import Settings
from samband.gateway.store import repository as repo
from tests.browser.conftest import ARTIFACTS, SHOTS
from tests.browser.test_console_browser import CHROMIUM, WAIT_MS, WIDTHS
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver
from tests.integration.server import LiveServer

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need the playwright package")

pytestmark = pytest.mark.browser

KEY = "alerts-browser-key"
ROUTE = """
routes:
  - name: fagsystem
    match: {message_types: [HELSEOPPLYSNINGER_LEGE]}
    target_format: as-is
    transport: http
    endpoint: URL
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    folder = tmp_path_factory.mktemp("alerts-browser")
    receiver = Receiver()
    receiver.start()
    receiver.status = 400  # the receiver refuses for good: a dead letter at the first try
    route_file = folder / "routes.yaml"
    route_file.write_text(ROUTE.replace("URL", receiver.url), encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'samband.db'}",
        routes=route_file,
        dev_api_key=KEY,
        worker_enabled=False,
    )
    app = create_app(settings)
    server = LiveServer(app)
    server.start()
    posted = server.client.post(
        "/messages",
        content=hodemelding(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"},
    )
    assert posted.status_code == 202, posted.text
    svc = app.state.services
    with svc.engine.begin() as conn:  # feedback could not read that message: its alert names no patient
        patient = repo.get_message(conn, posted.json()["id"])
        assert patient is not None and patient.patient_id
        feedback_store.alert(
            conn,
            patient.patient_id,
            "feedback-input-refused",
            svc.now(),
            message=posted.json()["id"],
            error={"code": "ip-export.revision-gap"},
        )
    worker = DeliveryWorker(app.state.services, name="alerts-browser")
    while worker.run_once():  # deliver (refused), then the scheduled jobs record the alert
        pass
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        tab = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        tab.set_default_timeout(WAIT_MS)
        tab.goto(f"{server.client.base_url}/console#key={KEY}")
        tab.wait_for_selector("#view h1")
        yield tab, posted.json()["id"]
        browser.close()
    server.stop()
    receiver.stop()


def test_the_alerts_page_lists_a_dead_letter(page: tuple[Any, str]) -> None:
    tab, message_id = page
    tab.click("nav >> text=Alerts")
    tab.wait_for_selector("text=1 deliveries given up (dead letters) since the last alert")
    body = tab.inner_text("main")
    assert "Dead letters" in body and "recorded (no channel configured)" in body
    assert "route: fagsystem, code: delivery.http-refused" in body
    assert tab.get_attribute(f"a[title='{message_id}']", "href") == f"#/message/{message_id}"
    assert "AppRecs overdue" in body, "every condition is explained"
    tab.click("text=only these >> nth=0")
    tab.wait_for_selector("h2:has-text('Dead letters')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        path = ARTIFACTS / f"alerts-{width}.png"
        tab.screenshot(path=str(path), full_page=True)
        SHOTS.append(path)
    assert Path(ARTIFACTS / "alerts-900.png").stat().st_size > 0


def test_a_feedback_alert_leads_to_the_patient_page(page: tuple[Any, str]) -> None:
    tab, message_id = page
    tab.click("nav >> text=Alerts")
    tab.wait_for_selector("text=kind: feedback-input-refused, code: ip-export.revision-gap")
    tab.click("a[href^='#/patient-of/'] >> nth=0")
    tab.wait_for_selector("#view h1:has-text('Pasient')")
    assert "#/patient/" in tab.url and message_id not in tab.url, "the patient page, via the message"
