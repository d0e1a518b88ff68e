"""Whether an XML document's bytes are in the encoding it declares; any encoding but UTF-8 read as UTF-8.

The heuristic, and its limits: a document declared (or defaulting to) UTF-8 must decode as UTF-8;
the first byte that does not is refused with its line and column. A document declared in a
single-byte charset (ISO-8859-1, windows-1252 …) whose bytes hold a well-formed UTF-8 multi-byte
sequence was written as UTF-8 (``ø`` arrives as ``Ã¸``): refused at that sequence. In the single-byte
charsets such a pair is an accented capital letter (Â–ß) followed by a C1 control or a sign from
A0–BF (NBSP, §, °, ±, ², µ …), which Norwegian text does not write, so a real ISO-8859-1 document is
refused only in that unlikely case; a UTF-8 document declared ISO-8859-1 that happens to hold only
ASCII is indistinguishable from a correct one, and needs no refusal.

Every document that is not UTF-8 is decoded here (Python's codecs, strictly) and handed on as UTF-8
with its declaration saying so, so the DTD and entity checks and the parser read the very characters
the document holds, whatever its encoding: UTF-16 and UTF-32 (by byte-order mark, or by their first
characters as XML 1.0 Appendix F says), EBCDIC (``<?xm`` in EBCDIC, then the code page its
declaration names), and any declared charset (ISO-8859-1, UTF-7 …). A declared encoding that is no
character encoding Python reads (``undefined``, ``unicode-escape``, a made-up name) is refused
(``xml.unknown-encoding``); a document declared UTF-16 or UTF-32 without a byte-order mark whose
bytes are not is refused as a mismatch.
"""

from __future__ import annotations

import codecs
import re

from samband.kernel.errors import ParseError

CODE = "xml.encoding-mismatch"
_DECLARED = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UTF8_BOM = b"\xef\xbb\xbf"
_WIDE = (  # (first bytes, codec, whether they are a byte-order mark to drop); UTF-32 first
    (b"\x00\x00\xfe\xff", "utf-32-be", True),
    (b"\xff\xfe\x00\x00", "utf-32-le", True),
    (b"\x00\x00\x00<", "utf-32-be", False),
    (b"<\x00\x00\x00", "utf-32-le", False),
    (b"\xfe\xff", "utf-16-be", True),
    (b"\xff\xfe", "utf-16-le", True),
    (b"\x00<\x00?", "utf-16-be", False),
    (b"<\x00?\x00", "utf-16-le", False),
)
_EBCDIC = b"\x4c\x6f\xa7\x94"  # "<?xm" in every EBCDIC code page
_UTF8_NAMES = frozenset({"utf-8", "utf_8", "utf8"})
_CHARSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}")
_NOT_CHARSETS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"})


def document_encoding(raw: bytes) -> str:
    """The encoding declared in the XML declaration, defaulting to UTF-8."""
    match = _DECLARED.match(raw)
    return match.group(1).decode("ascii").upper() if match else "UTF-8"


