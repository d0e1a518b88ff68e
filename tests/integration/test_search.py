"""Search as people type, on SQLite and PostgreSQL: message families and any case for the type, MsgId
by prefix, free text over patient names and document text, unknown filter values refused with the
values they take, and a message found by the search right after its POST."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding, msg_id_of

DIALOG = Path(__file__).resolve().parents[1] / "messages" / "dialogmelding" / "foresporsel_1_1.xml"


@dataclass(frozen=True)
class Found:
    ids: Callable[..., list[str]]  # the MsgIds of the inbound messages a search finds
    plo: str
    dialog: str
    bad: httpx.Response  # the answer to status=bogus
    bad_date: httpx.Response  # the answer to since=yesterday
    unknown: httpx.Response  # the answer to foo=bar
    mistyped: httpx.Response  # the answer to limit=abc


@pytest.fixture
def found(gateway_factory: GatewayFactory, database_url: str) -> Found:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES)
    plo = hodemelding("AbCd1234-0000-4000-8000-000000000001", patient_seed=3)
    posted = gw.post(plo)
    assert posted.status_code == 202
    [read] = gw.get("/messages", msg_id=msg_id_of(plo))["items"]  # at once, as the POST answered
    assert read["id"] == posted.json()["id"]
    assert gw.post(DIALOG.read_bytes()).status_code == 202

    def ids(**params: object) -> list[str]:
        answer = gw.get("/messages", direction="inbound", **params)
        return sorted(m["msg_id"] for m in answer["items"])

    bad = gw.client.get("/messages", headers=AUTH, params={"status": "bogus"})
    bad_date = gw.client.get("/messages", headers=AUTH, params={"since": "yesterday"})
    unknown = gw.client.get("/messages", headers=AUTH, params={"foo": "bar", "type": "plo"})
    mistyped = gw.client.get("/messages", headers=AUTH, params={"limit": "abc"})
    assert ids(since="2000-01-01") == ids() and ids(until="2000-01-01T00:00:00Z") == []
    return Found(ids, msg_id_of(plo), msg_id_of(DIALOG.read_bytes()), bad, bad_date, unknown, mistyped)


def test_types_by_family_and_in_any_case(found: Found) -> None:
    ids, plo, dialog = found.ids, found.plo, found.dialog
    assert ids(type="PLO") == [plo] == ids(type="plo")
    assert ids(type="helseopplysninger_lege") == [plo]
    assert ids(type="DIALOGMELDING") == [dialog] == ids(type="dialog_foresporsel")
    assert ids(type="FHIR") == []


def test_msg_id_prefix_in_any_case_and_free_text(found: Found) -> None:
    ids, plo, dialog = found.ids, found.plo, found.dialog
    assert ids(msg_id="abcd12") == [plo] == ids(msg_id="ABCD1234-0000")
    assert ids(msg_id="abcd_") == []  # the wildcard is taken literally
    assert ids(q="august sept") == [plo]  # the patient's name, as it is typed
    assert ids(q="TESTESEN") == [dialog]  # any case
    assert ids(q="nobody-by-that-name") == []


def test_an_unknown_filter_value_is_refused_with_the_allowed_values(found: Found) -> None:
    assert found.bad.status_code == 400
    [error] = found.bad.json()["errors"]
    assert error["code"] == "search.invalid-filter" and error["where"] == "status"
    assert "delivered" in error["expected"] and "received" in error["expected"]
    assert found.bad_date.status_code == 400
    assert found.bad_date.json()["errors"][0]["where"] == "since"


def test_an_unknown_or_mistyped_parameter_is_refused_in_the_error_shape(found: Found) -> None:
    """Not a search for everything (foo=bar), and not FastAPI's {"detail"} shape (limit=abc)."""
    assert found.unknown.status_code == 400
    [error] = found.unknown.json()["errors"]
    assert (error["code"], error["where"], error["received"]) == ("request.unknown-parameter", "foo", "foo")
    assert "msg_id" in error["expected"] and "limit" in error["expected"]
    assert found.mistyped.status_code == 400 and "detail" not in found.mistyped.json()
    [error] = found.mistyped.json()["errors"]
    assert (error["code"], error["where"], error["received"]) == (
        "request.invalid-parameter",
        "query.limit",
        "abc",
    )
    assert "integer" in error["expected"]


def test_read_your_writes_when_workers_process(gateway_factory: GatewayFactory, sqlite_url: str) -> None:
    """With processing left to the workers, a message is found by its business keys as soon as its
    POST has answered, before any worker has looked at it."""
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES, process_in_workers=True)
    raw = hodemelding(patient_seed=9)
    answer = gw.post(raw)
    assert answer.status_code == 202 and answer.json()["status"] == "received"
    for params in ({"msg_id": msg_id_of(raw)[:8]}, {"type": "plo"}, {"sender_her": "5078"}):
        found = gw.get("/messages", direction="inbound", **params)["items"]
        assert [m["id"] for m in found] == [answer.json()["id"]], params
