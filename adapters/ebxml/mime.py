"""MIME multipart/related packaging of ebXML messages (HIS 1037 §8.1, RFC 2387, HITS 1172 §5.5).

Splits a package into its parts byte-exactly (binary payloads survive): an HTTP body, a whole mail
as SMTP delivered it, a bare MIME body; ``packaging`` builds one. Broken packaging gives a coded
``ParseError`` that names the part and what was expected. Header blocks are read in ``mail``.
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
from samband.kernel.errors import MessageRejected, ParseError, UnsupportedMessage

MAX_PACKAGE_BYTES = 64 * 1024 * 1024
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


def unpack(raw: bytes, content_type: str | None = None) -> Unpacked:
    """Split ``raw`` into envelope and parts.

    ``content_type`` is the HTTP Content-Type header. Unless it names a multipart package, a
    document that opens with header fields is a mail (its own headers, ``Return-Path:`` and all, say
    what it is: SMTP layout), one that opens with ``--boundary`` a bare MIME body, and a document
    starting with ``<`` without a Content-Type a bare SOAP envelope.
    """
    if len(raw) > MAX_PACKAGE_BYTES:
        raise MessageRejected(
            f"message package is {len(raw)} bytes",
            code="ebxml.mime-too-large",
            expected=f"at most {MAX_PACKAGE_BYTES} bytes",
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
        return _unpack_multipart(body, content_type, headers)
    if kind in _XML_TYPES:
        encoding = (header_value(headers, "Content-Transfer-Encoding") or "binary").lower()
        envelope = decode_body(body, encoding, where="message body")
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


def _split_parts(body: bytes, boundary: str) -> tuple[list[bytes], bool]:
    delimiter = re.compile(
        rb"(?:\A|\r?\n)--" + re.escape(boundary.encode("latin-1")) + rb"(--)?[ \t]*(?:\r?\n|\Z)"
    )
    matches = list(delimiter.finditer(body))
    segments: list[bytes] = []
    for current, following in zip(matches, [*matches[1:], None], strict=False):
        if current.group(1):
            return segments, True
        end = following.start() if following is not None else len(body)
        segments.append(body[current.end() : end])
    return segments, False


def _part(segment: bytes, index: int) -> MimePart:
    for blank in (b"\r\n", b"\n"):
        if segment.startswith(blank):
            return MimePart(headers=(), body=segment[len(blank) :], index=index)
    headers, part_body = split_head(segment)
    return MimePart(headers=headers, body=part_body, index=index)


def _unpack_multipart(body: bytes, content_type: str, headers: Headers) -> Unpacked:
    boundary = content_type_param(content_type, "boundary")
    if not boundary:
        raise ParseError(
            "multipart Content-Type without boundary",
            code="ebxml.mime-no-boundary",
            where="Content-Type",
            expected='a boundary="..." parameter',
            received=content_type,
        )
    segments, terminated = _split_parts(body, boundary)
    parts = tuple(_part(segment, index) for index, segment in enumerate(segments))
    if not parts:
        raise ParseError(
            "multipart package has no body parts",
            code="ebxml.mime-no-parts",
            where="MIME body",
            expected=f"parts separated by --{boundary}",
        )
    start = _start_part(parts, content_type_param(content_type, "start"))
    envelope = _as_utf8(start.decoded(), content_type_param(start.content_type, "charset"))
    return Unpacked(envelope, content_type, headers, start, parts, terminated)


def _as_utf8(envelope: bytes, charset: str | None) -> bytes:
    """A SOAP part in another charset and without an XML declaration is re-encoded as UTF-8.

    With a declaration the parser follows the declaration, as XML 1.0 §4.3.3 says.
    """
    if not charset or charset.lower().replace("-", "") == "utf8" or envelope.lstrip().startswith(b"<?xml"):
        return envelope
    try:
        return envelope.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise ParseError(
            f"SOAP part is not readable as {charset}: {exc}",
            code="ebxml.mime-bad-charset",
            where="MIME part 1",
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
