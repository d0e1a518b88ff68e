"""Broken or hostile input gives a coded error that says where and what was expected."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from samband.adapters.ebxml import parse_ebxml, read_envelope, serialize_ebxml, validate_ebxml
from samband.adapters.limits import Limits, MimeLimits, applied
from samband.kernel.errors import GatewayError, ParseError, SchemaInvalid, UnsupportedMessage, XmlRefused
from samband.kernel.problems import Severity
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "ebxml/nav/payloadmessage.xml"
EB = b"http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"


def _sample() -> bytes:
    return SAMPLE.read_bytes()


def _raises(raw: bytes, error: type[GatewayError], code: str) -> GatewayError:
    with pytest.raises(error) as info:
        parse_ebxml(raw)
    assert info.value.code == code
    errors = [f for f in validate_ebxml(raw) if f.severity is Severity.ERROR]
    assert errors[-1].code == code and errors[-1].text == str(info.value)
    return info.value


def test_not_xml(samples_dir: Path) -> None:
    error = _raises(b"<SOAP:Envelope><unclosed>", ParseError, "xml.not-well-formed")
    assert error.line == 1


def test_xml_that_is_not_soap() -> None:
    error = _raises(
        b"<MsgHead xmlns='http://www.kith.no/xmlstds/msghead/2006-05-24'/>", ParseError, "ebxml.not-soap"
    )
    assert error.where == "/" and error.expected is not None and "Envelope" in error.expected


def test_soap_12_is_unsupported() -> None:
    raw = b"<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'><e:Body/></e:Envelope>"
    _raises(raw, UnsupportedMessage, "ebxml.soap-version")


def test_missing_header() -> None:
    raw = b"<S:Envelope xmlns:S='http://schemas.xmlsoap.org/soap/envelope/'><S:Body/></S:Envelope>"
    _raises(raw, ParseError, "ebxml.missing-header")


def test_wrong_ebxml_namespace(samples_dir: Path) -> None:
    raw = _sample().replace(EB, b"http://example.org/ebxml-v3")
    error = _raises(raw, UnsupportedMessage, "ebxml.wrong-namespace")
    assert error.received == "http://example.org/ebxml-v3"
    assert error.line == 6


def test_missing_message_header(samples_dir: Path) -> None:
    raw = _sample().replace(b"eb:MessageHeader", b"eb:Other")
    error = _raises(raw, ParseError, "ebxml.missing-messageheader")
    assert error.where == "/SOAP:Envelope/SOAP:Header"


def test_missing_message_id(samples_dir: Path) -> None:
    raw = _sample()
    start, end = raw.index(b"<eb:MessageId>"), raw.index(b"</eb:MessageId>") + len(b"</eb:MessageId>")
    error = _raises(raw[:start] + raw[end:], SchemaInvalid, "ebxml.missing-messageid")
    assert error.where is not None and error.where.endswith("eb:MessageData")
    assert error.line == 19  # the eb:MessageData start tag


def test_empty_message_id(samples_dir: Path) -> None:
    raw = _sample().replace(b"7104acf8-21e9-4ee7-b894-d413a00a8881", b"  ")
    error = _raises(raw, SchemaInvalid, "ebxml.empty-messageid")
    assert error.where is not None and error.where.endswith("eb:MessageId")


def test_missing_party_id(samples_dir: Path) -> None:
    raw = _sample().replace(b'<eb:PartyId eb:type="HER">123</eb:PartyId>', b"")
    _raises(raw, SchemaInvalid, "ebxml.missing-partyid")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "xml.entity-forbidden"),
        (b'<!DOCTYPE x SYSTEM "http://evil.example/x.dtd"><x/>', "xml.dtd-forbidden"),
        (b"<a>" * 200 + b"</a>" * 200, "xml.too-deep"),
    ],
)
def test_hostile_xml_is_refused(raw: bytes, code: str) -> None:
    _raises(raw, XmlRefused, code)


def test_hostile_xml_inside_a_mime_package_is_refused() -> None:
    soap = b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>'
    body = b"--b\r\nContent-ID: <s>\r\nContent-Type: text/xml\r\n\r\n" + soap + b"\r\n--b--\r\n"
    with pytest.raises(XmlRefused) as info:
        parse_ebxml(body, content_type='multipart/related; boundary="b"; type="text/xml"; start="<s>"')
    assert info.value.code == "xml.entity-forbidden"


def test_read_envelope_raises_the_same_codes() -> None:
    with pytest.raises(ParseError) as info:
        read_envelope(b"not xml at all")
    assert info.value.code == "xml.not-well-formed"


def test_inconsistent_signal_is_an_error(samples_dir: Path) -> None:
    raw = (
        (SAMPLES / "ebxml/nav/messageerror.xml")
        .read_bytes()
        .replace(b"urn:oasis:names:tc:ebxml-msg:service", b"S-X")
    )
    rules = {f.code for f in validate_ebxml(raw) if f.severity is Severity.ERROR}
    assert "ebxml.signal-service" in rules


def test_business_message_without_ack_requested_is_an_error(samples_dir: Path) -> None:
    raw = _sample()
    start = raw.index(b"<eb:AckRequested")
    end = raw.index(b"</eb:AckRequested>") + len(b"</eb:AckRequested>")
    rules = {f.code for f in validate_ebxml(raw[:start] + raw[end:]) if f.severity is Severity.ERROR}
    assert rules == {"ebxml.ack-requested"}


def test_oversized_package_is_refused_before_reading() -> None:
    with pytest.raises(GatewayError) as info, applied(Limits(mime=MimeLimits(max_bytes=1024))):
        parse_ebxml(b"MIME-Version: 1.0\r\n" + b"x" * 2048)
    assert info.value.code == "ebxml.mime-too-large"


def test_opaque_fragments_must_be_single_elements(samples_dir: Path) -> None:
    message = parse_ebxml(_sample())
    injected = dataclasses.replace(message, other_header=(b"<a/></SOAP:Header><SOAP:Header><b/>",))
    with pytest.raises(ParseError) as info:
        serialize_ebxml(injected)
    assert info.value.code == "xml.not-well-formed"
    kept = dataclasses.replace(message, other_header=(b'<x:Trace xmlns:x="urn:test">hop</x:Trace>',))
    assert parse_ebxml(serialize_ebxml(kept)).other_header == kept.other_header
