"""RFC 5322 header blocks: a received ebXML message as mail delivered it (``Return-Path:``,
``Received:`` …, LF or CRLF line ends), the headers of each MIME part, and what a document that
starts with them looks like. Headers are read by the stdlib ``email`` parser (``policy.compat32``).
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

Headers = tuple[tuple[str, str], ...]
HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"^[A-Za-z0-9!#$%&'*+.^_`|~-]+[ \t]*:")
_BARE_DELIMITER = re.compile(rb"\A--([ -~]{1,70}?)[ \t]*\r?\n")
_MIME_NAMES = frozenset({"content-type", "mime-version"})


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


def _unfolded(value: str) -> str:
    """A header value as Latin-1 text on one line (compat32 keeps folds and undecoded bytes)."""
    text = value.encode("ascii", "surrogateescape").decode("latin-1")
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def parse_headers(block: bytes) -> Headers:
    """RFC 5322 header fields of ``block``, folded lines unfolded; values decoded as Latin-1."""
    message = BytesHeaderParser(policy=policy.compat32).parsebytes(block)
    # raw values: ``items()`` turns a value with 8-bit bytes into an ``email.header.Header``
    return tuple((name, _unfolded(value)) for name, value in message.raw_items())


def split_head(raw: bytes) -> tuple[Headers, bytes]:
    """The header block of ``raw`` (up to the first empty line) and what follows it."""
    match = HEADER_END.search(raw)
    if match is None:
        return parse_headers(raw), b""
    return parse_headers(raw[: match.start()]), raw[match.end() :]


def starts_with_headers(raw: bytes) -> bool:
    """True when the first line of ``raw`` is a header field (``Name: value``)."""
    return bool(_HEADER_LINE.match(raw.lstrip(b"\r\n")))


def bare_boundary(raw: bytes) -> str | None:
    """The boundary of a bare MIME body (one that opens with its first ``--boundary`` line)."""
    found = _BARE_DELIMITER.match(raw.lstrip(b"\r\n"))
    return found.group(1).decode("ascii") if found else None


def looks_like_mime(raw: bytes) -> bool:
    """A mail (a header block naming Content-Type or MIME-Version, whatever headers come before) or a
    bare MIME body; XML and JSON never open with either."""
    head = raw[:2048].lstrip(b"\r\n")
    if bare_boundary(head) is not None or b"\r\n\r\n--" in head[:1024]:
        return True
    if not starts_with_headers(head):
        return False
    headers, _body = split_head(raw.lstrip(b"\r\n"))
    return any(name.lower() in _MIME_NAMES for name, _value in headers)
