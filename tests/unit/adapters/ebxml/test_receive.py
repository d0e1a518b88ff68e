"""Receiving: one answer per business message, none for signals, a SOAP Fault when unreadable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from samband.adapters.ebxml import (
    MessageKind,
    Payload,
    build_message,
    parse_ebxml,
    receive_ebxml,
    serialize_ebxml,
    serialize_package,
    soap_fault,
)
from samband.adapters.ebxml.names import SOAP_NS
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema, xsd_findings
from samband.kernel.errors import MessageRejected

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _package() -> tuple[str, bytes]:
    message = build_message(from_her="8094866", to_her="133735", action="DIALOG_HELSEFAGLIG", payload=b"cms")
    package = serialize_package(message)
    return package.content_type, package.body


def test_valid_business_message_is_acknowledged() -> None:
    content_type, body = _package()
    received = receive_ebxml(body, content_type=content_type, soap_action='"ebXML"', now=WHEN)
    assert received.accepted and received.message is not None
    assert received.reply is not None and received.reply.kind is MessageKind.ACKNOWLEDGMENT
    assert received.reply.acknowledgment is not None
    assert received.reply.acknowledgment.ref_to_message_id == received.message.message_id
    assert received.reply.header.to_party.her_id == "8094866"
    serialize_ebxml(received.reply)


def test_invalid_business_message_gets_a_message_error() -> None:
    content_type, body = _package()
    received = receive_ebxml(body, content_type=content_type, soap_action="wrong", now=WHEN)
    assert not received.accepted
    assert received.reply is not None and received.reply.error_list is not None
    error = received.reply.error_list.errors[0]
    assert error.error_code == "MimeProblem"
    assert error.description is not None and "ebxml.soap-action" in error.description.text
    assert received.message is not None
    assert received.reply.header.message_data.ref_to_message_id == received.message.message_id
    serialize_ebxml(received.reply)


def test_signals_are_not_answered(samples_dir: Path) -> None:
    raw = (samples_dir / "ebxml/nav/acknowledgment.xml").read_bytes()
    received = receive_ebxml(raw)
    assert received.message is not None and received.message.is_signal
    assert received.reply is None and received.accepted


def test_unreadable_message_has_no_reply_but_a_fault() -> None:
    received = receive_ebxml(
        b"--x\r\n\r\nnothing", content_type='multipart/related; boundary="x"; start="<a>"'
    )
    assert received.message is None and received.reply is None
    assert received.error is not None and received.error.code == "ebxml.mime-no-start"
    fault = soap_fault(received.error)
    root = parse_xml(fault)
    assert xsd_findings(root, compiled_schema([SOAP_NS])) == []
    assert root.findtext(f".//{{{SOAP_NS}}}Fault/faultcode") == "SOAP:Client"
    assert root.findtext(f".//{{{SOAP_NS}}}Fault/detail/code") == "ebxml.mime-no-start"


class Refuses:
    def verify(self, envelope: bytes, payloads: Sequence[Payload]) -> None:
        raise MessageRejected(
            "signature does not verify", code="ebxml.signature-invalid", where="ds:Signature"
        )


def test_failed_signature_gets_a_security_failure(samples_dir: Path) -> None:
    raw = (samples_dir / "ebxml/sarepta/ebxml-eksempel.xml").read_bytes()
    received = receive_ebxml(raw, verifier=Refuses(), now=WHEN)
    assert not received.accepted
    assert received.reply is not None and received.reply.error_list is not None
    assert received.reply.error_list.errors[0].error_code == "SecurityFailure"
    assert parse_ebxml(serialize_ebxml(received.reply)) == received.reply
