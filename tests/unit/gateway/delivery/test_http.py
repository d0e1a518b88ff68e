"""HTTP delivery against a real loopback receiver: statuses, timeouts, resets, headers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from samband.gateway.delivery.transports.http import HttpTransport
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable, is_permanent
from tests.support.receivers import Receiver, Reply
from tests.unit.gateway.delivery.factories import make_request, make_route


@pytest.fixture
def transport(receiver: Receiver) -> Iterator[HttpTransport]:
    route = make_route(endpoint=receiver.url("/fhir"), timeout=2.0, headers={"X-Tenant": "kommune-a"})
    http = HttpTransport(route, quick_wait=0.01)
    yield http
    http.close()


def test_2xx_is_delivered_with_what_the_receiver_said(receiver: Receiver, transport: HttpTransport) -> None:
    body = json.dumps({"resourceType": "Bundle", "id": "remote-17"}).encode()
    receiver.script("/fhir", Reply(201, body, {"Content-Type": "application/fhir+json"}))
    receipt = transport.send(make_request(transport.route))
    assert receipt.status_code == 201
    assert receipt.remote_id == "remote-17"
    assert "remote-17" in receipt.body_excerpt
    assert receipt.latency_seconds > 0


def test_the_post_carries_payload_type_and_idempotency_key(
    receiver: Receiver, transport: HttpTransport
) -> None:
    request = make_request(transport.route, attempt=3)
    transport.send(request)
    [seen] = receiver.requests_to("/fhir")
    assert seen.method == "POST"
    assert seen.body == request.payload
    assert seen.header("Content-Type") == "application/fhir+json"
    assert seen.header("Idempotency-Key") == "delivery-0001"
    assert seen.header("X-Samband-Message-Id") == "out-0001"
    assert seen.header("X-Samband-Attempt") == "3"
    assert seen.header("X-Tenant") == "kommune-a"  # route headers


def test_location_header_is_the_remote_id(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.script("/fhir", Reply(201, headers={"Location": "http://fhir.test/Bundle/9/_history/1"}))
    assert transport.send(make_request(transport.route)).remote_id == "http://fhir.test/Bundle/9/_history/1"


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_5xx_and_busy_are_transient(receiver: Receiver, transport: HttpTransport, status: int) -> None:
    receiver.script("/fhir", Reply(status, b"try later"))
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.http-unavailable"
    assert f"HTTP {status}" in (caught.value.received or "")
    assert not is_permanent(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 301])
def test_4xx_is_a_refusal_with_the_reply_excerpt(
    receiver: Receiver, transport: HttpTransport, status: int
) -> None:
    outcome = b'{"resourceType": "OperationOutcome", "issue": [{"diagnostics": "bad CarePlan"}]}'
    receiver.script("/fhir", Reply(status, outcome))
    with pytest.raises(DeliveryRefused) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.http-refused"
    assert "bad CarePlan" in (caught.value.received or "")
    assert is_permanent(caught.value)


def _batch_response(*statuses: str) -> Reply:
    entries = [
        {"response": {"status": status, "outcome": {"issue": [{"diagnostics": f"entry says {status}"}]}}}
        for status in statuses
    ]
    body = json.dumps({"resourceType": "Bundle", "type": "batch-response", "entry": entries}).encode()
    return Reply(200, body, {"Content-Type": "application/fhir+json"})


def test_a_batch_with_every_entry_taken_is_delivered(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.script("/fhir", _batch_response("201 Created", "200 OK"))
    assert transport.send(make_request(transport.route)).status_code == 200


def test_a_refused_batch_entry_fails_the_delivery(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.script("/fhir", _batch_response("201 Created", "422 Unprocessable Entity"))
    with pytest.raises(DeliveryRefused) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.fhir-entry-refused"
    assert caught.value.where is not None and caught.value.where.endswith("Bundle.entry[1].response")
    assert caught.value.received == "422 entry says 422 Unprocessable Entity"


def test_a_batch_entry_the_server_could_not_store_is_transient(
    receiver: Receiver, transport: HttpTransport
) -> None:
    receiver.script("/fhir", _batch_response("422", "503"))
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.fhir-entry-unavailable"
    assert "2 batch entries" in caught.value.detail


def test_receiver_down_is_transient_then_up_delivers(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.down()
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.connect-failed"
    assert isinstance(caught.value.__cause__, Exception)  # raised from the library error
    receiver.up()
    assert transport.send(make_request(transport.route)).status_code == 200


def test_timeout_is_transient(receiver: Receiver) -> None:
    receiver.script("/slow", Reply(200, delay=1.0))
    route = make_route(endpoint=receiver.url("/slow"), timeout=0.2)
    with HttpTransport(route, quick_wait=0.01) as http, pytest.raises(DeliveryUnavailable) as caught:
        http.send(make_request(route))
    assert caught.value.code == "delivery.timeout"


def test_a_connection_reset_is_retried_at_once(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.script("/fhir", Reply(reset=True), Reply(201))
    assert transport.send(make_request(transport.route)).status_code == 201
    assert len(receiver.requests_to("/fhir")) == 2
    assert {r.header("Idempotency-Key") for r in receiver.requests_to("/fhir")} == {"delivery-0001"}


def test_resets_that_go_on_become_transient_after_the_quick_retries(
    receiver: Receiver, transport: HttpTransport
) -> None:
    receiver.script("/fhir", Reply(reset=True))
    with pytest.raises(DeliveryUnavailable) as caught:
        transport.send(make_request(transport.route))
    assert caught.value.code == "delivery.connection-lost"
    assert len(receiver.requests_to("/fhir")) == 3  # one try and two quick retries, then the schedule


def test_a_5xx_is_not_retried_in_process(receiver: Receiver, transport: HttpTransport) -> None:
    receiver.script("/fhir", 503)
    with pytest.raises(DeliveryUnavailable):
        transport.send(make_request(transport.route))
    assert len(receiver.requests_to("/fhir")) == 1


def test_endpoint_override_wins(receiver: Receiver, transport: HttpTransport) -> None:
    transport.send(make_request(transport.route, endpoint=receiver.url("/test-endpoint")))
    assert [r.path for r in receiver.requests] == ["/test-endpoint"]


def test_no_endpoint_is_refused() -> None:
    route = make_route(endpoint=None)
    with HttpTransport(route, quick_wait=0.01) as http, pytest.raises(DeliveryRefused) as caught:
        http.send(make_request(route))
    assert caught.value.code == "delivery.no-endpoint"


def test_a_malformed_endpoint_is_refused() -> None:
    route = make_route(endpoint="ftp://fhir.test/x")
    with HttpTransport(route, quick_wait=0.01) as http, pytest.raises(DeliveryRefused) as caught:
        http.send(make_request(route))
    assert caught.value.code == "delivery.bad-endpoint"
