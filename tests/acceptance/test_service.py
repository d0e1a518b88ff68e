"""The stateful receive cases of the acceptance tests, through the running service (``POST /messages``).

Each PLO 1.6 message type folder is received by a gateway of its own, set up as the receiving system
of its base messages (``SAMBAND_SERVED_HER_IDS``, a route per served receiver): the base messages
first, then every stateful case in name order (changes after what they change, a reversed-order pair
in the order its names give, a duplicate and a resend twice). Each stateful file must get the verdict,
AppRec status, error code (and, for a warning, the warning's code) of its row in the case catalogue
(``gateway/acceptance/cases.yaml``), and the timeline its case calls for; a failing row names the
file, the expectation and what happened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from samband.adapters.msghead.lineage import Lineage, read_lineage
from samband.gateway.acceptance.cases import Expectation, expectation_for
from samband.gateway.app import create_app
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.lineage import REFERENCE as REFERS
from samband.gateway.lineage import RELATIONS
from samband.gateway.settings import Settings
from tests.conftest import REFERENCE
from tests.integration.conftest import API_KEY, AUTH, Clock, Gateway, pg_schema_url
from tests.integration.server import LiveServer

CASES = REFERENCE / "acceptance" / "cases"
PLO = CASES / "plo-1_6"
DIALOG = CASES / "dialogmelding-1_0" / "Testcase-Dialogmeldingen"
FOLDERS = sorted(p for p in PLO.iterdir() if p.is_dir()) if PLO.is_dir() else []
BASE = re.compile(r"^Case\d+(_\d+)?$")
REPEATED = ("duplikat", "resending")  # received twice: the second time is the repeat
HOLD_SECONDS = 600.0

pytestmark = pytest.mark.skipif(not FOLDERS, reason=f"acceptance test messages not found at {PLO}")


def expected_for(path: Path) -> Expectation | None:
    """The stateful row of ``path`` in the case catalogue (with its erratum); None for a file that is
    not one."""
    expected = expectation_for(path)
    return expected if expected is not None and expected.stateful else None


@dataclass
class Got:
    """What the gateway did with one file: the answer to its post(s) and the message as read back."""

    path: Path
    posts: list[dict[str, Any]] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    message: dict[str, Any] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.posts[0]["id"])

    @property
    def apprec_status(self) -> str | None:
        return (self.message.get("apprec") or {}).get("status")

    @property
    def error_codes(self) -> list[str]:
        return [str(e.get("code")) for e in (self.message.get("apprec") or {}).get("errors", [])]

    @property
    def warnings(self) -> list[str]:
        return [i["code"] for i in self.message.get("issues", []) if str(i["code"]).startswith("lineage.")]

    @property
    def verdict(self) -> str:
        if self.codes[0] == 422 or self.apprec_status == "2":
            return "refuse"
        return "warn" if self.warnings else "accept"

    def __str__(self) -> str:
        return (
            f"HTTP {self.codes}, status {self.message.get('status')}, verdict {self.verdict}, AppRec "
            f"{self.apprec_status} {self.error_codes}, warnings {self.warnings}, events {self.events}"
        )


@contextmanager
def started(database_url: str, served: set[str], tmp_path: Path, routed: bool = True) -> Iterator[Gateway]:
    """The running app on a loopback port, set up as the receiving system of ``served``: a route to
    its FHIR store for each served receiver (``routed``), else the default route for everything."""
    routes = tmp_path / "routes.yaml"
    receivers = ", ".join(f'"{her}"' for her in sorted(served))
    routes.write_text(
        "routes:\n  - name: served\n    match: {receiver_her: [" + receivers + "]}\n"
        "    target_format: fhir\n    transport: fhir-store\n",
        encoding="utf-8",
    )
    settings = Settings(
        database_url=database_url,
        routes=routes if routed else None,
        dev_api_key=API_KEY,
        worker_enabled=False,
        served_her_ids=sorted(served),
        hold_seconds=HOLD_SECONDS,
    )
    app = create_app(settings)
    clock = Clock()
    app.state.services.now = clock
    server = LiveServer(app)
    server.start()
    try:
        yield Gateway(server.client, app.state.services, DeliveryWorker(app.state.services, name="t"), clock)
    finally:
        server.stop()


def lineage(path: Path) -> Lineage:
    return read_lineage(path.read_bytes())


def received_order(folder: Path) -> list[Path]:
    """Base messages, then the stateful cases by name; the repeats twice."""
    files = sorted(folder.glob("*.xml"))
    order = [p for p in files if BASE.match(p.stem)]
    for path in (p for p in files if expected_for(p) is not None):
        order += [path, path] if path.stem.endswith(REPEATED) else [path]
    return order


def receive(gw: Gateway, order: list[Path]) -> dict[Path, Got]:
    got: dict[Path, Got] = {}
    for path in order:
        response = gw.post(path.read_bytes())
        entry = got.setdefault(path, Got(path))
        entry.posts.append(response.json())
        entry.codes.append(response.status_code)
        gw.drain()
    gw.drain()
    for entry in got.values():
        entry.message = gw.get(f"/messages/{entry.id}")
        entry.events = gw.events(entry.id)
    return got


def check(gw: Gateway, got: dict[Path, Got], path: Path, expected: Expectation) -> list[str]:
    """What is wrong with one stateful row (empty: it passes)."""
    row = got[path]
    wrong = []
    if row.verdict != expected.verdict or row.apprec_status != expected.apprec_status:
        wrong.append("verdict or AppRec status")
    if expected.error_code and expected.error_code not in row.error_codes:
        wrong.append(f"error code {expected.error_code}")
    if expected.verdict == "warn" and expected.code not in row.warnings:
        wrong.append(f"warning {expected.code}")
    wrong += timeline(gw, got, path, expected)
    return (
        [f"{path.parent.name}/{path.name}: expected {expected}; got {row}; wrong: {', '.join(wrong)}"]
        if wrong
        else []
    )


def timeline(gw: Gateway, got: dict[Path, Got], path: Path, expected: Expectation) -> list[str]:
    """The events the case calls for, on the message and on the one it names."""
    row, facts, wrong = got[path], lineage(path), []
    if expected.case in ("duplicate", "resend"):
        wrong += repeat(gw, row, "duplicate" if expected.case == "duplicate" else "resend")
    if expected.case == "copy-receiver":
        wrong += [] if "copy-received" in row.events else ["event copy-received"]
        copy_as = facts.copy_only(gw.services.settings.served_her_ids)
        wrong += (
            [] if copy_as and copy_as in apprec_sender(gw, row.id) else ["AppRec sent by the copy receiver"]
        )
    parent = next((g for g in got.values() if g.message.get("msg_id") == facts.parent), None)
    if parent is not None:
        ours, theirs = RELATIONS.get(facts.status or "", REFERS)
        wrong += [] if ours in row.events else [f"event {ours}"]
        wrong += [] if theirs in parent.events else [f"event {theirs} on {parent.path.name}"]
        if row.posts[0]["status"] == "held":
            wrong += [] if {"held-out-of-order", "released"} <= set(row.events) else ["held, then released"]
    return wrong


def repeat(gw: Gateway, row: Got, kind: str) -> list[str]:
    """Twice the same message: one delivery, the same AppRec, a repeat row with its cause."""
    first, second = row.posts
    wrong = []
    if not (
        second["duplicate"]
        and second["id"] == first["id"]
        and second.get("apprec_id") == row.message["apprec"]["id"]
    ):
        wrong.append("the second answered as the first, with its AppRec")
    if kind not in gw.events(second["received_id"]) or "repeated" not in row.events:
        wrong.append(f"event {kind} (and repeated on the first)")
    if len(row.message["translations"]) != 1:
        wrong.append("delivered once")
    return wrong


def apprec_sender(gw: Gateway, message_id: str) -> set[str | None]:
    """The ids (HER-ids) the AppRec for ``message_id`` gives for its Sender."""
    answer = gw.client.get(f"/messages/{message_id}/apprec", headers=AUTH)
    sender = etree.fromstring(answer.content).find("{*}Sender")
    return {e.text for e in sender.iter("{*}Id")} if sender is not None else set()


def served_of(folder: Path) -> set[str]:
    """The receiving system of a folder: the receivers of its base messages."""
    return {her for p in folder.glob("*.xml") if BASE.match(p.stem) and (her := lineage(p).receiver.party)}


def run_folder(database_url: str, folder: Path, tmp_path: Path) -> None:
    with started(database_url, served_of(folder), tmp_path) as gw:
        got = receive(gw, received_order(folder))
        failures = [f for path in got if (e := expected_for(path)) for f in check(gw, got, path, e)]
        assert not failures, "\n".join(failures)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_stateful_cases_of_each_plo_folder(folder: Path, tmp_path: Path) -> None:
    run_folder(f"sqlite:///{tmp_path / 'samband.db'}", folder, tmp_path)


def test_stateful_cases_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    folder = next(f for f in FOLDERS if "innleggelsesrapport" in f.name)
    for url in pg_schema_url(pg_url):
        run_folder(url, folder, tmp_path)


def folder_named(word: str) -> Path:
    return next(f for f in FOLDERS if word in f.name)


def test_a_cancellation_whose_original_never_comes_is_taken_in_when_the_hold_runs_out(tmp_path: Path) -> None:
    folder = folder_named("innleggelsesrapport")
    cancellation, original = (
        folder / "Case1_motsatt-rekkefolge-a.xml",
        folder / "Case1_motsatt-rekkefolge-b.xml",
    )
    with started(f"sqlite:///{tmp_path / 'samband.db'}", served_of(folder), tmp_path) as gw:
        held = gw.post(cancellation.read_bytes()).json()
        gw.drain()
        assert held["status"] == "held" and gw.get(f"/messages/{held['id']}")["apprec"] is None
        gw.clock.advance(HOLD_SECONDS + 1)
        gw.drain()
        gw.drain()  # the job releases it, the next pass takes it in
        message = gw.get(f"/messages/{held['id']}")
        assert message["status"] == "delivered" and message["apprec"]["status"] == "1"
        assert "lineage.original-unknown" in [i["code"] for i in message["issues"]]
        events = gw.get(f"/messages/{held['id']}/events")["events"]
        assert [
            e["kind"] for e in events if e["kind"] in {"held-out-of-order", "released", "original-unknown"}
        ] == [
            "held-out-of-order",
            "released",
            "original-unknown",
        ]
        assert (
            next(e for e in events if e["kind"] == "released")["detail"]["reason"] == "original-not-received"
        )

        late = gw.post(original.read_bytes()).json()  # the original after all: linked, shown as cancelled
        gw.drain()
        assert "cancelled" in gw.events(late["id"]) and "cancels" in gw.events(held["id"])
        issues = gw.get(f"/messages/{late['id']}")["issues"]
        assert "lineage.changed-before-arrival" in [i["code"] for i in issues]


def test_a_held_change_is_visible_as_held_and_delivered_only_after_its_original(tmp_path: Path) -> None:
    folder = folder_named("medisinske")
    with started(f"sqlite:///{tmp_path / 'samband.db'}", served_of(folder), tmp_path) as gw:
        held = gw.post((folder / "Case2_motsatt-rekkefolge-a.xml").read_bytes()).json()
        gw.drain()
        assert gw.get("/messages", status="held")["total"] == 1
        assert gw.get(f"/messages/{held['id']}")["deliveries"] == []
        original = gw.post((folder / "Case2_motsatt-rekkefolge-b.xml").read_bytes()).json()
        gw.drain()
        assert gw.get("/messages", status="held")["total"] == 0
        events = gw.get(f"/messages/{held['id']}/events")["events"]
        released = next(e for e in events if e["kind"] == "released")["detail"]
        assert released == {"reason": "original-arrived", "original": original["id"]}
        assert [d["status"] for d in gw.get(f"/messages/{held['id']}")["deliveries"]] == ["delivered"]


@pytest.mark.skipif(not DIALOG.is_dir(), reason=f"Dialogmelding test messages not found at {DIALOG}")
def test_dialogmelding_answer_is_linked_and_a_reused_msgid_is_a_message_of_its_own(tmp_path: Path) -> None:
    served = {her for name in ("Case1", "Case2") if (her := lineage(DIALOG / f"{name}.xml").receiver.party)}
    with started(f"sqlite:///{tmp_path / 'samband.db'}", served, tmp_path, routed=False) as gw:
        question = gw.post((DIALOG / "Case1.xml").read_bytes()).json()
        answer = gw.post((DIALOG / "Case2.xml").read_bytes()).json()
        gw.drain()
        assert "refers-to" in gw.events(answer["id"]) and "referred-to" in gw.events(question["id"])
        assert gw.get(f"/messages/{answer['id']}")["apprec"]["status"] == "1"

        other = gw.post((DIALOG / "Case1-17a.xml").read_bytes()).json()  # Case1's MsgId, other content
        assert other["duplicate"] is False and other["id"] != question["id"]
        assert "msg-id-reused" in gw.events(other["id"])
        again = gw.post((DIALOG / "Case1.xml").read_bytes()).json()
        assert again["duplicate"] is True and again["id"] == question["id"]
        assert "resend" in gw.events(again["received_id"])
