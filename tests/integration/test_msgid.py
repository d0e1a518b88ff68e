"""A MsgId that is not a UUID: the official Dialogmelding test message is taken in and keeps its id."""

from __future__ import annotations

import pytest

from tests.conftest import REFERENCE
from tests.integration.conftest import GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES

CASE3 = REFERENCE / "acceptance/cases/dialogmelding-1_0/Testcase-Dialogmeldingen/Case3.xml"
NOT_A_UUID = "4c661458-c412-4c14-baae-8f092g54f6e2"


def test_the_official_test_message_with_a_msgid_that_is_not_a_uuid_is_taken_in(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    if not CASE3.is_file():
        pytest.skip("acceptance test messages not available")
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    taken = gw.post(CASE3.read_bytes())
    assert taken.status_code == 202, taken.text
    assert taken.json()["msg_id"] == NOT_A_UUID
    gw.drain()
    stored = gw.get(f"/messages/{taken.json()['id']}")
    assert stored["msg_id"] == NOT_A_UUID
    assert stored["status"] != "rejected"
