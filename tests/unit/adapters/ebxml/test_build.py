"""From-scratch business message, Acknowledgment and MessageError: HISD 1209 defaults, valid XSD."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from samband.adapters.ebxml import (
    Description,
    EbxmlMessage,
    MessageKind,
    build_acknowledgment,
    build_apprec,
    build_message,
    build_message_error,
    default_cpa_id,
    make_payload,
    parse_ebxml,
    serialize_ebxml,
    serialize_package,
    validate_ebxml,
)
from samband.adapters.ebxml.mime import unpack
from samband.adapters.ebxml.names import ACTOR_TO_PARTY_MSH, DS_NS, MSH_SERVICE
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import UnsupportedMessage
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES

WHEN = datetime(2026, 3, 2, 8, 30, 15, tzinfo=UTC)
CMS = bytes(range(256)) * 4  # stands in for a CMS EnvelopedData blob: binary, every byte value


def _message() -> EbxmlMessage:
    return build_message(
        from_her="8094866",
        to_her="133735",
        action="DIALOG_FORESPORSEL",
        payload=make_payload(CMS, content_id="payload-1@test.example"),
        conversation_id="7d0c3f9e-5d6b-4b8a-9f43-2f7c6c1c9a10",
        message_id="c1a0f6d2-8e7b-4f3a-9d51-0b6e2a7c4d11",
        timestamp=WHEN,
    )


def _errors(raw: bytes, **kwargs: str) -> list[str]:
    return [f"{f.code}: {f.text}" for f in validate_ebxml(raw, **kwargs) if f.severity is Severity.ERROR]


def test_business_message_defaults_follow_hisd_1209() -> None:
    message = _message()
    head = message.header
    assert head.service.value == "S-DIALOG_FORESPORSEL" and head.service.type == "string"
    assert head.action == "DIALOG_FORESPORSEL"
    assert (head.from_party.role, head.to_party.role) == (
        "DIALOG_FORESPORSELsender",
        "DIALOG_FORESPORSELreceiver",
    )
    assert head.cpa_id == "133735_8094866"  # lowest HER-id first, compared as numbers
    assert head.duplicate_elimination
    assert head.message_data.timestamp == "2026-03-02T08:30:15Z"
    assert message.ack_requested is not None and message.ack_requested.signed
    assert message.ack_requested.actor == ACTOR_TO_PARTY_MSH
    assert message.manifest[0].href == "cid:payload-1@test.example"


def test_cpa_values_win_over_the_defaults() -> None:
    message = build_message(
        from_her="123",
        to_her="321",
        action="OppgjorsMelding",
        payload=b"cms",
        service="BehandlerKrav",
        from_role="Behandler",
        to_role="KontrollUtbetaler",
        cpa_id="nav:qass:35065",
    )
    head = message.header
    assert (head.service.value, head.from_party.role, head.cpa_id) == (
        "BehandlerKrav",
        "Behandler",
        "nav:qass:35065",
    )
    assert message.payloads[0].content_type.startswith("application/pkcs7-mime")


def test_default_cpa_id_orders_numerically() -> None:
    assert default_cpa_id("80225", "79768") == "79768_80225"
    assert default_cpa_id("9", "10") == "9_10"


def test_business_message_package_is_clean_and_round_trips() -> None:
    message = _message()
    package = serialize_package(message, boundary="b-1")
    assert package.headers["SOAPAction"] == '"ebXML"' and package.headers["MIME-Version"] == "1.0"
    assert 'type="text/xml"' in package.content_type and "start=" in package.content_type
    assert _errors(package.body, content_type=package.content_type, soap_action='"ebXML"') == []
    assert _errors(package.as_mime_bytes()) == []
    assert parse_ebxml(package.as_mime_bytes()) == message
    assert parse_ebxml(package.body, content_type=package.content_type).payloads[0].data == CMS


def test_acknowledgment_answers_the_message() -> None:
    raw = (SAMPLES / "ebxml/sarepta/ebxml-eksempel.xml").read_bytes()
    original = parse_ebxml(raw)
    envelope = unpack(raw, None).envelope
    ack = build_acknowledgment(original, message_id="ack-1@test.example", timestamp=WHEN, envelope=envelope)
    head = ack.header
    assert ack.kind is MessageKind.ACKNOWLEDGMENT
    assert (head.service.value, head.action) == (MSH_SERVICE, "Acknowledgment")
    assert (head.cpa_id, head.conversation_id) == (original.header.cpa_id, original.header.conversation_id)
    assert head.from_party.her_id == "12345" and head.to_party.her_id == "987654"
    assert head.from_party.role is None and head.to_party.role is None
    assert ack.acknowledgment is not None
    assert ack.acknowledgment.ref_to_message_id == "955536cb-fb9a-49d9-848d-2baca7b116e1"
    copied = [parse_xml(r) for r in ack.acknowledgment.references]
    # the sample holds no payload part: its reference is left out, not acknowledged with a copied digest
    assert [r.get("URI") for r in copied] == [""]
    assert all(r.tag == f"{{{DS_NS}}}Reference" for r in copied)
    [ours] = [r.findtext(f"{{{DS_NS}}}DigestValue") for r in copied]
    assert ours is not None and len(base64.b64decode(ours)) == hashlib.sha1().digest_size
    envelope = serialize_ebxml(ack)
    assert _errors(envelope) == []
    assert parse_ebxml(envelope) == ack


def test_acknowledgment_of_an_unsigned_message_has_no_references() -> None:
    ack = build_acknowledgment(_message(), timestamp=WHEN)
    assert ack.acknowledgment is not None and ack.acknowledgment.references == ()
    assert _errors(serialize_ebxml(ack)) == []


def test_message_error_rejects_with_location() -> None:
    original = _message()
    error = build_message_error(
        original,
        "ValueNotRecognized",
        "unknown CPAId",
        "xpointer(//MessageHeader/CPAId)",
        timestamp=WHEN,
    )
    assert error.kind is MessageKind.MESSAGE_ERROR
    assert error.header.message_data.ref_to_message_id == "c1a0f6d2-8e7b-4f3a-9d51-0b6e2a7c4d11"
    assert error.error_list is not None and error.error_list.highest_severity == "Error"
    envelope = serialize_ebxml(error)
    assert _errors(envelope) == []
    assert b'eb:errorCode="ValueNotRecognized"' in envelope
    assert parse_ebxml(envelope) == error


@pytest.mark.parametrize("sample", ["nav/acknowledgment.xml", "nav/messageerror.xml"])
def test_signals_are_never_answered(samples_dir: Path, sample: str) -> None:
    signal = parse_ebxml((samples_dir / "ebxml" / sample).read_bytes())
    for build in (build_acknowledgment, lambda m: build_message_error(m, "Unknown", "x")):
        with pytest.raises(UnsupportedMessage) as info:
            build(signal)
        assert info.value.code == "ebxml.signal-not-answered"


def test_unknown_error_code_is_refused() -> None:
    with pytest.raises(UnsupportedMessage) as info:
        build_message_error(_message(), "Broken", "x")
    assert info.value.code == "ebxml.unknown-error-code"


def test_description_is_carried() -> None:
    text = '{"MSH-system":"Samband","MSH-versjon":"0.1"}'
    ack = build_acknowledgment(_message(), description=Description(text, "NO"))
    assert parse_ebxml(serialize_ebxml(ack)).header.descriptions[0].text == text


def test_apprec_travels_under_the_same_service_with_roles_reversed() -> None:
    original = _message()
    apprec = build_apprec(original, b"cms-apprec", message_id="apprec-1@test.example", timestamp=WHEN)
    head = apprec.header
    assert (head.action, head.service.value) == ("APPREC", "S-DIALOG_FORESPORSEL")
    assert (head.from_party.her_id, head.to_party.her_id) == ("133735", "8094866")
    assert (head.from_party.role, head.to_party.role) == (
        "DIALOG_FORESPORSELreceiver",
        "DIALOG_FORESPORSELsender",
    )
    assert (head.cpa_id, head.conversation_id) == (original.header.cpa_id, original.header.conversation_id)
    assert head.message_data.ref_to_message_id == original.message_id
    package = serialize_package(apprec)
    assert _errors(package.body, content_type=package.content_type, soap_action='"ebXML"') == []
    assert not [
        f for f in validate_ebxml(package.body, content_type=package.content_type) if f.code == "ebxml.role"
    ]


def test_apprec_of_a_signal_is_refused(samples_dir: Path) -> None:
    signal = parse_ebxml((samples_dir / "ebxml/nav/acknowledgment.xml").read_bytes())
    with pytest.raises(UnsupportedMessage):
        build_apprec(signal, b"x")
