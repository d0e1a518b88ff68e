"""Whether an XML document's bytes are in the encoding it declares, and UTF-16/32 read as UTF-8.

The heuristic, and its limits: a document declared (or defaulting to) UTF-8 must decode as UTF-8;
the first byte that does not is refused with its line and column. A document declared in a
single-byte charset (ISO-8859-1, windows-1252 …) whose bytes hold a well-formed UTF-8 multi-byte
sequence was written as UTF-8 (``ø`` arrives as ``Ã¸``): refused at that sequence. In the single-byte
charsets such a pair is an accented capital letter (Â–ß) followed by a C1 control or a sign from
A0–BF (NBSP, §, °, ±, ², µ …), which Norwegian text does not write, so a real ISO-8859-1 document is
refused only in that unlikely case; a UTF-8 document declared ISO-8859-1 that happens to hold only
ASCII is indistinguishable from a correct one, and needs no refusal. UTF-16 and UTF-32 (with a
byte-order mark, or UTF-16 recognised by ``<?`` as XML 1.0 Appendix F says) are decoded and handed
on as UTF-8, so the DTD and entity checks and the parser see the same bytes as for any document.
"""

from __future__ import annotations

import codecs
import re

from samband.kernel.errors import ParseError

CODE = "xml.encoding-mismatch"
_DECLARED = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_WIDE = (  # (first bytes, codec, whether they are a byte-order mark to drop); UTF-32 marks first
    (b"\x00\x00\xfe\xff", "utf-32-be", True),
    (b"\xff\xfe\x00\x00", "utf-32-le", True),
    (b"\xfe\xff", "utf-16-be", True),
    (b"\xff\xfe", "utf-16-le", True),
    (b"\x00<\x00?", "utf-16-be", False),
    (b"<\x00?\x00", "utf-16-le", False),
)
_UTF8_NAMES = frozenset({"utf-8", "utf_8", "utf8"})


def document_encoding(raw: bytes) -> str:
    """The encoding declared in the XML declaration, defaulting to UTF-8."""
    match = _DECLARED.match(raw)
    return match.group(1).decode("ascii").upper() if match else "UTF-8"


def _where(raw: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """Line and column (both from 1, in characters of ``encoding``) of the byte at ``offset``."""
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode(encoding, errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _mismatch(raw: bytes, offset: int, encoding: str, detail: str, expected: str) -> ParseError:
    line, column = _where(raw, offset, encoding)
    return ParseError(
        f"{detail} at line {line}, column {column}",
        code=CODE,
        line=line,
        column=column,
        expected=expected,
        received=raw[offset : offset + 4].hex(" "),
    )


def _single_byte(name: str) -> bool:
    """True for an ASCII-compatible charset of one byte a character (ISO-8859-*, windows-125x …)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    read = b"A\xc3\xb8".decode(info.name, errors="replace")
    return info.name not in _UTF8_NAMES and read[:1] == "A" and len(read) == 3


def _from_wide(raw: bytes) -> bytes:
    """UTF-16/32 decoded and written as UTF-8 (the declaration says so too); other bytes unchanged."""
    for mark, codec, is_bom in _WIDE:
        if raw.startswith(mark):
            body = raw[len(mark) :] if is_bom else raw
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                cut = body[: exc.start].decode(codec, errors="replace")
                line, column = cut.count("\n") + 1, len(cut) - cut.rfind("\n")
                raise ParseError(
                    f"not readable as {codec.upper()} at line {line}, column {column}",
                    code=CODE,
                    line=line,
                    column=column,
                    expected=f"a document in {codec.upper()}, as its byte-order mark says",
                ) from exc
            utf8 = text.encode("utf-8")
            found = _DECLARED.match(utf8)
            return utf8[: found.start(1)] + b"UTF-8" + utf8[found.end(1) :] if found else utf8
    return raw


def as_checked_bytes(raw: bytes) -> bytes:
    """``raw`` as the parser should read it: UTF-16/32 as UTF-8; a coded ``ParseError`` (T01) with line
    and column when the bytes do not match the declared encoding."""
    raw = _from_wide(raw)
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return raw  # not XML as this module can read it: the parser says what is wrong
    declared = document_encoding(raw.removeprefix(b"\xef\xbb\xbf"))
    if declared.lower().replace("_", "-") in {"utf-8", "utf8"}:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            said = (
                "declared UTF-8"
                if _DECLARED.match(raw.removeprefix(b"\xef\xbb\xbf"))
                else "without a declaration"
            )
            detail = f"bytes that are not UTF-8 in a document {said}"
            raise _mismatch(
                raw, exc.start, "utf-8", detail, "UTF-8 (the declared encoding, or the default)"
            ) from exc
    elif _single_byte(declared):
        found = _UTF8_SEQUENCE.search(raw)
        if found is not None:
            detail = f"UTF-8 bytes in a document declared {declared} (mojibake such as 'Ã¸' for 'ø')"
            expected = f"{declared}, as the XML declaration says, or a declaration of UTF-8"
            raise _mismatch(raw, found.start(), declared, detail, expected)
    return raw
