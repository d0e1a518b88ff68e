"""MIME multipart/related packaging of ebXML messages (HIS 1037 §8.1, RFC 2387, HITS 1172 §5.5).

Splits a package into its parts byte-exactly (binary payloads survive); ``packaging`` builds one.
Broken packaging gives a coded ``ParseError`` that names the part and what was expected.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass
from email.message import Message

from samband.adapters.ebxml.model import Payload, bare_content_id
from samband.adapters.ebxml.names import MULTIPART_RELATED, SOAP_PART_TYPE, TRANSFER_ENCODINGS
from samband.kernel.errors import MessageRejected, ParseError, UnsupportedMessage

Headers = tuple[tuple[str, str], ...]
MAX_PACKAGE_BYTES = 64 * 1024 * 1024
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"^[A-Za-z0-9!#$%&'*+.^_`|~-]+[ \t]*:")
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


def header_value(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def content_type_param(content_type: str, param: str) -> str | None:
    message = Message()
    message["Content-Type"] = content_type
    value = message.get_param(param)
    return value if isinstance(value, str) else None


def media_type(content_type: str) -> str:
    message = Message()
    message["Content-Type"] = content_type
    return message.get_content_type()


def parse_headers(block: bytes) -> Headers:
    """RFC 5322 header fields, with folded lines unfolded; values decoded as Latin-1."""
    fields: list[tuple[str, str]] = []
    for line in re.split(rb"\r?\n", block):
        if line[:1] in (b" ", b"\t") and fields:
            last_name, last_value = fields[-1]
            fields[-1] = (last_name, f"{last_value} {line.strip().decode('latin-1')}")
        elif b":" in line:
            name, _, value = line.partition(b":")
            fields.append((name.strip().decode("latin-1"), value.strip().decode("latin-1")))
    return tuple(fields)


def _split_head(raw: bytes) -> tuple[Headers, bytes]:
    match = _HEADER_END.search(raw)
    if match is None:
        return parse_headers(raw), b""
    return parse_headers(raw[: match.start()]), raw[match.end() :]


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


def _looks_like_headers(raw: bytes) -> bool:
    return bool(_HEADER_LINE.match(raw.lstrip(b"\r\n")))


def unpack(raw: bytes, content_type: str | None = None) -> Unpacked:
    """Split ``raw`` into envelope and parts.

    ``content_type`` is the HTTP Content-Type header; without it the MIME headers are read from
    the top of ``raw`` (SMTP layout), and a document starting with ``<`` is a bare SOAP envelope.
    """
    if len(raw) > MAX_PACKAGE_BYTES:
        raise MessageRejected(
            f"message package is {len(raw)} bytes",
            code="ebxml.mime-too-large",
            expected=f"at most {MAX_PACKAGE_BYTES} bytes",
        )
    headers: Headers = ()
    body = raw
    if content_type is None:
        if not _looks_like_headers(raw):
            return Unpacked(envelope=raw, content_type=SOAP_PART_TYPE)
        headers, body = _split_head(raw.lstrip(b"\r\n"))
        content_type = header_value(headers, "Content-Type")
        if content_type is None:
            raise ParseError(
                "MIME headers without Content-Type",
                code="ebxml.mime-no-content-type",
                where="MIME headers",
                expected="Content-Type: multipart/related or text/xml",
            )
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
    headers, part_body = _split_head(segment)
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
