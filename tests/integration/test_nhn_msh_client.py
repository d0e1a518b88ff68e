"""The message-service client against the local Meldingstjener (a real HTTP server on loopback that
checks every request and answer against NHN's ``msh-api-v2.json``, with its own HelseID that checks
client assertions and DPoP proofs). Nothing on either side is replaced."""

from __future__ import annotations

import base64
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from samband.adapters.apprec import build_apprec, parse_apprec, serialize_apprec
from samband.adapters.apprec.codes import error_code
from samband.adapters.msghead import parse_msghead
from samband.gateway.delivery.retry import DEFAULT_SCHEDULE, next_attempt_at
from samband.integrations.nhn_msh import AppRecError, AppRecStatus, DeliveryState, MshClient
from samband.integrations.nhn_msh.local import LocalMeldingstjener, running_meldingstjener
from samband.kernel.errors import DeliveryMisconfigured, DeliveryRefused, DeliveryUnavailable, is_permanent
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of
from tests.support.nhn_msh_server import meldingstjener, msh_client

SENDER, RECEIVER = int(SENDER_HER), int(RECEIVER_HER)
OTHER = 8142999  # hosted, but no message goes there


@pytest.fixture(scope="module")
def msh() -> Iterator[LocalMeldingstjener]:
    yield from meldingstjener([SENDER, RECEIVER, OTHER])


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def client(msh: LocalMeldingstjener, keys: Path) -> Iterator[MshClient]:
    with msh_client(msh, keys, "kommune-ehr") as made:
        yield made


def sent_to_receiver(client: MshClient, document: bytes) -> str:
    """The receiver's entry for ``document`` (found by its MsgId)."""
    [found] = client.unread([RECEIVER], business_document_id=msg_id_of(document))
    assert found.receiver_her_id == RECEIVER and found.sender_her_id == SENDER
    return found.id


def test_send_list_fetch_mark_read_and_status(client: MshClient) -> None:
    document = hodemelding()
    sent_id = client.send(document, receiver_her_ids_subset=[RECEIVER], ebxml_overrides={"cpaId": "nhn-cpa"})
    [status] = client.status(sent_id)
    assert (status.receiver_her_id, status.delivery_state, status.apprec_status) == (
        RECEIVER,
        DeliveryState.UNCONFIRMED,
        None,
    )
    entry = sent_to_receiver(client, document)
    fetched = client.business_document(entry)
    assert fetched.content == document and fetched.content_type == "application/xml"
    assert client.message(entry).business_document_id == msg_id_of(document)
    client.mark_read(entry, RECEIVER)
    assert client.unread([RECEIVER], business_document_id=msg_id_of(document)) == []
    assert client.status(sent_id)[0].delivery_state is DeliveryState.ACKNOWLEDGED


def test_apprec_sent_through_the_api_reaches_the_sender(client: MshClient) -> None:
    document = hodemelding()
    sent_id = client.send(document)
    entry = sent_to_receiver(client, document)
    assert client.apprec_info(sent_id)[0].status is None
    problem = AppRecError("X99", "Pasienten er ikke kjent hos oss")
    client.send_apprec(entry, RECEIVER, AppRecStatus.OK_ERROR_IN_MESSAGE_PART, [problem])
    [info] = client.apprec_info(sent_id)
    assert (info.receiver_her_id, info.status) == (RECEIVER, AppRecStatus.OK_ERROR_IN_MESSAGE_PART)
    assert [(e.error_code, e.details) for e in info.errors] == [("X99", "Pasienten er ikke kjent hos oss")]
    assert client.status(sent_id)[0].apprec_status is AppRecStatus.OK_ERROR_IN_MESSAGE_PART
    back = [m for m in client.unread([SENDER]) if m.is_apprec and m.sender_her_id == RECEIVER]
    apprecs = [parse_apprec(client.business_document(m.id).content) for m in back]
    [apprec] = [a for a in apprecs if a.original.id == msg_id_of(document)]
    assert apprec.status.v == "3" and [e.v for e in apprec.errors] == ["X99"]


