"""The console in a real headless Chromium (Playwright, Debian's /usr/bin/chromium): an operator and a
tester find a patient by national id and read the plain-language timeline, replay a message to a test
route with another target format, reprocess two failed messages in bulk, send a test message and read
the per-route statistics; every page is kept as a screenshot at 1280 and 900 px wide.

One gateway (the KE loop's first chains already run into its SQLite store, then the real app served on
loopback with a loopback receiver) and one browser serve the whole module. The delivery worker is
driven pass by pass, so what the pages show does not depend on timing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from samband.gateway.app import create_app
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.settings import Settings
from tests.browser.conftest import ARTIFACTS, SHOTS
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver
from tests.integration.server import LiveServer
from tools.corpus import loop as corpus_loop
from tools.scenarios import people as p
from tools.scenarios.feedback import chain, flag

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need the playwright package")

pytestmark = pytest.mark.browser

KEY = "browser-test-key"
CHROMIUM = os.environ.get("SAMBAND_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (1280, 900)
WAIT_MS = 30_000  # generous: a loaded machine, never a timed assertion

if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does) or set SAMBAND_TEST_CHROMIUM",
        allow_module_level=True,
    )


def routes(url: str) -> str:
    """The KE loop's routes, a municipality receiver for PLO that gives up after one try, and a
    test route that no message matches, delivering FHIR JSON."""
    return (
        corpus_loop.routes(f"{url}/gp", f"{url}/ke")
        + f"""
  - name: kommune
    match: {{message_types: [HELSEOPPLYSNINGER_LEGE]}}
    target_format: as-is
    transport: http
    endpoint: {url}/kommune
    retry: {{delays: [1s], max_attempts: 1}}
  - name: test-fhir
    match: {{message_types: [NO_MESSAGE_HAS_THIS_TYPE]}}
    target_format: fhir
    transport: http
    endpoint: {url}/test-fhir
