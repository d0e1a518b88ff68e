"""The web console: a static page without data, its assets, and the keyed API calls it draws from.

Runs the real app from ``create_app(settings)`` on a temporary SQLite store, served on loopback; a
PLO 1.6 sample (synthetic patient) is posted and read back through exactly the calls ``console.js`` makes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from samband.gateway import lineage, repeats
from samband.gateway.api.console import STATIC
from samband.gateway.app import create_app
from samband.gateway.cli import serve
from samband.gateway.delivery.transports.registry import TRANSPORTS
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.settings import Settings
from samband.gateway.store.audit import Action
from samband.gateway.store.repository import Kind, Status
from samband.kernel.formats import ROUTE_TARGETS
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.integration.server import LiveServer

KEY = "console-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
XML = {**AUTH, "Content-Type": "application/xml"}
JS = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("console.js", "alerts.js"))


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'samband.db'}", dev_api_key=KEY, worker_enabled=False
    )
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[httpx.Client]:
    """The real app on a loopback port (Starlette's TestClient warns with this httpx)."""
    server = LiveServer(app)
    server.start()
    yield server.client
    server.stop()


def deliver(app: FastAPI) -> None:
    worker = DeliveryWorker(app.state.services, name="console-test")
    for _ in range(20):
        if not worker.run_once():
            return


def posted(client: httpx.Client, app: FastAPI, raw: bytes) -> dict[str, Any]:
    response = client.post("/messages", content=raw, headers=XML)
    assert response.status_code == 202, response.text
    deliver(app)
    body: dict[str, Any] = response.json()
    return body


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, headers=AUTH, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_console_page_is_served_without_the_key_and_holds_no_data(client: httpx.Client, app: FastAPI) -> None:
    raw = hodemelding()
    posted(client, app, raw)
    page = client.get("/console")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert '<script src="/console/console.js" defer>' in page.text
    assert '<link rel="stylesheet" href="/console/console.css">' in page.text
    assert msg_id_of(raw) not in page.text and SENDER_HER not in page.text


@pytest.mark.parametrize(
    ("name", "media_type", "marker"),
    [
        ("console.css", "text/css", ".badge-dead"),
        ("console.js", "text/javascript", "Bearer "),
        ("alerts.js", "text/javascript", "SambandConsole"),
    ],
)
def test_assets_are_served_with_their_content_types(
    client: httpx.Client, name: str, media_type: str, marker: str
) -> None:
    response = client.get(f"/console/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert marker in response.text


@pytest.mark.parametrize("path", ["/console/console.html", "/console/__init__.py", "/console/..%2Fapp.py"])
def test_nothing_else_is_reachable_under_console(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "<html" not in response.text and "import" not in response.text


CONSOLE_CALLS = [
    ("GET", "/messages"),
    ("GET", "/messages?status=failed&limit=25"),
    ("GET", "/messages/{id}"),
    ("GET", "/messages/{id}/raw"),
    ("GET", "/messages/{id}/events"),
    ("GET", "/messages/{id}/apprec"),
    ("POST", "/messages/{id}/replay"),
    ("GET", "/routes"),
    ("POST", "/routes/fhir-store/hold"),
    ("GET", "/metrics"),
    ("GET", "/patients/{patient}/timeline"),
    ("GET", "/patients/{patient}/timeline?format=fhir"),
    ("GET", "/patients/{patient}/overview"),
    ("POST", "/messages/replay"),
    ("GET", "/routes/statistics?hours=24"),
    ("GET", "/test-messages"),
    ("POST", "/test-messages"),
    ("GET", "/audit?action=read-raw&limit=50&offset=0"),
    ("GET", "/alerts?limit=100"),
]


def test_every_data_api_the_console_calls_refuses_without_the_key(client: httpx.Client, app: FastAPI) -> None:
    mid = posted(client, app, hodemelding())["id"]
    patient = get(client, f"/messages/{mid}")["patient"]
    for method, template in CONSOLE_CALLS:
        path = template.replace("{id}", mid).replace("{patient}", patient)
        for headers in ({}, {"Authorization": "Bearer wrong-key"}, {"Authorization": KEY}):
            response = client.request(method, path, headers=headers, json={} if method == "POST" else None)
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer realm=")
            assert mid not in response.text
    assert client.get("/routes", headers=AUTH).json()["routes"][0]["enabled"] is True  # hold was refused


def test_the_script_calls_only_the_apis_checked_above() -> None:
    literals = set(re.findall(r"'(/[a-z-]+)[/?']", JS))
    assert literals == {
        "/messages", "/routes", "/metrics", "/patients", "/audit", "/test-messages", "/alerts",
        "/raw", "/events", "/apprec", "/replay", "/timeline", "/overview",
    }  # fmt: skip


def test_the_script_puts_data_in_the_page_only_as_text() -> None:
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert forbidden not in JS, forbidden
    assert "textContent" in JS and "createElement" in JS and "createTextNode" in JS
    assert re.search(r"setAttribute\(['\"]on", JS) is None  # no event handlers from strings
    assert "localStorage" not in JS  # the key lives in this tab's sessionStorage only


def test_the_console_loads_nothing_from_elsewhere() -> None:
    allowed = {"https://test-receiver.example/"}  # the replay form's placeholder text
    for name in ("console.html", "console.css", "console.js", "alerts.js"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert set(re.findall(r"https?://[^\s'\")]+", text)) <= allowed, name
        assert "@import" not in text and "//fonts." not in text


def test_a_posted_plo_message_shows_up_through_the_console_calls(client: httpx.Client, app: FastAPI) -> None:
    raw = hodemelding(patient_seed=7)
    reply = posted(client, app, raw)
    mid, msg_id = reply["id"], msg_id_of(raw)
    since = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()

    listed = get(client, "/messages", limit=50, offset=0)
    inbound = next(item for item in listed["items"] if item["id"] == mid)
    assert inbound["direction"] == "inbound" and inbound["status"] == "delivered"
    assert inbound["type"] == "HELSEOPPLYSNINGER_LEGE" and inbound["msg_id"] == msg_id
    patient = inbound["patient"]
    for name, value in [("msg_id", msg_id), ("patient", patient), ("sender_her", SENDER_HER),
                        ("receiver_her", RECEIVER_HER), ("type", "HELSEOPPLYSNINGER_LEGE"),
                        ("status", "delivered"), ("direction", "inbound"), ("since", since)]:  # fmt: skip
        assert mid in [m["id"] for m in get(client, "/messages", **{name: value})["items"]], name
    assert get(client, "/messages", status="failed")["total"] == 0

    detail = get(client, f"/messages/{mid}")
    assert detail["envelope"]["version"] == "1.6" and detail["sender_her"] == SENDER_HER
    assert detail["apprec"]["status"] == "1"
    [delivery] = detail["deliveries"]
    assert delivery["status"] == "delivered" and delivery["attempts"][0]["outcome"] == "delivered"
    kinds = [e["kind"] for e in get(client, f"/messages/{mid}/events")["events"]]
    assert kinds[0] == "received" and "apprec.produced" in kinds

    stored = client.get(f"/messages/{mid}/raw", headers=AUTH)
    assert stored.content == raw
    assert "Ønske om legevurdering" in stored.content.decode("utf-8")  # Norwegian content verbatim
    derived = get(client, "/messages", source_id=mid, limit=100)["items"]
    assert {m["kind"] for m in derived} == {"translation", "apprec"}
    assert all(m["source_id"] == mid for m in derived)
    apprec = client.get(f"/messages/{mid}/apprec", headers=AUTH)
    assert apprec.headers["x-samband-apprec-status"] == "1" and b"<AppRec" in apprec.content

    timeline = get(client, f"/patients/{patient}/timeline")
    assert timeline["patient"] == patient and isinstance(timeline["entries"], list)
    assert [m["id"] for m in get(client, "/messages", patient=patient, limit=200)["items"]][-1] == mid
    assert [r["name"] for r in get(client, "/routes")["routes"]] == ["fhir-store", "outbox"]  # the defaults
    metrics = client.get("/metrics", headers=AUTH).text
    assert re.search(r"^samband_dead_letters 0\.0$", metrics, re.M)


def test_a_rejected_message_is_on_the_problems_view(client: httpx.Client) -> None:
    raw = hodemelding().replace(b"<Sender>", b"<Sendr>", 1).replace(b"</Sender>", b"</Sendr>", 1)
    refused = client.post("/messages", content=raw, headers=XML)
    assert refused.status_code == 422
    rejected = get(client, "/messages", status="rejected", limit=25)
    assert [m["id"] for m in rejected["items"]] == [refused.json()["id"]]
    detail = get(client, f"/messages/{refused.json()['id']}")
    assert detail["error"]["code"] == "msghead.schema-invalid"
    assert detail["error"]["where"] == "/MsgHead/MsgInfo/Sendr"
    assert detail["apprec"]["status"] == "2"


def test_a_replay_from_the_console_links_to_the_original_and_names_the_key_not_a_given_name(
    client: httpx.Client, app: FastAPI
) -> None:
    mid = posted(client, app, hodemelding(patient_seed=3))["id"]
    body = {"destinations": ["fhir-store"]}  # the console names a transport only with an endpoint
    headers = {b"Authorization": f"Bearer {KEY}".encode(), b"X-Samband-Actor": b"Kari Operatoer"}
    replayed = client.post(f"/messages/{mid}/replay", json=body, headers=headers)
    assert replayed.status_code == 202, replayed.text
    new_id = replayed.json()["id"]
    children = get(client, "/messages", source_id=mid, kind="replay")["items"]
    assert [m["id"] for m in children] == [new_id]
    [event] = [e for e in get(client, f"/messages/{mid}/events")["events"] if e["kind"] == "replayed"]
    assert event["actor"] == "dev-key" and event["detail"]["replay"] == new_id
    assert "X-Samband-Actor" not in JS and "actor=" not in JS


def test_the_audit_view_finds_what_the_console_read_and_the_routes_view_shows_history(
    client: httpx.Client, app: FastAPI
) -> None:
    mid = posted(client, app, hodemelding(patient_seed=5))["id"]
    patient = get(client, f"/messages/{mid}")["patient"]
    client.get(f"/messages/{mid}/raw", headers=AUTH)
    page = get(client, "/audit", patient=patient, limit=50, offset=0)
    assert [(r["action"], r["actor"]) for r in page["items"]] == [
        ("read-raw", "dev-key"),
        ("read-message", "dev-key"),
    ]
    assert page["items"][0]["target"] == mid and page["items"][0]["outcome"] == "ok"
    client.post("/routes/fhir-store/hold", headers=AUTH)
    client.post("/routes/fhir-store/release", headers=AUTH)
    [route] = [r for r in get(client, "/routes")["routes"] if r["name"] == "fhir-store"]
    assert [h["action"] for h in route["history"]] == ["hold", "release"] and route["enabled"] is True


def test_serve_prints_a_console_link_that_carries_a_working_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SAMBAND_DEV_API_KEY", raising=False)
    monkeypatch.setenv("SAMBAND_WORKER_ENABLED", "false")
    served: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_kw: served.append(app))
    with caplog.at_level(logging.WARNING, logger="samband"):
        serve.run_serve("127.0.0.1", 8123, f"sqlite:///{tmp_path / 'serve.db'}")
    found = re.search(r"http://127\.0\.0\.1:8123/console#key=(\S+)", caplog.text)
    assert found is not None, caplog.text
    server = LiveServer(served[0])
    server.start()
    try:
        assert server.client.get("/console").status_code == 200
        headers = {"Authorization": f"Bearer {found.group(1)}"}
        assert server.client.get("/messages", headers=headers).status_code == 200
        assert server.client.get("/messages", headers={"Authorization": "Bearer x"}).status_code == 401
    finally:
        server.stop()


def _js_list(name: str) -> set[str]:
    found = re.search(rf"const {name} = \[([^\]]*)\]", JS)
    assert found is not None, name
    return set(re.findall(r"'([^']+)'", found.group(1)))


def test_the_filter_and_replay_choices_are_the_gateways_own() -> None:
    assert _js_list("STATUSES") == {str(s) for s in Status}
    assert _js_list("KINDS") == {str(k) for k in Kind}
    assert _js_list("TARGET_FORMATS") == {str(f) for f in ROUTE_TARGETS}
    assert _js_list("TRANSPORTS") == set(TRANSPORTS)
    assert _js_list("AUDIT_ACTIONS") == {str(a) for a in Action}


def test_the_timeline_explains_how_a_message_stands_to_others() -> None:
    found = re.search(r"const EVENT_TEXT = \{(.*?)\n  \};", JS, re.S)
    assert found is not None
    explained = set(re.findall(r"^\s*'([a-z.-]+)':", found.group(1), re.M))
    assert explained >= lineage.EVENTS | repeats.EVENTS
