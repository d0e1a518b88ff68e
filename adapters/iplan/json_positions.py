"""Where each value of a JSON document starts (line, column), keyed by JSON pointer.

The json module keeps no positions, so a JSON finding would only have its pointer; this scanner
walks the (already parsed, so well-formed) text once, without recursion, and records them.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<literal>[-0-9.eE+]+|true|false|null)|(?P<punct>[{}\[\]:,]))'
)


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    index: int = 0
    key: str = ""


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def positions(text: str) -> dict[str, tuple[int, int]]:
    """JSON pointer → (line, column), 1-based, of every value in ``text``."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: dict[str, tuple[int, int]] = {}
    stack: list[_Frame] = []
    pending: str | None = ""
    pos = 0
    while (match := _TOKEN.match(text, pos)) is not None and match.end() > pos:
        pos = match.end()
        start = match.start(match.lastgroup or 0)
        token = match.group(match.lastgroup or 0)
        if pending is not None and token not in ("]", "}", ",", ":"):
            line = bisect.bisect_right(line_starts, start)
            out[pending] = (line, start - line_starts[line - 1] + 1)
            if token in ("{", "["):
                stack.append(_Frame(pending, token == "{"))
            pending = f"{pending}/0" if token == "[" else None
        elif match.lastgroup == "string" and stack and stack[-1].is_object:
            stack[-1].key = str(json.loads(token))
        elif token == ":" and stack:
            pending = f"{stack[-1].pointer}/{_escape(stack[-1].key)}"
        elif token == "," and stack and not stack[-1].is_object:
            stack[-1].index += 1
            pending = f"{stack[-1].pointer}/{stack[-1].index}"
        elif token in ("]", "}") and stack:
            stack.pop()
            pending = None
    return out


def locate(table: dict[str, tuple[int, int]], pointer: str | None) -> tuple[int | None, int | None]:
    """The position of ``pointer``, or of its nearest ancestor that has one."""
    current = pointer or ""
    while True:
        key = "" if current == "/" else current
        if key in table:
            return table[key]
        if not current or current == "/":
            return None, None
        current = current.rsplit("/", 1)[0]