def _where(raw: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """Line and column (both from 1, in characters of ``encoding``) of the byte at ``offset``."""
    text = raw[:offset].decode(encoding, errors="replace")
    return text.count("\n") + 1, len(text) - text.rfind("\n")


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


def charset_codec(name: str) -> str | None:
    """Python's codec for the character encoding (charset) ``name``, or None when there is none: an
    unknown name, ``undefined``, a codec that is no text encoding (base64, rot13, unicode-escape)."""
    if not _CHARSET_NAME.fullmatch(name):
        return None
    try:
        found = codecs.lookup(name).name
        b"<\x00\x00\x00".decode(found, "replace")  # no text encoding (base64, undefined) says so
    except (LookupError, UnicodeError, ValueError):
        return None
    return None if found in _NOT_CHARSETS else found


def _codec(name: str) -> str:
    """Python's name for the character encoding ``name``; ``xml.unknown-encoding`` when there is none."""
    found = charset_codec(name)
    if found is None:
        raise ParseError(
            f"the declared encoding {name!r} is not a character encoding the gateway reads",
            code="xml.unknown-encoding",
            line=1,
            expected="UTF-8, or a charset such as ISO-8859-1 or UTF-16",
            received=name,
        )
    return found


def _single_byte(codec: str) -> bool:
    """True for an ASCII-compatible charset of one byte a character (ISO-8859-*, windows-125x …)."""
    read = b"A\xc3\xb8".decode(codec, errors="replace")
    return codec not in _UTF8_NAMES and read[:1] == "A" and len(read) == 3


def as_utf8(text: str) -> bytes:
    """``text`` as UTF-8, its XML declaration (if any) saying UTF-8."""
    utf8 = text.encode("utf-8")
    found = _DECLARED.match(utf8)
    return utf8[: found.start(1)] + b"UTF-8" + utf8[found.end(1) :] if found else utf8


def _transcoded(body: bytes, codec: str, expected: str) -> bytes:
    """``body`` decoded strictly with ``codec`` and written as UTF-8; a coded mismatch where it fails."""
    try:
        return as_utf8(body.decode(codec))
    except UnicodeDecodeError as exc:
        detail = f"not readable as {codec.upper()}"
        raise _mismatch(body, exc.start, codec, detail, expected) from exc
    except UnicodeEncodeError as exc:  # a lone surrogate (UTF-7 and the like can spell one)
        raise ParseError(
            f"not readable as {codec.upper()}: a character that does not exist",
            code=CODE,
            expected=expected,
        ) from exc


def _from_wide(raw: bytes) -> bytes | None:
    """UTF-16/32 as UTF-8, by byte-order mark or first characters; None for other bytes."""
    for mark, codec, is_bom in _WIDE:
        if raw.startswith(mark):
            body = raw[len(mark) :] if is_bom else raw
            return _transcoded(body, codec, f"a document in {codec.upper()}, as its first bytes say")
    return None


def _from_ebcdic(raw: bytes) -> bytes | None:
    """An EBCDIC document, in the code page its declaration names, as UTF-8; None for other bytes."""
    if not raw.startswith(_EBCDIC):
        return None
    head = raw[:256].decode("cp037").encode("ascii", errors="replace")
    found = _DECLARED.match(head)
    if found is None:
        raise ParseError(
            "an EBCDIC document without an encoding declaration",
            code="xml.unknown-encoding",
            line=1,
            expected="an XML declaration naming the EBCDIC code page (XML 1.0 Appendix F)",
        )
    codec = _codec(found.group(1).decode("ascii"))
    return _transcoded(raw, codec, f"a document in {codec.upper()}, as its declaration says")


def as_checked_bytes(raw: bytes) -> bytes:
    """``raw`` as the parser should read it: UTF-8 bytes, whatever the document's encoding; a coded
    ``ParseError`` (T01) with line and column when the bytes do not match the declared encoding."""
    wide = _from_wide(raw)
    if wide is not None:
        return wide
    ebcdic = _from_ebcdic(raw)
    if ebcdic is not None:
        return ebcdic
    body = raw.removeprefix(_UTF8_BOM)
    if not body.lstrip(b" \t\r\n").startswith(b"<"):
        return raw  # not XML as this module can read it: the parser says what is wrong
    declared = document_encoding(body)
    if declared.lower().replace("_", "-") in {"utf-8", "utf8"}:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            said = "declared UTF-8" if _DECLARED.match(body) else "without a declaration"
            detail = f"bytes that are not UTF-8 in a document {said}"
            expected = "UTF-8 (the declared encoding, or the default)"
            raise _mismatch(body, exc.start, "utf-8", detail, expected) from exc
        return raw
    codec = _codec(declared)
    if codec.startswith(("utf-16", "utf-32")):
        raise _mismatch(
            body,
            0,
            "latin-1",
            f"a document declared {declared} whose bytes are not",
            f"{declared} with a byte-order mark, or a declaration of the encoding the bytes are in",
        )
    if _single_byte(codec):
        found = _UTF8_SEQUENCE.search(body)
        if found is not None:
            detail = f"UTF-8 bytes in a document declared {declared} (mojibake such as 'Ã¸' for 'ø')"
            expected = f"{declared}, as the XML declaration says, or a declaration of UTF-8"
            raise _mismatch(body, found.start(), codec, detail, expected)
    return _transcoded(body, codec, f"{declared}, as the XML declaration says")
