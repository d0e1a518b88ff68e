"""The one parse function refuses hostile XML with coded errors, quickly."""

from __future__ import annotations

import time

import pytest

from samband.adapters.xml.safe import XmlLimits, document_encoding, parse_xml
from samband.kernel.errors import ParseError, XmlRefused

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ELEMENT foo ANY><!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>"""


def test_entity_bomb_is_refused_with_code() -> None:
    with pytest.raises(XmlRefused) as info:
        parse_xml(BOMB)
    assert info.value.code == "xml.entity-forbidden"
    assert info.value.line == 2


def test_external_entity_is_refused() -> None:
    with pytest.raises(XmlRefused):
        parse_xml(XXE)


def test_plain_doctype_is_refused() -> None:
    with pytest.raises(XmlRefused) as info:
        parse_xml(b'<!DOCTYPE html SYSTEM "http://example.org/x.dtd"><html/>')
    assert info.value.code == "xml.dtd-forbidden"


def test_huge_body_is_refused_before_parsing_within_a_second() -> None:
    body = b"<a>" + b"x" * (100 * 1024 * 1024) + b"</a>"
    started = time.monotonic()
    with pytest.raises(XmlRefused) as info:
        parse_xml(body)
    assert info.value.code == "xml.too-large"
    assert time.monotonic() - started < 1.0


def test_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 200 + b"</a>" * 200
    with pytest.raises(XmlRefused) as info:
        parse_xml(deep, XmlLimits(max_depth=50))
    assert info.value.code == "xml.too-deep"


def test_not_well_formed_reports_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        parse_xml(b"<a>\n  <b></a>")
    assert info.value.code == "xml.not-well-formed"
    assert info.value.line == 2


def test_iso_8859_1_documents_parse() -> None:
    raw = '<?xml version="1.0" encoding="ISO-8859-1"?><navn>Ærlig Østby Åsen</navn>'.encode("iso-8859-1")
    assert parse_xml(raw).text == "Ærlig Østby Åsen"
    assert document_encoding(raw) == "ISO-8859-1"
