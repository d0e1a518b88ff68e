"""MIME multipart/related packaging of ebXML messages (HIS 1037 §8.1, RFC 2387, HITS 1172 §5.5).

Splits a package into its parts byte-exactly (binary payloads survive): an HTTP body, a whole mail
as SMTP delivered it, a bare MIME body; ``packaging`` builds one. Broken packaging gives a coded
``ParseError`` that names the part and what was expected. Header blocks are read in ``mail``.

The package is read within ``MimeLimits`` (``adapters/limits.py``): its size, how many parts it has
(the split stops at the first part past the bound) and the size of each part as it arrives
(``ebxml.mime-too-large``, ``ebxml.mime-too-many-parts``, ``ebxml.mime-part-too-large``). A boundary
RFC 2046 does not allow and a charset that names no character encoding are refused too
(``ebxml.mime-bad-boundary``, ``ebxml.mime-bad-charset``).
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass

from samband.adapters.ebxml.mail import (
    Headers,
    bare_boundary,
    content_type_param,
    header_value,
    media_type,
    split_head,
    starts_with_headers,
)
from samband.adapters.ebxml.model import Payload, bare_content_id
from samband.adapters.ebxml.names import MULTIPART_RELATED, SOAP_PART_TYPE, TRANSFER_ENCODINGS
from samband.adapters.limits import MimeLimits, current
from samband.adapters.xml.encoding import as_utf8, charset_codec
from samband.kernel.errors import MessageRejected, ParseError, UnsupportedMessage

_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]")  # RFC 2046 §5.1.1
_XML_TYPES = frozenset({"text/xml", "application/xml", "application/soap+xml"})


@dataclass(frozen=True)
class MimePart:
    """One body part: its headers and its still-encoded body."""

    headers: Headers
    body: bytes
    index: int = 0

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or "text/plain"

    @property
    def content_id(self) -> str | None:
        value = self.header("Content-ID")
        return bare_content_id(value) if value else None

    @property
    def transfer_encoding(self) -> str:
        return (self.header("Content-Transfer-Encoding") or "7bit").strip().lower()

    def decoded(self) -> bytes:
        return decode_body(self.body, self.transfer_encoding, where=f"MIME part {self.index + 1}")


@dataclass(frozen=True)
class Unpacked:
    """A received message split up: the SOAP envelope bytes, the parts and the top-level headers."""

    envelope: bytes
    content_type: str
    headers: Headers = ()
    start: MimePart | None = None
    parts: tuple[MimePart, ...] = ()
    terminated: bool = True

    @property
    def is_multipart(self) -> bool:
        return self.start is not None


def decode_body(body: bytes, encoding: str, *, where: str) -> bytes:
    """Undo a Content-Transfer-Encoding (RFC 2045 §6)."""
    if encoding == "base64":
        try:
            return base64.b64decode(re.sub(rb"\s+", b"", body), validate=True)
        except binascii.Error as exc:
            raise ParseError(
                f"{where} is not valid base64: {exc}",
                code="ebxml.mime-bad-base64",
                where=where,
                expected="base64 text",
            ) from exc
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    if encoding in TRANSFER_ENCODINGS:
        return body
    raise ParseError(
        f"{where} has an unknown Content-Transfer-Encoding",
        code="ebxml.mime-unknown-encoding",
        where=where,
        expected="one of " + ", ".join(sorted(TRANSFER_ENCODINGS)),
        received=encoding,
    )


def unpack(raw: bytes, content_type: str | None = None, limits: MimeLimits | None = None) -> Unpacked:
    """Split ``raw`` into envelope and parts, within ``limits`` (else the ones in force).

    ``content_type`` is the HTTP Content-Type header. Unless it names a multipart package, a
    document that opens with header fields is a mail (its own headers, ``Return-Path:`` and all, say
    what it is: SMTP layout), one that opens with ``--boundary`` a bare MIME body, and a document
    starting with ``<`` without a Content-Type a bare SOAP envelope.
    """
    bounds = limits or current().mime
    if len(raw) > bounds.max_bytes:
        raise MessageRejected(
            f"message package is {len(raw)} bytes",
            code="ebxml.mime-too-large",
            expected=f"at most {bounds.max_bytes} bytes",
        )
    headers: Headers = ()
    body = raw
    if content_type is None or not media_type(content_type).startswith("multipart/"):
        if starts_with_headers(raw):
            headers, body = split_head(raw.lstrip(b"\r\n"))
            content_type = _mail_content_type(headers)
        elif (boundary := bare_boundary(raw)) is not None:  # no header to check: the profile's type
            content_type = f'{MULTIPART_RELATED}; boundary="{boundary}"; type="{SOAP_PART_TYPE}"'
        elif content_type is None:
            return Unpacked(envelope=raw, content_type=SOAP_PART_TYPE)
    kind = media_type(content_type)
    if kind == MULTIPART_RELATED or kind.startswith("multipart/"):
        return _unpack_multipart(body, content_type, headers, bounds)
    if kind in _XML_TYPES:
        encoding = (header_value(headers, "Content-Transfer-Encoding") or "binary").lower()
        charset = _checked_charset(content_type, "Content-Type")
        envelope = _as_utf8(decode_body(body, encoding, where="message body"), charset, "message body")
        return Unpacked(envelope=envelope, content_type=content_type, headers=headers)
    raise UnsupportedMessage(
        "not an ebXML message package",
        code="ebxml.mime-unsupported-type",
        where="Content-Type",
        expected="multipart/related or text/xml",
        received=content_type,
    )


def _mail_content_type(headers: Headers) -> str:
    found = header_value(headers, "Content-Type")
    if found is None:
        raise ParseError(
            "MIME headers without Content-Type",
            code="ebxml.mime-no-content-type",
            where="MIME headers",
            expected="Content-Type: multipart/related or text/xml",
        )
    return found


def _split_parts(body: bytes, boundary: str, bounds: MimeLimits) -> tuple[list[bytes], bool]:
    """The parts between the delimiters, each within the bounds; stops at the first part past them."""
    delimiter = re.compile(
        rb"(?:\A|\r?\n)--" + re.escape(boundary.encode("latin-1")) + rb"(--)?[ \t]*(?:\r?\n|\Z)"
    )
    segments: list[bytes] = []
    opened: re.Match[bytes] | None = None
    for found in delimiter.finditer(body):
        if opened is not None:
            segments.append(_bounded(body[opened.end() : found.start()], len(segments), bounds))
        if found.group(1):
            return segments, True
        opened = found
    if opened is not None:
        segments.append(_bounded(body[opened.end() :], len(segments), bounds))
    return segments, False


def _bounded(segment: bytes, index: int, bounds: MimeLimits) -> bytes:
    where = f"MIME part {index + 1}"
    if index + 1 > bounds.max_parts:
        raise ParseError(
            f"the package has more than {bounds.max_parts} parts",
            code="ebxml.mime-too-many-parts",
            where=where,
            expected=f"at most {bounds.max_parts} parts (the SOAP part and its payload)",
        )
    if len(segment) > bounds.max_part_bytes:
        raise ParseError(
            f"{where} is {len(segment)} bytes",
            code="ebxml.mime-part-too-large",
            where=where,
            expected=f"parts of at most {bounds.max_part_bytes} bytes",
        )
    return segment


def _part(segment: bytes, index: int) -> MimePart:
    for blank in (b"\r\n", b"\n"):
        if segment.startswith(blank):
            return MimePart(headers=(), body=segment[len(blank) :], index=index)
    headers, part_body = split_head(segment)
    return MimePart(headers=headers, body=part_body, index=index)


def _unpack_multipart(body: bytes, content_type: str, headers: Headers, bounds: MimeLimits) -> Unpacked:
    boundary = content_type_param(content_type, "boundary")
    if not boundary:
        raise ParseError(
            "multipart Content-Type without boundary",
            code="ebxml.mime-no-boundary",
            where="Content-Type",
            expected='a boundary="..." parameter',
            received=content_type,
        )
    if not _BOUNDARY.fullmatch(boundary):
        raise ParseError(
            "the multipart boundary is not one RFC 2046 allows",
            code="ebxml.mime-bad-boundary",
            where="Content-Type boundary parameter",
            expected="1 to 70 letters, digits and '()+_,-./:=? (not ending in a space)",
            received=boundary[:80],
        )
    segments, terminated = _split_parts(body, boundary, bounds)
    parts = tuple(_part(segment, index) for index, segment in enumerate(segments))
    for part in parts:
        _checked_charset(part.content_type, f"MIME part {part.index + 1}")
    if not parts:
        raise ParseError(
            "multipart package has no body parts",
            code="ebxml.mime-no-parts",
            where="MIME body",
            expected=f"parts separated by --{boundary}",
        )
    start = _start_part(parts, content_type_param(content_type, "start"))
    charset = _checked_charset(start.content_type, f"MIME part {start.index + 1}")
    envelope = _as_utf8(start.decoded(), charset, f"MIME part {start.index + 1}")
    return Unpacked(envelope, content_type, headers, start, parts, terminated)


def _checked_charset(content_type: str, where: str) -> str | None:
    """The ``charset`` parameter of ``content_type`` (None without one), refused
    (``ebxml.mime-bad-charset``) when it names no character encoding: ``undefined``, a NUL, a name
    no codec has."""
    charset = content_type_param(content_type, "charset")
    if charset is not None and charset_codec(charset) is None:
        raise ParseError(
            f"{where} names a charset that is no character encoding",
            code="ebxml.mime-bad-charset",
            where=where,
            expected="a charset such as UTF-8 (HITS 1172 rule 256)",
            received=charset[:80].encode("unicode_escape").decode("ascii"),
        )
    return charset


def _as_utf8(envelope: bytes, charset: str | None, where: str) -> bytes:
    """A SOAP part in another charset is re-encoded as UTF-8 (a declaration it has, in that charset,
    saying so). One that says what it is in ASCII (``<?xml … encoding``) or by a byte-order mark is
    left to the parser, which follows what the document says, as XML 1.0 §4.3.3 and Appendix F do.
    """
    if not charset or charset.lower().replace("-", "") == "utf8":
        return envelope
    if envelope.lstrip().startswith(b"<?xml") or envelope.startswith(_BYTE_ORDER_MARKS):
        return envelope
    try:
        return as_utf8(envelope.decode(charset))
    except UnicodeError as exc:
        raise ParseError(
            f"the SOAP part is not readable as {charset}: {exc}",
            code="ebxml.mime-bad-charset",
            where=where,
            expected="UTF-8 (HITS 1172 rule 256)",
            received=charset,
        ) from exc


def _start_part(parts: tuple[MimePart, ...], start: str | None) -> MimePart:
    """RFC 2387 §3.2: the part named by ``start``, else the first part."""
    if start is None:
        return parts[0]
    wanted = bare_content_id(start)
    found = next((part for part in parts if part.content_id == wanted), None)
    if found is None:
        raise ParseError(
            "the start part named in Content-Type is not in the package",
            code="ebxml.mime-no-start",
            where="Content-Type start parameter",
            expected="a part with Content-ID <" + wanted + ">",
            received=", ".join(f"<{p.content_id}>" for p in parts if p.content_id) or "no Content-IDs",
        )
    return found


def payload_of(part: MimePart) -> Payload:
    """A non-SOAP part as a Payload (Content-ID, type, decoded bytes, encoding, disposition)."""
    return Payload(
        content_id=part.content_id or "",
        content_type=part.content_type,
        data=part.decoded(),
        transfer_encoding=part.transfer_encoding,
        disposition=part.header("Content-Disposition"),
    )