def test_apprec_sent_as_a_business_document_is_recorded(client: MshClient) -> None:
    document = hodemelding()
    sent_id = client.send(document)
    received = client.business_document(sent_to_receiver(client, document)).content
    answer = build_apprec(
        parse_msghead(received),
        status="2",
        errors=(error_code("E21", "Ukjent mottaker"),),
        now=datetime.now(UTC),
    )
    client.send(serialize_apprec(answer))
    [info] = client.apprec_info(sent_id)
    assert info.status is AppRecStatus.REJECTED
    assert [e.error_code for e in info.errors] == ["E21"]


def test_a_nonce_challenge_is_answered(msh: LocalMeldingstjener, client: MshClient) -> None:
    msh.app.demand_nonce = True
    msh.helseid.demand_nonce = True
    before = len(msh.app.seen)
    try:
        assert client.unread([OTHER]) == []
        client.helseid.forget_token()  # the token endpoint's own nonce challenge too
        assert client.unread([OTHER]) == []
    finally:
        msh.app.demand_nonce = msh.helseid.demand_nonce = False
    statuses = [seen.status for seen in msh.app.seen[before:]]
    assert statuses[:2] == [401, 200] and statuses[-1] == 200


def test_an_expired_token_is_renewed_once(msh: LocalMeldingstjener, client: MshClient) -> None:
    client.helseid.forget_token()
    msh.helseid.issue_expired = 1  # the next token says it lives 300 s but is already expired
    issued = msh.helseid.issued
    assert client.unread([OTHER]) == []
    assert msh.helseid.issued == issued + 2


def test_a_token_of_another_issuer_is_unauthorized(msh: LocalMeldingstjener, keys: Path) -> None:
    with running_meldingstjener([SENDER]) as other:
        key_path = other.new_client("elsewhere", keys / "elsewhere.jwk")
        settings = other.settings_for(key_path, "elsewhere").model_copy(update={"base_url": msh.url})
        with MshClient(settings) as stranger, pytest.raises(DeliveryMisconfigured) as refused:
            stranger.unread([SENDER])
    assert refused.value.code == "nhn-msh.unauthorized" and not is_permanent(refused.value)
    assert "invalid_token" in str(refused.value.received)


def test_a_call_without_its_dpop_proof_is_refused(msh: LocalMeldingstjener, client: MshClient) -> None:
    token = client.helseid.access_token()
    headers = {"api-version": "2", "nhn-source-system": "Samband, test"}
    url = f"{msh.url}/Messages?ReceiverHerIds={OTHER}"
    bare = httpx.get(url, headers={**headers, "Authorization": f"DPoP {token.value}"})
    assert bare.status_code == 401 and "auth.dpop-required" in bare.headers["WWW-Authenticate"]
    bearer = httpx.get(url, headers={**headers, "Authorization": f"Bearer {token.value}"})
    assert bearer.status_code == 401
    proof = client.helseid.dpop_proof("GET", url, token.value)
    proved = httpx.get(url, headers={**headers, "Authorization": f"DPoP {token.value}", "DPoP": proof})
    assert proved.status_code == 200 and proved.json() == []


def test_a_5xx_is_transient_and_the_retry_sends_once(msh: LocalMeldingstjener, client: MshClient) -> None:
    document = hodemelding()
    msh.app.fail_next(1, 503, path="/Messages")
    with pytest.raises(DeliveryUnavailable) as failed:
        client.send(document)
    error = failed.value
    assert error.code == "nhn-msh.unavailable" and not is_permanent(error)
    assert next_attempt_at(DEFAULT_SCHEDULE, 1, error, datetime.now(UTC)) is not None
    client.send(document)
    assert len(client.unread([RECEIVER], business_document_id=msg_id_of(document))) == 1


