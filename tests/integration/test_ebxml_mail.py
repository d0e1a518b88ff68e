"""POST /ebxml with a whole mail as SMTP delivered it (LF and CRLF): acknowledged, payload taken in."""

from __future__ import annotations

import pytest

from samband.adapters.ebxml import parse_ebxml
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import fhir_store_routes
from tests.support.smtp_mail import HODEMELDING, SOAP, smtp_mail

pytestmark = pytest.mark.skipif(not SOAP.is_file(), reason="reference samples not available")


@pytest.mark.parametrize(("crlf", "content_type"), [(False, "message/rfc822"), (True, None)])
def test_a_mail_posted_as_it_came_is_acknowledged_and_its_payload_taken_in(
    sqlite_url: str, gateway_factory: GatewayFactory, crlf: bool, content_type: str | None
) -> None:
    gw = gateway_factory(sqlite_url, fhir_store_routes("ebxml"))
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    answer = gw.client.post("/ebxml", content=smtp_mail(crlf=crlf), headers=headers)
    assert answer.status_code == 200, answer.text
    signal = parse_ebxml(answer.content)
    assert signal.acknowledgment is not None, answer.text
    sent = parse_ebxml(SOAP.read_bytes()).header.message_data.message_id
    assert signal.acknowledgment.ref_to_message_id == sent
    envelope_id = answer.headers["X-Samband-Message-Id"]
    gw.drain()
    [payload] = gw.get("/messages", source_id=envelope_id, direction="inbound")["items"]
    assert payload["type"] == "DIALOG_INNBYGGER_EKONTAKT"
    assert gw.client.get(f"/messages/{payload['id']}/raw", headers=AUTH).content == HODEMELDING.read_bytes()
