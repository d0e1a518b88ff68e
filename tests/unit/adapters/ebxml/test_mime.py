"""MIME multipart/related packages: byte-exact payloads in every transfer encoding, broken packaging."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from samband.adapters.ebxml import (
    build_message,
    make_payload,
    parse_ebxml,
    parse_http,
    serialize_ebxml,
    serialize_package,
    validate_ebxml,
)
from samband.adapters.ebxml.mime import unpack
from samband.adapters.limits import Limits, MimeLimits, applied
from samband.kernel.errors import GatewayError, ParseError, UnsupportedMessage
from samband.kernel.problems import Severity

WHEN = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
BINARY = b"\x00\r\n--not-a-boundary\r\n\xff\xfe" + bytes(range(256)) + b"\r\n"


def _package(encoding: str, data: bytes = BINARY) -> tuple[str, bytes]:
    message = build_message(
        from_her="8094866",
        to_her="133735",
        action="DIALOG_NOTAT",
        payload=make_payload(data, content_id="p1@test.example", transfer_encoding=encoding),
        timestamp=WHEN,
    )
    package = serialize_package(message, boundary="==b==")
    return package.content_type, package.body


def _rules(raw: bytes, **kwargs: str) -> dict[str, Severity]:
    return {f.code: f.severity for f in validate_ebxml(raw, **kwargs)}


@pytest.mark.parametrize("encoding", ["base64", "binary", "quoted-printable", "8bit"])
def test_payload_bytes_survive_each_transfer_encoding(encoding: str) -> None:
    content_type, body = _package(encoding)
    message = parse_http(content_type, body)
    assert message.payloads[0].data == BINARY
    assert message.payloads[0].transfer_encoding == encoding
    assert message.payload("<p1@test.example>") is message.payloads[0]


def test_smtp_layout_with_base64_soap_part_and_disposition() -> None:
    """The 2023 vendor message: base64 SOAP part, Content-Disposition on the payload, LF line ends."""
    content_type, body = _package("base64")
    envelope = parse_ebxml(body, content_type=content_type)
    soap = base64.encodebytes(serialize_ebxml(envelope))
    cms = base64.encodebytes(b"\x30\x80cms")
    raw = (
        b"MIME-Version: 1.0\n"
        b'SOAPAction: "ebXML"\n'
        b"Content-Type: multipart/related;\n"
        b'\tboundary="xyz"; type="text/xml"; start="<soap@test>"\n\n'
        b'--xyz\nContent-ID: <soap@test>\nContent-Type: text/xml; charset="UTF-8"\n'
        b"Content-Transfer-Encoding: base64\n\n" + soap + b"--xyz\n"
        b"Content-ID: <p1@test.example>\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
        b"Content-Transfer-Encoding: base64\n"
        b'Content-Disposition: attachment; filename="p1.p7m"\n\n' + cms + b"--xyz--\n"
    )
    message = parse_ebxml(raw)
    assert message.payloads[0].data == b"\x30\x80cms"
    assert message.payloads[0].disposition == 'attachment; filename="p1.p7m"'
    assert message.header == envelope.header
    assert [f for f in validate_ebxml(raw) if f.severity is Severity.ERROR] == []


def test_payload_profile_warnings() -> None:
    content_type, body = _package("binary")
    rules = _rules(body, content_type=content_type, soap_action="ebXML")
    assert rules["ebxml.payload-encoding"] is Severity.WARNING
    assert rules["ebxml.soap-action"] is Severity.ERROR


def test_manifest_pointing_at_a_missing_part_is_an_error() -> None:
    content_type, body = _package("base64")
    body = body.replace(b"Content-ID: <p1@test.example>", b"Content-ID: <other@test.example>")
    rules = _rules(body, content_type=content_type)
    assert rules["ebxml.manifest-payload"] is Severity.ERROR
    assert rules["ebxml.payload-unreferenced"] is Severity.WARNING


def test_missing_type_and_start_parameters() -> None:
    content_type, body = _package("base64")
    rules = _rules(body, content_type='multipart/related; boundary="==b=="')
    assert rules["ebxml.mime-type-param"] is Severity.ERROR
    assert rules["ebxml.mime-start"] is Severity.WARNING
    assert parse_http('multipart/related; boundary="==b=="', body).payloads[0].data == BINARY


def test_unterminated_package_is_read_with_a_warning() -> None:
    content_type, body = _package("base64")
    cut = body[: body.rindex(b"--==b==--")]
    assert parse_http(content_type, cut).payloads[0].data == BINARY
    assert _rules(cut, content_type=content_type)["ebxml.mime-unterminated"] is Severity.WARNING


@pytest.mark.parametrize(
    ("content_type", "body", "code", "error"),
    [
        ("multipart/related", b"--x\r\n\r\n<a/>", "ebxml.mime-no-boundary", ParseError),
        ('multipart/related; boundary="x"', b"no parts here", "ebxml.mime-no-parts", ParseError),
        (
            'multipart/related; boundary="x"; start="<gone>"',
            b"--x\r\nContent-ID: <a>\r\n\r\n<a/>\r\n--x--",
            "ebxml.mime-no-start",
            ParseError,
        ),
        ("application/json", b"{}", "ebxml.mime-unsupported-type", UnsupportedMessage),
    ],
)
def test_broken_packaging_gives_coded_errors(
    content_type: str, body: bytes, code: str, error: type[GatewayError]
) -> None:
    with pytest.raises(error) as info:
        parse_http(content_type, body)
    assert info.value.code == code
    assert info.value.where


def test_bad_base64_names_the_part() -> None:
    content_type, body = _package("base64")
    broken = body.replace(
        b"Content-Transfer-Encoding: base64\r\n\r\n", b"Content-Transfer-Encoding: base64\r\n\r\n*"
    )
    with pytest.raises(ParseError) as info:
        parse_http(content_type, broken)
    assert info.value.code == "ebxml.mime-bad-base64"
    assert info.value.where == "MIME part 2"


def test_unknown_transfer_encoding_is_refused() -> None:
    content_type, body = _package("base64")
    with pytest.raises(ParseError) as info:
        parse_http(content_type, body.replace(b"Encoding: base64", b"Encoding: x-uuencode"))
    assert info.value.code == "ebxml.mime-unknown-encoding"
    assert info.value.received == "x-uuencode"


def test_headers_without_content_type() -> None:
    with pytest.raises(ParseError) as info:
        parse_ebxml(b"MIME-Version: 1.0\r\nSubject: x\r\n\r\n<a/>")
    assert info.value.code == "ebxml.mime-no-content-type"


def test_latin1_soap_part_without_declaration_is_read() -> None:
    message = build_message(
        from_her="8094866", to_her="133735", action="DIALOG_NOTAT", payload=b"x", timestamp=WHEN
    )
    text = serialize_ebxml(message).decode("utf-8").split("?>", 1)[1]
    text = text.replace(
        "<eb:DuplicateElimination/>",
        "<eb:DuplicateElimination/><eb:Description xml:lang='no'>Pårørende</eb:Description>",
    )
    body = (
        b'--b\r\nContent-ID: <s@x>\r\nContent-Type: text/xml; charset="ISO-8859-1"\r\n\r\n'
        + text.encode("latin-1")
        + b"\r\n--b--\r\n"
    )
    content_type = 'multipart/related; boundary="b"; type="text/xml"; start="<s@x>"'
    read = parse_http(content_type, body)
    assert read.header.descriptions[0].text == "Pårørende"
    assert _rules(body, content_type=content_type)["ebxml.soap-part-charset"] is Severity.WARNING
    with pytest.raises(ParseError) as info:
        parse_http(content_type, body.replace(b"ISO-8859-1", b"x-unknown-charset"))
    assert info.value.code == "ebxml.mime-bad-charset"


def _parts(count: int, soap_type: str = 'text/xml; charset="UTF-8"', boundary: str = "b") -> bytes:
    parts = [f"Content-ID: <soap@x>\r\nContent-Type: {soap_type}\r\n\r\n<a/>".encode("latin-1")]
    parts += [
        b"Content-ID: <p%d@x>\r\nContent-Type: application/xml\r\n\r\n<p/>" % i for i in range(count - 1)
    ]
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return f"--{boundary}\r\n".encode() + delimiter.join(parts) + f"\r\n--{boundary}--\r\n".encode()


def _refused(
    body: bytes, content_type: str = 'multipart/related; boundary="b"; type="text/xml"'
) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        unpack(body, content_type)
    return caught.value


def test_a_package_of_many_parts_is_refused_at_the_first_past_the_bound() -> None:
    assert len(unpack(_parts(100), 'multipart/related; boundary="b"').parts) == 100
    refused = _refused(_parts(10_000))
    assert (refused.code, refused.where) == ("ebxml.mime-too-many-parts", "MIME part 101")
    with applied(Limits(mime=MimeLimits(max_parts=3))):
        assert _refused(_parts(4)).code == "ebxml.mime-too-many-parts"


def test_a_part_past_its_size_is_refused() -> None:
    with applied(Limits(mime=MimeLimits(max_part_bytes=1000))):
        big = _parts(2).replace(b"<p/>", b"<p>" + b"x" * 2000 + b"</p>")
        assert _refused(big).code == "ebxml.mime-part-too-large"


@pytest.mark.parametrize("charset", ["undefined", '"utf\x00-8"', "x-made-up", "base64"])
def test_a_charset_that_is_no_character_encoding_is_refused(charset: str) -> None:
    refused = _refused(_parts(2, soap_type=f"text/xml; charset={charset}"))
    assert (refused.code, refused.where) == ("ebxml.mime-bad-charset", "MIME part 1")


def test_a_boundary_rfc_2046_does_not_allow_is_refused() -> None:
    long = "b" * 71
    refused = _refused(_parts(2, boundary=long), f'multipart/related; boundary="{long}"')
    assert refused.code == "ebxml.mime-bad-boundary"


def test_a_business_message_with_two_payloads_is_an_error_finding() -> None:
    content_type, body = _package("base64")
    boundary = content_type.split('boundary="')[1].split('"')[0]
    twice = body.replace(f"--{boundary}--".encode(), _second_payload(boundary) + f"--{boundary}--".encode())
    errors = [
        f.code for f in validate_ebxml(twice, content_type=content_type) if f.severity is Severity.ERROR
    ]
    assert "ebxml.payload-count" in errors


def _second_payload(boundary: str) -> bytes:
    return f"--{boundary}\r\nContent-ID: <second@x>\r\nContent-Type: application/xml\r\n\r\n<a/>\r\n".encode()