def test_locked_is_transient(msh: LocalMeldingstjener, client: MshClient) -> None:
    msh.app.fail_next(1, 423)
    with pytest.raises(DeliveryUnavailable) as locked:
        client.unread([OTHER])
    assert locked.value.code == "nhn-msh.locked" and not is_permanent(locked.value)


def test_a_timeout_is_transient(msh: LocalMeldingstjener, keys: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # takes the connection, never answers
    try:
        with msh_client(msh, keys, "kommune-ehr", timeout_seconds=0.5) as slow:
            port = silent.getsockname()[1]
            slow.base_url = f"http://127.0.0.1:{port}"
            with pytest.raises(DeliveryUnavailable) as timed_out:
                slow.unread([OTHER])
    finally:
        silent.close()
    assert timed_out.value.code == "nhn-msh.unavailable" and "in time" in timed_out.value.detail


def test_a_400_carries_the_validation_errors(client: MshClient) -> None:
    document = hodemelding().replace(b"<Id>91100</Id>", b"<Id>4711</Id>")
    with pytest.raises(DeliveryRefused) as refused:
        client.send(document)
    error = refused.value
    assert error.code == "nhn-msh.rejected" and is_permanent(error)
    assert "Receiver HER-id 4711 is not served by this message service" in error.detail
    with pytest.raises(DeliveryRefused) as not_xml:
        client.send(b"not a business document")
    assert not_xml.value.code == "nhn-msh.rejected" and "BusinessDocument" in str(not_xml.value.received)


def test_a_client_not_bound_to_the_her_id_is_forbidden(msh: LocalMeldingstjener, keys: Path) -> None:
    with msh_client(msh, keys, "legekontor", [SENDER]) as narrow:
        with pytest.raises(DeliveryMisconfigured) as forbidden:
            narrow.unread([RECEIVER])
        assert forbidden.value.code == "nhn-msh.forbidden" and str(RECEIVER) in forbidden.value.detail
        with pytest.raises(DeliveryRefused) as unknown:
            narrow.status(str(uuid.uuid4()))
        assert unknown.value.code == "nhn-msh.not-found"


def test_the_service_refuses_what_the_definition_does_not_allow(
    msh: LocalMeldingstjener, client: MshClient
) -> None:
    """The server's own check can fail: a request without nhn-source-system and with an unknown
    body field is a 400 listing both, and is counted as invalid."""
    url = f"{msh.url}/Messages"
    body = {
        "businessDocument": base64.b64encode(hodemelding()).decode(),
        "contentType": "application/xml",
        "contentTransferEncoding": "base64",
        "priority": "high",
    }
    before = len(msh.app.invalid_requests())
    headers = {"api-version": "2", **client.helseid.auth_headers("POST", url)}
    answer = httpx.post(url, json=body, headers=headers)
    assert answer.status_code == 400
    assert any("nhn-source-system" in e for e in answer.json()["validationErrors"])
    headers = {"api-version": "2", "nhn-source-system": "x", **client.helseid.auth_headers("POST", url)}
    answer = httpx.post(url, json=body, headers=headers)
    assert answer.status_code == 400 and "priority" in " ".join(answer.json()["validationErrors"])
    assert len(msh.app.invalid_requests()) == before + 2
    msh.app.seen[:] = [seen for seen in msh.app.seen if not seen.problems]  # these two were on purpose


def test_every_request_the_client_sent_passed_the_definition(
    msh: LocalMeldingstjener, client: MshClient
) -> None:
    """A whole exchange made here, and every request the module's client sent before it, matched
    msh-api-v2.json (whatever order the tests ran in)."""
    before = len(msh.app.seen)
    document = hodemelding()
    sent_id = client.send(document)
    entry = sent_to_receiver(client, document)
    client.business_document(entry)
    client.mark_read(entry, RECEIVER)
    client.status(sent_id)
    client.apprec_info(sent_id)
    assert len(msh.app.seen) >= before + 6
    assert msh.app.invalid_requests() == []
    assert msh.app.invalid_responses == []
