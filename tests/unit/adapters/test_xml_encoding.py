"""Documents whose bytes do not match their declared encoding are refused, coded, with line and column;
UTF-16 and UTF-32 go through the same safe parse. Built from a real sample, re-encoded."""

from __future__ import annotations

import pytest

from samband.adapters.formats import validate
from samband.adapters.xml.encoding import as_checked_bytes
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError, ParseError, reply_for
from samband.kernel.problems import Problem, Severity
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "plo/1_6/Pasientlogistikk_Innlagt_pasient_v1-6_Ny.xml"
UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="reference samples not available")


def _sample() -> bytes:
    raw = SAMPLE.read_bytes()
    assert raw.startswith(UTF8_DECLARATION)
    return raw


def _declared(raw: bytes, encoding: str) -> bytes:
    return raw.replace(UTF8_DECLARATION, f'<?xml version="1.0" encoding="{encoding}"?>'.encode(), 1)


def _first_non_ascii(text: str) -> tuple[int, int]:
    """Line and column (from 1) of the first non-ASCII character of ``text``."""
    offset = next(i for i, char in enumerate(text) if ord(char) > 127)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _errors(raw: bytes) -> list[Problem]:
    return [f for f in validate(raw)[1] if f.severity is Severity.ERROR]


def _refusal(raw: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_xml(raw)
    return caught.value


def test_utf8_bytes_declared_iso_8859_1_are_refused_where_the_first_one_is() -> None:
    raw = _declared(_sample(), "ISO-8859-1")  # the bytes stay UTF-8: "ø" would be read as "Ã¸"
    refused = _refusal(raw)
    assert refused.code == "xml.encoding-mismatch"
    assert (refused.line, refused.column) == _first_non_ascii(raw.decode("utf-8"))
    assert reply_for(refused).apprec_error == "T01"
    [finding] = _errors(raw)
    assert (finding.code, finding.line, finding.column) == (refused.code, refused.line, refused.column)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "ISO-8859-15"])
def test_the_same_document_truly_in_a_single_byte_charset_reads_as_the_original(encoding: str) -> None:
    text = _sample().decode("utf-8")
    raw = _declared(_sample(), encoding).decode("utf-8").encode(encoding)
    assert as_checked_bytes(raw) == _declared(_sample(), "UTF-8")  # read as the UTF-8 original
    assert parse_xml(raw).findtext(".//{*}StreetAdr") == parse_xml(text.encode()).findtext(".//{*}StreetAdr")
    assert _errors(raw) == _errors(_sample())


def test_latin_1_bytes_declared_utf8_are_refused_where_the_first_one_is() -> None:
    text = _sample().decode("utf-8")
    raw = text.encode("iso-8859-1")
    refused = _refusal(raw)
    assert refused.code == "xml.encoding-mismatch"
    assert (refused.line, refused.column) == _first_non_ascii(text)
    assert [f.code for f in _errors(raw)] == ["xml.encoding-mismatch"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_documents_validate_like_the_original(codec: str) -> None:
    text = _declared(_sample(), "UTF-16" if "16" in codec else "UTF-32").decode("utf-8")
    raw = text.encode(codec) if codec in ("utf-16", "utf-32") else ("\ufeff" + text).encode(codec)
    assert parse_xml(raw).findtext(".//{*}StreetAdr") == "Flåklypa 31"
    assert _errors(raw) == _errors(_sample())


def test_utf16_without_a_byte_order_mark_is_read_by_its_first_characters() -> None:
    raw = _declared(_sample(), "UTF-16").decode("utf-8").encode("utf-16-le")
    assert parse_xml(raw).findtext(".//{*}StreetAdr") == "Flåklypa 31"


@pytest.mark.parametrize(
    ("declaration", "code"),
    [
        ('<!DOCTYPE MsgHead [<!ENTITY x "y">]>', "xml.entity-forbidden"),
        ("<!DOCTYPE MsgHead>", "xml.dtd-forbidden"),
    ],
)
def test_a_dtd_in_utf16_is_refused_as_in_utf8(declaration: str, code: str) -> None:
    text = _declared(_sample(), "UTF-16").decode("utf-8")
    head, _, rest = text.partition("\n")
    raw = f"{head}\n{declaration}\n{rest}".encode("utf-16")
    with pytest.raises(GatewayError) as caught:
        parse_xml(raw)
    assert caught.value.code == code
    assert [f.code for f in _errors(raw)] == [code]


def test_broken_utf16_is_refused_coded_with_its_place() -> None:
    raw = _declared(_sample(), "UTF-16").decode("utf-8").encode("utf-16") + b"\x00\xd8"  # a lone surrogate
    refused = _refusal(raw)
    assert refused.code == "xml.encoding-mismatch"
    assert refused.line and refused.column
    assert [f.code for f in _errors(raw)] == ["xml.encoding-mismatch"]
