"""ebXML as mail delivered it: a whole RFC 5322 message (``Return-Path:``, ``Received:`` …, LF or
CRLF), a bare MIME body and a bare SOAP part are all read, validated and translated alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samband.adapters.ebxml import parse_ebxml
from samband.adapters.ebxml.mail import looks_like_mime, parse_headers
from samband.adapters.formats import detect, translatable, validate
from samband.gateway.cli.translate import run_translate
from samband.kernel.formats import Format
from samband.kernel.problems import Severity
from tests.support.smtp_mail import HODEMELDING, PAYLOAD_ID, SOAP, mime_body, smtp_mail

pytestmark = pytest.mark.skipif(not SOAP.is_file(), reason="reference samples not available")
LAYOUTS = {
    "mail-lf": lambda: smtp_mail(),
    "mail-crlf": lambda: smtp_mail(crlf=True),
    "mime-body-lf": lambda: mime_body(),
    "mime-body-crlf": lambda: mime_body(crlf=True),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_is_ebxml_and_reads_to_the_same_message(layout: str) -> None:
    raw = LAYOUTS[layout]()
    assert looks_like_mime(raw) and detect(raw) is Format.EBXML
    message = parse_ebxml(raw)
    assert message.header == parse_ebxml(SOAP.read_bytes()).header
    assert [p.data for p in message.payloads] == [HODEMELDING.read_bytes()]
    assert message.payloads[0].content_id == PAYLOAD_ID.decode()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_validates_without_errors(layout: str) -> None:
    kind, findings = validate(LAYOUTS[layout]())
    assert kind is Format.EBXML
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert "xml.not-well-formed" not in {f.code for f in findings}


def test_the_soap_action_of_a_mail_comes_from_its_headers() -> None:
    codes = {f.code for f in validate(smtp_mail())[1]}
    assert "ebxml.soap-action" not in codes
    headerless = smtp_mail().replace(b'SOAPAction: "ebXML"\n', b"")
    assert "ebxml.soap-action" in {f.code for f in validate(headerless)[1]}


def test_the_mail_header_block_is_read_by_the_email_parser_with_folds_unfolded() -> None:
    raw = smtp_mail(crlf=True)
    headers = dict(parse_headers(raw.split(b"\r\n\r\n", 1)[0]))
    assert headers["Return-Path"] == "<bounces+1400724@relay.example.net>"
    assert headers["Received"].startswith("from mx1.relay.example") and "\n" not in headers["Received"]
    assert headers["Content-Type"].startswith("multipart/related;boundary=")


def test_xml_and_json_and_plain_text_are_not_taken_for_mail() -> None:
    assert not looks_like_mime(SOAP.read_bytes())
    assert not looks_like_mime(b'{"resourceType": "Bundle"}')
    assert not looks_like_mime(b"this is not xml")
    assert not looks_like_mime(b"Note: a line that looks like a header\n\nbut no MIME headers\n")


@pytest.mark.parametrize("layout", ["mail-lf", "mail-crlf", "mime-body-lf"])
def test_translate_reads_the_hodemelding_the_message_carries(layout: str, tmp_path: Path) -> None:
    source = tmp_path / "message.eml"
    source.write_bytes(LAYOUTS[layout]())
    out = tmp_path / "bundle.json"
    assert translatable(source.read_bytes()) == HODEMELDING.read_bytes()
    assert run_translate(source, "fhir", out) == 0
    bundle = json.loads(out.read_bytes())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "message"


def test_an_encrypted_payload_cannot_be_translated_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "encrypted.eml"
    source.write_bytes(smtp_mail(encrypted=True))
    assert run_translate(source, "fhir", tmp_path / "out.json") == 1
    assert "ebxml.no-xml-payload" in capsys.readouterr().err