"""
    )


@dataclass
class Console:
    server: LiveServer
    worker: DeliveryWorker
    receiver: Receiver
    page: Any
    failed: list[str]

    @property
    def url(self) -> str:
        return str(self.server.client.base_url)

    def drain(self) -> None:
        for _ in range(50):
            if not self.worker.run_once():
                return
        raise AssertionError("the worker never ran out of work")

    def open(self, view: str) -> None:
        target = f"{self.url}/console#/{view}"
        if self.page.url == target:
            self.page.reload()  # the same address again: no hash change, so draw it anew
        else:
            self.page.goto(target)
        self.page.wait_for_selector("#view h1", timeout=WAIT_MS)

    def shoot(self, name: str) -> None:
        """The page as it stands at each width, kept under var/test-artifacts/console/."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            path = ARTIFACTS / f"{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            SHOTS.append(path)
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def taken(self, path: str) -> list[bytes]:
        return [t.body for t in self.receiver.requests if t.path.endswith(path)]


def ke_loop_store(folder: Path) -> str:
    """The KE loop's first chains for Kari (synthetic), run through the gateway into a SQLite store."""
    run = corpus_loop.start_chain(folder)
    run.post_flag(flag())
    run.run()
    for name in ("s01-referral", "s02-gp-answer", "s03-decision", "s04-coordinator"):
        for step in chain()[name]:
            run.post_export(step)
        run.end_of_day()
    run.svc.engine.dispose()
    return f"sqlite:///{folder / 'corpus.db'}"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("console-browser")
    database_url = ke_loop_store(folder)
    receiver = Receiver()
    receiver.start()
    route_file = folder / "routes-browser.yaml"
    route_file.write_text(routes(receiver.url.rstrip("/")), encoding="utf-8")
    settings = Settings(database_url=database_url, routes=route_file, dev_api_key=KEY, worker_enabled=False)
    app = create_app(settings)
    server = LiveServer(app)
    server.start()
    worker = DeliveryWorker(app.state.services, name="browser-test")
    receiver.status = 503
    failed = []
    for seed in (7, 8):
        posted = server.client.post(
            "/messages",
            content=hodemelding(patient_seed=seed),
            headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"},
        )
        assert posted.status_code == 202, posted.text
        failed.append(posted.json()["id"])
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        page.set_default_timeout(WAIT_MS)
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{server.client.base_url}/console#key={KEY}")
        page.wait_for_selector("#view h1")
        handle = Console(server, worker, receiver, page, failed)
        handle.drain()
        receiver.status = 200
        yield handle
        browser.close()
    server.stop()
    receiver.stop()


def test_a_patient_found_by_national_id_reads_in_plain_norwegian(console: Console) -> None:
    page = console.page
    console.open("messages")
    page.fill("#patient-jump-id", p.KARI_FNR)
    page.click("#patient-jump button[type=submit]")
    page.wait_for_selector("text=Hva som har skjedd")
    page.wait_for_selector("text=Fastlegen henviste pasienten til oppfølgingsteam")
    assert "Kari Nordmann" in page.inner_text("#view h1")
    body = page.inner_text("main")
    assert "Sendte ikke «Oppfølgingsteam etablert eller endret» til fastlegen" in body
    assert "vilkåret for meldingen er ikke oppfylt ennå" in body
    assert "Ola Hansen" in body and "Sendt til fastlegen" in body and "kvittert OK av fastlegen" in body
    for internal in ("F3N", "p-berg", "subject:", "rule:", "condition-not-met", "member.added"):
        assert internal not in body, f"{internal} shown on the patient page"
    assert "Nothing recorded" not in body
    page.wait_for_selector("text=message(s)")
    console.shoot("patient")
    console.open(f"message/{console.failed[0]}")
    page.click("#view a[href^='#/patient/']")
    page.wait_for_selector("text=Melding mottatt: Helseopplysninger til lege")
    assert "ikke levert" in page.inner_text("ol.timeline"), "a PLO patient's page tells what became of it"


def test_a_message_is_replayed_to_a_test_route_in_another_format(console: Console) -> None:
    page = console.page
    console.open(f"message/{console.failed[0]}")
    page.click("text=Replay this message…")
    page.check("#replay-route-store")
    offered = "s => Array.from(s.options).filter(o => !o.disabled && o.value).map(o => o.value)"
    assert page.eval_on_selector("#replay-format", offered) == ["fhir"], "fhir-store carries FHIR only"
    page.uncheck("#replay-route-store")
    assert "plo" in page.eval_on_selector("#replay-format", offered)
    page.check("#replay-route-test-fhir")
    page.click("button:has-text('Replay…')")
    page.wait_for_selector("text=Replayed as")
    console.drain()
    [delivered] = console.taken("/test-fhir")
    assert delivered.lstrip().startswith(b"{") and b'"resourceType"' in delivered, (
        "FHIR JSON, not the Hodemelding"
    )
    console.shoot("replay")

    console.open(f"message/{console.failed[0]}")
    page.click("text=Replay this message…")
    page.fill("#replay-endpoint", f"{console.receiver.url.rstrip('/')}/override")
    page.select_option("#replay-format", "fhir")
    page.click("button:has-text('Replay…')")
    page.wait_for_selector("text=Replayed as")
    console.drain()
    [override] = console.taken("/override")
    assert b'"resourceType"' in override, "the format chosen for the override endpoint, not the first route's"


def test_two_failed_messages_are_reprocessed_in_bulk_after_a_confirmation(console: Console) -> None:
    page = console.page
    console.open("messages?status=failed&direction=inbound")
    page.wait_for_selector("text=Reprocess these messages")
    page.click("button:has-text('Reprocess…')")
    page.wait_for_selector("text=2 message(s) would be replayed")
    assert console.taken("/kommune") == [], "nothing is sent before the confirmation"
    console.shoot("bulk-confirm")
    page.click("button:has-text('Confirm: reprocess 2 message(s)')")
    page.wait_for_selector("text=Replayed 2 message(s)")
    console.drain()
    assert len(console.taken("/kommune")) == 2
    console.open("audit?action=bulk-replay")
    page.wait_for_selector("td:has-text('bulk-replay')")
    assert page.locator("tbody tr").count() == 1, "one audit row for the whole batch"


def test_a_test_message_goes_to_the_chosen_route(console: Console) -> None:
    page = console.page
    console.open("test")
    page.select_option("#test-route", "test-fhir")
    page.select_option("#test-example", "dialog-notat")
    page.click("button:has-text('Send test message')")
    page.wait_for_selector("text=Sent as")
    console.drain()
    assert any(b"Testmelding fra Samband" in body for body in console.taken("/test-fhir"))
    console.shoot("test-message")


def test_the_per_route_statistics_show_what_happened(console: Console) -> None:
    page = console.page
    console.open("statistics?hours=24")
    row = page.locator("tbody tr", has_text="kommune")
    row.wait_for()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == "kommune" and cells[2:7] == ["4", "2", "0.08", "2", "2"], cells
    assert page.locator("tbody tr", has_text="test-fhir").locator("td").nth(3).inner_text() == "2"
    headings = page.locator(".stats thead th").all_inner_texts()
    assert len(set(headings)) == len(headings) == 13, headings
    page.set_viewport_size({"width": 900, "height": 900})
    last_right = page.eval_on_selector(".stats thead th:last-child", "th => th.getBoundingClientRect().right")
    assert last_right <= page.evaluate("document.documentElement.clientWidth"), "the last column is in view"
    assert page.eval_on_selector(".stats", "w => w.scrollWidth <= w.clientWidth"), "nothing to scroll to"
    console.shoot("statistics")


def test_refusals_are_headed_by_what_the_sender_was_answered(console: Console) -> None:
    bundle = b'{"resourceType": "Bundle", "type": "message", "entry": []}'
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/fhir+json"}
    assert console.server.client.post("/fhir", content=bundle, headers=headers).status_code == 422
    console.open("problems")
    page = console.page
    page.wait_for_selector("text=FHIR: answered with an OperationOutcome")
    assert "negative AppRec" not in page.inner_text("main")
    console.shoot("problems")
