"""The audit trail through the API: every read of patient data, replay, route switch and refused
sign-in leaves a row naming who and which patient; ``GET /audit`` finds them; routes keep their
whole hold/release history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samband.adapters.iplan import serialize_json
from tests.integration.conftest import AUTH, Gateway, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding, synthetic_fnr
from tests.integration.receiver import Receiver
from tests.support.token_issuer import AUDIENCE, running_issuer
from tools.scenarios import kari

ACTOR = "dev-key"  # what the gateway records for the development key

NAMED = {**AUTH, "X-Samband-Actor": "someone else"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def peer_route(peer: Receiver) -> str:
    return f"routes:\n  - {{name: peer, target_format: as-is, transport: http, endpoint: '{peer.url}'}}\n"


def audit(gw: Gateway, **filters: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = gw.get("/audit", **filters)["items"]
    return [i for i in items if i["action"] != "read-audit"]


def test_reading_a_message_leaves_rows_naming_the_reader_and_the_patient(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES)
    patient = synthetic_fnr(7)
    mid = gw.post(hodemelding(patient_seed=7)).json()["id"]
    gw.drain()

    raw = gw.client.get(f"/messages/{mid}/raw", headers=NAMED)
    assert raw.status_code == 200

    [row] = audit(gw, action="read-raw")
    assert (row["actor"], row["patient"], row["target"], row["outcome"]) == (
        ACTOR, patient, mid, "ok")  # fmt: skip
    assert row["detail"]["size"] == len(raw.content)
    for path, action in [("", "read-message"), ("/events", "read-events"), ("/apprec", "read-apprec")]:
        assert gw.client.get(f"/messages/{mid}{path}", headers=NAMED).status_code == 200
        [row] = audit(gw, action=action)
        assert (row["actor"], row["patient"], row["target"]) == (ACTOR, patient, mid)
    assert gw.client.get("/messages/no-such-id/raw", headers=AUTH).status_code == 404
    assert len(audit(gw, action="read-raw")) == 1, "nothing was read, nothing recorded"


def test_a_search_is_one_row_with_its_filters_and_every_patient_it_showed(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    for seed in (1, 2, 3):
        gw.post(hodemelding(patient_seed=seed))
    gw.drain()
    listed = gw.client.get(
        "/messages",
        params={"type": "HELSEOPPLYSNINGER_LEGE", "direction": "inbound"},
        headers=NAMED,
    )
    assert listed.json()["total"] == 3

    [row] = audit(gw, action="search", actor=ACTOR)
    assert row["detail"]["query"]["type"] == "HELSEOPPLYSNINGER_LEGE" and row["detail"]["total"] == 3
    assert row["patient"] is None and sorted(row["patients"]) == sorted(synthetic_fnr(s) for s in (1, 2, 3))
    found = audit(gw, patient=synthetic_fnr(2), actor=ACTOR)
    assert [r["action"] for r in found] == ["search"], "found by any patient it showed"

    assert audit(gw, actor="someone else") == [], "the name a caller sends is not who it is"
    gw.client.get("/messages", params={"patient": synthetic_fnr(1)}, headers=AUTH)
    by_patient, _ = audit(gw, action="search", actor=ACTOR)
    assert by_patient["patient"] == synthetic_fnr(1)


def test_fhir_reads_and_searches_name_the_patient_by_national_id(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url)
    export = kari.plan_created(kari.coordinator_appointed(kari.decided(kari.gp_answered(kari.registered()))))
    assert gw.client.post("/ip-exports", content=serialize_json(export), headers=AUTH).status_code == 202
    gw.drain()
    fnr = export.plan.subject.national_id.value

    plans = gw.get("/fhir/CarePlan")
    [search] = audit(gw, action="fhir-search")
    assert (search["target"], search["patient"], search["patients"]) == ("CarePlan", fnr, [fnr])
    assert search["detail"] == {"query": {}, "total": plans["total"]}
    gw.get("/fhir/Patient", identifier=fnr)
    [by_identifier, _] = audit(gw, action="fhir-search")
    assert (by_identifier["patient"], by_identifier["detail"]["query"]) == (fnr, {"identifier": fnr})

    plan_id = plans["entry"][0]["resource"]["id"]
    gw.get(f"/fhir/CarePlan/{plan_id}")
    [read] = audit(gw, action="fhir-read")
    assert (read["target"], read["patient"]) == (f"CarePlan/{plan_id}", fnr)


def test_the_patient_timeline_is_audited(sqlite_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(sqlite_url)
    patient = synthetic_fnr(11)
    gw.client.get(f"/patients/{patient}/timeline", headers=NAMED)
    [row] = audit(gw, action="timeline")
    assert (row["actor"], row["patient"]) == (ACTOR, patient)


def test_a_replay_is_audited_with_where_it_went(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    gw = gateway_factory(database_url, peer_route(receivers()))
    original = gw.post(hodemelding(patient_seed=4)).json()["id"]
    gw.drain()
    answer = gw.client.post(f"/messages/{original}/replay", json={"destinations": ["peer"]}, headers=NAMED)
    assert answer.status_code == 202, answer.text
    [row] = audit(gw, action="replay")
    assert (row["actor"], row["target"], row["patient"]) == (
        ACTOR,
        original,
        synthetic_fnr(4),
    )
    assert row["detail"]["replay"] == answer.json()["id"] and row["detail"]["destinations"] == ["peer"]


def test_a_refused_sign_in_is_audited(sqlite_url: str, gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(sqlite_url)
    refused = gw.client.get("/messages", headers={"Authorization": "Bearer not-the-key"})
    assert refused.status_code == 401
    assert gw.client.get("/audit").status_code == 401
    rows = audit(gw, action="login-refused")
    assert [r["target"] for r in rows] == ["/audit", "/messages"]
    assert rows[1]["outcome"] == "refused" and rows[1]["detail"]["status"] == 401
    assert rows[1]["detail"]["peer"] == "127.0.0.1"


def test_audit_filters_by_time_and_pages_like_messages(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    mid = gw.post(hodemelding()).json()["id"]
    gw.drain()
    start = gw.clock()
    for _ in range(3):
        gw.clock.advance(60)
        gw.client.get(f"/messages/{mid}/raw", headers=AUTH)
    page = gw.get("/audit", action="read-raw", limit=2, offset=1)
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 1, 2)
    ats = [r["at"] for r in gw.get("/audit", action="read-raw")["items"]]
    assert ats == sorted(ats, reverse=True), "newest first"
    late = gw.get("/audit", action="read-raw", since=(start.replace(microsecond=0)).isoformat(), until=ats[0])
    assert late["total"] == 2
    refused = gw.client.get("/audit", params={"action": "not-an-action"}, headers=AUTH)
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "request.invalid-parameter"
    [looked] = gw.get("/audit", action="read-audit", limit=1)["items"]
    assert looked["detail"]["query"] == {
        "action": "read-raw",
        "since": start.replace(microsecond=0).isoformat(),
        "until": ats[0],
        "limit": 50,
        "offset": 0,
    }, "reading the trail is on it"


def test_route_hold_and_release_keep_their_whole_history(
    database_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    gw = gateway_factory(database_url, peer_route(receivers()))
    for switch in ("hold", "release", "hold"):
        gw.clock.advance(5)
        answer = gw.client.post(f"/routes/peer/{switch}", headers=AUTH)
        assert answer.status_code == 200, answer.text

    [route] = gw.get("/routes")["routes"]
    assert route["enabled"] is False
    assert [(h["action"], h["by"], h["enabled"]) for h in route["history"]] == [
        ("hold", ACTOR, False), ("release", ACTOR, True), ("hold", ACTOR, False)]  # fmt: skip
    ats = [h["at"] for h in route["history"]]
    assert ats == sorted(ats) and len(set(ats)) == 3
    assert [r["action"] for r in audit(gw, target="peer")] == ["route-hold", "route-release", "route-hold"]


def test_with_tokens_the_trail_names_person_and_client_and_keeps_refused_roles(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    tester = receivers()
    with running_issuer() as issuer:
        gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES, auth_issuer=issuer.issuer, auth_audience=AUDIENCE)
        submitter = bearer(issuer.token(scope=["samband/submit"], sub=None, client_id="client-fagsystem"))
        reader = bearer(issuer.token(scope=["samband/read"], sub="nurse-7", client_id="client-console"))
        replayer = bearer(
            issuer.token(scope=["samband/replay"], sub="operator-1", client_id="client-console")
        )
        admin = bearer(issuer.token(scope=["samband/admin"], sub="auditor-2", client_id="client-console"))
        posted = gw.client.post(
            "/messages",
            content=hodemelding(patient_seed=21),
            headers={**submitter, "Content-Type": "application/xml"},
        )
        mid = posted.json()["id"]
        gw.drain()

        assert gw.client.get(f"/messages/{mid}/raw", headers=reader).status_code == 200
        assert gw.client.get("/audit", headers=reader).status_code == 403, "the trail is for admins"
        far = gw.client.post(f"/messages/{mid}/replay", json={"endpoint": tester.url}, headers=replayer)
        assert far.status_code == 403 and far.json()["errors"][0]["code"] == "replay.endpoint-not-allowed"
        assert tester.taken() == [], "a token is not development mode: loopback is not allowed by default"

        rows = gw.client.get("/audit", headers=admin).json()["items"]
        by_action = {r["action"]: r for r in rows}
        read = by_action["read-raw"]
        assert (read["actor"], read["client_id"], read["patient"]) == (
            "nurse-7 via client-console", "client-console", synthetic_fnr(21))  # fmt: skip
        refused = by_action["login-refused"]
        assert (refused["actor"], refused["client_id"], refused["target"]) == (
            "nurse-7 via client-console", "client-console", "/audit")  # fmt: skip
        assert refused["detail"]["status"] == 403 and refused["detail"]["code"] == "auth.forbidden"
        assert by_action["replay-refused"]["actor"] == "operator-1 via client-console"
