"""The one JSON read of the project: UTF-8, bounded size, depth, value count, number and string length.

Every request body and file read as JSON goes through ``read_json``. Each refusal is a coded
``ParseError`` (T01) that says where and what was expected: ``json.too-large``, ``json.encoding``,
``json.invalid``, ``json.too-deep``, ``json.too-many-values``, ``json.number-too-long``,
``json.number-out-of-range``, ``json.not-finite`` (NaN, Infinity), ``json.string-too-long``,
``json.lone-surrogate``.

The cheap checks come first, on the document with its strings blanked out (a regular expression, in
C): how many values it can hold at most, the longest number, NaN and Infinity. Only then does the
standard parser run, with depth caught where it recurses too far, and a walk of the parsed value
(bounded by the value count) checks depth and strings; the strings only when the document could hold
one past a limit (longer than the document allows, or a surrogate escape).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from samband.adapters.limits import JsonLimits, current
from samband.kernel.errors import ParseError

NOT_JSON = frozenset({"json.invalid", "json.encoding"})  # not JSON at all, as opposed to past a limit
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_NUMBER = re.compile(rb"[-+0-9.eE]*")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # \uD800-\uDFFF (or a text that looks like it)
_NUMBER_CHARS = bytes(ord("0") if chr(b) in "0123456789.eE+-" else ord(" ") for b in range(256))


def _where(text: str, offset: int) -> tuple[int, int]:
    """Line and column (from 1) of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _refuse(
    code: str,
    detail: str,
    expected: str,
    line: int | None = None,
    where: str | None = None,
    received: str | None = None,
) -> NoReturn:
    raise ParseError(detail, code=code, line=line, where=where, expected=expected, received=received)


def _bytes_of(raw: bytes | str, limits: JsonLimits) -> bytes:
    data = raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else raw
    if len(data) > limits.max_bytes:
        _refuse("json.too-large", f"document is {len(data)} bytes", f"at most {limits.max_bytes} bytes")
    return data.removeprefix(b"\xef\xbb\xbf")


def _text_of(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, column = _where(before, len(before))
        raise ParseError(
            f"bytes that are not UTF-8 at line {line}, column {column}",
            code="json.encoding",
            line=line,
            column=column,
            expected="UTF-8 (RFC 8259)",
            received=data[exc.start : exc.start + 4].hex(" "),
        ) from exc


def _prescan(data: bytes, limits: JsonLimits) -> None:
    """How many values the document can hold and its longest number, before it is parsed.

    Counting separators and number characters is quick but counts what strings hold too; only when
    that count passes a limit is it redone on the document with its strings blanked out (exact, and
    slower). Strings cannot hold a raw line break, so a line counted there is the document's line.
    """
    if _separators(data) > limits.max_values:
        skeleton = _STRING.sub(b'""', data)
        values = _separators(skeleton)
        if values > limits.max_values:
            _refuse(
                "json.too-many-values",
                f"the document holds up to {values} values",
                f"at most {limits.max_values} values",
            )
    run = b"0" * (limits.max_number_chars + 1)
    if run in data.translate(_NUMBER_CHARS):
        skeleton = _STRING.sub(b'""', data)
        at = skeleton.translate(_NUMBER_CHARS).find(run)
        if at >= 0:
            end = _NUMBER.match(skeleton, at).end()  # type: ignore[union-attr]
            _refuse(
                "json.number-too-long",
                f"a number of {end - at} characters",
                f"numbers of at most {limits.max_number_chars} characters",
                line=skeleton.count(b"\n", 0, at) + 1,
                received=skeleton[at : at + 20].decode("ascii") + "…",
            )


def _separators(data: bytes) -> int:
    """At most how many values ``data`` holds: one more than its commas and openings."""
    return data.count(b",") + data.count(b"[") + data.count(b"{") + 1


def _finite(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        _refuse(
            "json.number-out-of-range",
            f"{token[:20]} is beyond the range of a number",
            "a number a 64-bit float can hold",
            received=token[:20],
        )
    return value


def _not_a_number(token: str) -> NoReturn:
    _refuse(
        "json.not-finite",
        f"{token} is not a JSON number",
        "finite numbers (RFC 8259 has no NaN or Infinity)",
        received=token,
    )


def _check_string(value: str, limits: JsonLimits, where: _Place) -> None:
    if len(value) > limits.max_string_chars:
        _refuse(
            "json.string-too-long",
            f"a string of {len(value)} characters",
            f"strings of at most {limits.max_string_chars} characters",
            where=_pointer(where),
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            _refuse(
                "json.lone-surrogate",
                "a \\u escape names half of a surrogate pair",
                "whole characters (a surrogate pair, or none)",
                where=_pointer(where),
                received=f"\\u{ord(value[exc.start]):04x}",
            )


_Place = tuple["_Place", str] | None  # (the parent's place, the key or index), None at the top


def _pointer(place: _Place) -> str:
    """The JSON pointer of ``place`` (RFC 6901)."""
    parts: list[str] = []
    while place is not None:
        place, key = place
        parts.append(key.replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(reversed(parts))


def _walk(data: Any, limits: JsonLimits) -> None:
    """Depth and strings of the parsed value, without recursion; numbers are passed over."""
    if isinstance(data, str):
        _check_string(data, limits, None)
    stack: list[tuple[Any, int, _Place]] = [(data, 0, None)] if isinstance(data, dict | list) else []
    longest = limits.max_string_chars
    while stack:
        value, depth, place = stack.pop()
        if depth >= limits.max_depth:
            _refuse(
                "json.too-deep",
                f"values nested deeper than {limits.max_depth} levels",
                f"at most {limits.max_depth} levels",
                where=_pointer(place),
            )
        if type(value) is dict:
            for key in value:
                if len(key) > longest or not key.isascii():
                    _check_string(key, limits, place)
        for key, item in value.items() if type(value) is dict else enumerate(value):
            kind = type(item)
            if kind is str:
                if len(item) > longest or not item.isascii():
                    _check_string(item, limits, (place, str(key)))
            elif kind is dict or kind is list:
                stack.append((item, depth + 1, (place, str(key))))


def _strings_within_limits(data: bytes, limits: JsonLimits) -> bool:
    """True when no string of ``data`` can break a limit, so the walk need not look at them: none is
    longer than the document (a character takes at least one byte, an escape more), and a lone
    surrogate can only come from a ``\\uD800``-``\\uDFFF`` escape (UTF-8 has none)."""
    return len(data) <= limits.max_string_chars and _SURROGATE_ESCAPE.search(data) is None


def _deep(data: Any, limits: JsonLimits) -> bool:
    """Whether containers of the parsed value nest deeper than the limit (``_walk`` says where)."""
    stack: list[tuple[Any, int]] = [(data, 0)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth >= limits.max_depth:
            return True
        for item in value.values() if type(value) is dict else value:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
    return False


def read_json(raw: bytes | str, limits: JsonLimits | None = None) -> Any:
    """Parse ``raw`` (UTF-8 bytes, a byte-order mark allowed, or text) safely and return its value."""
    bounds = limits or current().json
    data = _bytes_of(raw, bounds)
    _prescan(data, bounds)
    text = _text_of(data)
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_not_a_number)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            code="json.invalid",
            line=exc.lineno,
            column=exc.colno,
            expected="a JSON document",
        ) from exc
    except RecursionError as exc:
        raise ParseError(
            f"values nested deeper than {bounds.max_depth} levels",
            code="json.too-deep",
            expected=f"at most {bounds.max_depth} levels",
        ) from exc
    if not _strings_within_limits(data, bounds) or _deep(value, bounds):
        _walk(value, bounds)
    return value
