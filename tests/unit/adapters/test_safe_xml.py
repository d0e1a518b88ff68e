"""The one parse function refuses hostile XML with coded errors, quickly."""

from __future__ import annotations

import pytest

from samband.adapters.xml.safe import XmlLimits, document_encoding, parse_xml, remember, shared_parses
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


def test_huge_body_is_refused_before_parsing() -> None:
    body = b"<a>" + b"x" * (100 * 1024 * 1024)  # not well-formed either: only its size is looked at
    with pytest.raises(XmlRefused) as info:
        parse_xml(body)
    assert info.value.code == "xml.too-large"


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


def test_too_many_elements_is_refused_before_a_tree_is_built() -> None:
    wide = b"<MsgHead>" + b"<Document/>" * 1_000_000  # 11 MB, a million elements, never closed
    with pytest.raises(XmlRefused) as info:
        parse_xml(wide)
    assert info.value.code == "xml.too-many-elements", "counted before a tree (which would fail) is built"


def test_comments_count_as_elements_and_markup_in_cdata_does_not() -> None:
    with pytest.raises(XmlRefused) as info:
        parse_xml(b"<a>" + b"<!---->" * 200 + b"</a>", XmlLimits(max_elements=100))
    assert info.value.code == "xml.too-many-elements"
    cdata = b"<a><![CDATA[" + b"<b>" * 500 + b"]]></a>"
    assert parse_xml(cdata, XmlLimits(max_elements=100)).text == "<b>" * 500


@pytest.mark.parametrize(
    ("raw", "limits", "code", "where"),
    [
        (b"<a " + b" ".join(b'x%d="1"' % i for i in range(30)) + b"/>", XmlLimits(max_attributes=20),
         "xml.too-many-attributes", "a"),
        (b'<a><b V="' + b"x" * 100_000 + b'"/></a>', XmlLimits(), "xml.attribute-too-long", "b/@V"),
        (b"<a><b>" + b"x" * 3000 + b"</b></a>", XmlLimits(max_text_chars=2000),
         "xml.text-too-large", "b/text()"),
        (b"<a>" * 300 + b"</a>" * 300, XmlLimits(), "xml.too-deep", None),
    ],
)  # fmt: skip
def test_attributes_text_and_depth_are_bounded(raw: bytes, limits: XmlLimits, code: str, where: str) -> None:
    with pytest.raises(XmlRefused) as info:
        parse_xml(raw, limits)
    assert (info.value.code, info.value.where) == (code, where)


DTD = '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'


@pytest.mark.parametrize(
    "raw",
    [
        ('<?xml version="1.0" encoding="UTF-32"?>' + DTD).encode("utf-32-be"),  # no byte-order mark
        ('<?xml version="1.0" encoding="UTF-32"?>' + DTD).encode("utf-32-le"),
        ('<?xml version="1.0" encoding="IBM037"?>' + DTD).encode("cp037"),  # EBCDIC
        b'<?xml version="1.0" encoding="UTF-7"?>' + DTD.encode("utf-7"),  # "<" spelt "+ADw-"
    ],
)
def test_a_dtd_is_refused_whatever_the_encoding_hides_it_in(raw: bytes) -> None:
    with pytest.raises(XmlRefused) as info:
        parse_xml(raw)
    assert info.value.code == "xml.entity-forbidden"


@pytest.mark.parametrize("encoding", ["undefined", "unicode-escape", "base64", "x-made-up"])
def test_an_encoding_that_is_no_charset_is_refused(encoding: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_xml(f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode())
    assert info.value.code == "xml.unknown-encoding"


def test_an_ebcdic_document_reads_like_the_original() -> None:
    text = '<?xml version="1.0" encoding="IBM037"?><navn>Ærlig Østby</navn>'
    assert parse_xml(text.encode("cp037")).text == "Ærlig Østby"


def test_a_remembered_tree_is_what_a_shared_parse_of_its_bytes_gives_and_other_limits_still_apply() -> None:
    raw = b"<r><a>1</a></r>"
    tree = parse_xml(raw)
    remember(raw, tree)  # outside a shared block: nothing is kept
    assert parse_xml(raw) is not tree
    with shared_parses():
        remember(raw, tree)
        assert parse_xml(raw) is tree
        assert parse_xml(bytes(bytearray(raw))) is not tree  # equal bytes elsewhere: a parse of their own
        with pytest.raises(XmlRefused) as info:
            parse_xml(raw, XmlLimits(max_depth=1))  # other limits: checked again, and refused
        assert info.value.code == "xml.too-deep"
    assert parse_xml(raw) is not tree
