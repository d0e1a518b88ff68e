"""ebXML over HTTP against a real loopback peer MSH: the package sent and the signal read back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from samband.adapters.ebxml.builders import build_acknowledgment, build_message_error
from samband.adapters.ebxml.model import EbxmlMessage
from samband.adapters.ebxml.reader import parse_http
from samband.adapters.ebxml.writer import serialize_ebxml
from samband.gateway.delivery.transports.base import DeliveryRequest
from samband.gateway.delivery.transports.ebxml import EbxmlHttpTransport, ebxml_message_id, to_ebxml
from samband.gateway.routing.routes import Route
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable, is_permanent
from samband.kernel.formats import Format
from tests.support.ebxml_peer import acknowledge, refuse
from tests.support.receivers import Receiver, Reply
from tests.unit.gateway.delivery.factories import ENVELOPE, RECEIVER_HER, SENDER_HER, make_request, make_route

HODEMELDING = (
    b'<?xml version="1.0" encoding="UTF-8"?><MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24"/>'
)
XML = {"Content-Type": 'text/xml; charset="UTF-8"'}


@pytest.fixture
def route(receiver: Receiver) -> Route:
    return make_route(
        name="gp-ebxml",
        transport="ebxml-http",
        target_format=Format.DIALOGMELDING,
        endpoint=receiver.url("/ebms"),
        options={"cpa_id": "nhn_8100001_8100002"},
        timeout=2.0,
    )


@pytest.fixture
def transport(route: Route) -> Iterator[EbxmlHttpTransport]:
    ebxml = EbxmlHttpTransport(route)
    yield ebxml
    ebxml.close()


def _request(route: Route, **changes: object) -> DeliveryRequest:
    envelope = replace(ENVELOPE, msg_type="DIALOG_FORESPORSEL", conversation_ref="conv-1")
    base = make_request(route, envelope=envelope, payload=HODEMELDING, content_type="application/xml")
    return replace(base, **changes)  # type: ignore[arg-type]


def _signal(message: EbxmlMessage) -> Reply:
    return Reply(200, serialize_ebxml(message), XML)


def test_an_acknowledgment_is_delivered(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    request = _request(route)
    receiver.script("/ebms", acknowledge)  # a peer MSH acking whatever it got
    receipt = transport.send(request)
    assert receipt.remote_id == ebxml_message_id(request)
    assert "eb:Acknowledgment" in receipt.detail


def test_the_package_is_a_norwegian_ebxml_business_message(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    request = _request(route)
    receiver.script("/ebms", _signal(build_acknowledgment(to_ebxml(request))))
    transport.send(request)
    [seen] = receiver.requests_to("/ebms")
    assert seen.header("SOAPAction") == '"ebXML"'
    assert (seen.header("Content-Type") or "").startswith("multipart/related")
    sent = parse_http(seen.header("Content-Type") or "", seen.body)
    head = sent.header
    assert (head.from_party.her_id, head.to_party.her_id) == (SENDER_HER, RECEIVER_HER)
    assert (head.action, head.service.value, head.cpa_id) == (
        "DIALOG_FORESPORSEL",
        "S-DIALOG_FORESPORSEL",
        "nhn_8100001_8100002",
    )
    assert head.conversation_id == "conv-1"
    assert head.duplicate_elimination
    assert sent.payloads[0].data == HODEMELDING
    assert seen.header("Idempotency-Key") == request.key


def test_every_try_keeps_the_same_message_id(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    first, second = _request(route, attempt=1), _request(route, attempt=2)
    receiver.script("/ebms", Reply(503), _signal(build_acknowledgment(to_ebxml(first))))
    with pytest.raises(DeliveryUnavailable):
        transport.send(first)
    transport.send(second)
    ids = {
        parse_http(r.header("Content-Type") or "", r.body).message_id for r in receiver.requests_to("/ebms")
    }
    assert ids == {ebxml_message_id(first)}


@pytest.mark.parametrize("status", [200, 500])
def test_a_message_error_is_a_refusal_with_its_code(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport, status: int
) -> None:
    request = _request(route)
    error = build_message_error(to_ebxml(request), "SecurityFailure", "signature does not verify", "cid:x")
    receiver.script("/ebms", Reply(status, serialize_ebxml(error), XML))
    with pytest.raises(DeliveryRefused) as caught:
        transport.send(request)
    assert caught.value.code == "ebxml.message-error.SecurityFailure"
    assert "signature does not verify" in caught.value.detail
    assert is_permanent(caught.value)


def test_a_warning_is_taken_as_an_ack(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    receiver.script("/ebms", refuse("OtherXml", "encoding is not UTF-8", severity="Warning"))
    assert transport.send(_request(route)).status_code == 200


def test_no_signal_is_transient(receiver: Receiver, route: Route, transport: EbxmlHttpTransport) -> None:
    receiver.script("/ebms", Reply(200, b"OK"))
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(_request(route))
    assert caught.value.code == "delivery.ebxml-no-signal"


def test_an_asynchronous_route_accepts_a_bare_2xx(receiver: Receiver, route: Route) -> None:
    async_route = replace(route, options={**route.options, "acknowledgment": "async"})
    receiver.script("/ebms", Reply(202))
    with EbxmlHttpTransport(async_route) as ebxml:
        receipt = ebxml.send(_request(async_route))
    assert receipt.status_code == 202 and "asynchronously" in receipt.detail


def test_an_ack_of_another_message_is_not_a_delivery(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    other = to_ebxml(_request(route, idempotency_key="someone-else"))
    receiver.script("/ebms", _signal(build_acknowledgment(other)))
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(_request(route))
    assert caught.value.code == "delivery.ebxml-ack-mismatch"


def test_a_4xx_without_signal_is_a_refusal(
    receiver: Receiver, route: Route, transport: EbxmlHttpTransport
) -> None:
    receiver.script("/ebms", Reply(404, b"no such MSH"))
    with pytest.raises(DeliveryRefused):
        transport.send(_request(route))


def test_a_message_without_type_cannot_be_addressed(route: Route, transport: EbxmlHttpTransport) -> None:
    request = _request(route, envelope=replace(ENVELOPE, msg_type=None))
    with pytest.raises(DeliveryRefused) as caught:
        transport.send(request)
    assert caught.value.code == "delivery.ebxml-unaddressable"
    assert "action" in (caught.value.expected or "")
