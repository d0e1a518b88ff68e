"""One catalogue of every code: its meaning, how the gateway answers it (permanent or transient, HTTP,
AppRec 8258 status and 8221 error) and the Norwegian text for the sender, read from ``catalogue.yaml``.

``python -m samband.kernel.catalogue [PATH]`` writes the catalogue as Markdown (docs/errors.md).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FILE = Path(__file__).with_name("catalogue.yaml")
REPORT = "report"


@dataclass(frozen=True)
class Reply:
    """How the gateway answers an error: AppRec status (8258) and error code (8221), HTTP, retry."""

    apprec_status: str | None
    apprec_error: str | None
    http_status: int
    retry: bool


@dataclass(frozen=True)
class Entry:
    """One code (or one family of codes: ``values`` fills ``{name}``) of the catalogue."""

    code: str
    group: str
    meaning: str
    text_no: str
    reply_name: str
    reply: Reply | None  # None: only reported (a warning or info), never a refusal
    values: tuple[str, ...] = ()

    def codes(self) -> tuple[str, ...]:
        """The codes this entry stands for: itself, or one per family value."""
        if not self.values:
            return (self.code,)
        return tuple(self.code.replace("{name}", value) for value in self.values)


@dataclass(frozen=True)
class Group:
    """The codes of one prefix, with the reply they have unless they say otherwise."""

    name: str
    title: str
    reply_name: str
    entries: tuple[Entry, ...]


def _reply(data: Mapping[str, Any]) -> Reply | None:
    if not data:
        return None
    return Reply(data.get("status"), data.get("error"), int(data["http"]), not data["permanent"])


def _group(name: str, data: Mapping[str, Any], replies: Mapping[str, Reply | None]) -> Group:
    default = str(data["reply"])
    entries = []
    for code, item in data["codes"].items():
        reply_name = str(item.get("reply", default))
        entry = Entry(
            code=str(code),
            group=name,
            meaning=str(item["en"]),
            text_no=str(item["nb"]),
            reply_name=reply_name,
            reply=replies[reply_name],
            values=tuple(str(v) for v in item.get("values", ())),
        )
        entries.append(entry)
    return Group(name, str(data["title"]), default, tuple(entries))


@functools.cache
def groups() -> tuple[Group, ...]:
    """The catalogue as written: groups in file order, entries in group order."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(FILE.read_text(encoding="utf-8"), Loader=loader)
    replies = {str(name): _reply(value) for name, value in data["replies"].items()}
    return tuple(_group(str(name), group, replies) for name, group in data["groups"].items())


@functools.cache
def catalogue() -> Mapping[str, Entry]:
    """Every code, families spelt out (``ebxml.missing-action`` …), → its entry."""
    found: dict[str, Entry] = {}
    for group in groups():
        for entry in group.entries:
            for code in entry.codes():
                if code in found:
                    raise ValueError(f"{FILE.name}: code {code} is catalogued twice")
                found[code] = entry
    return found


def entry(code: str) -> Entry | None:
    """The catalogue entry of ``code``, or None when the code is not catalogued."""
    return catalogue().get(code)


def text_no(code: str) -> str:
    """The Norwegian text the sender's user sees for ``code`` ("" when not catalogued)."""
    found = entry(code)
    return found.text_no if found else ""


def reply_of(*codes: str) -> Reply | None:
    """The reply of the first of ``codes`` the catalogue answers (a code, then its class defaults)."""
    for code in codes:
        found = entry(code)
        if found is not None and found.reply is not None:
            return found.reply
    return None


def _reply_cells(entry: Entry) -> str:
    reply = entry.reply
    if reply is None:
        return "reported | – | –"
    apprec = f"{reply.apprec_status} / {reply.apprec_error}" if reply.apprec_status else "–"
    kind = "transient" if reply.retry else "permanent"
    return f"{kind} | {reply.http_status} | {apprec}"


def _row(entry: Entry) -> str:
    code = f"`{entry.code}`"
    meaning = entry.meaning
    if entry.values:
        meaning += " `{name}`: " + ", ".join(f"`{v}`" for v in entry.values) + "."
    return f"| {code} | {meaning} | {_reply_cells(entry)} | {entry.text_no} |"


def render_markdown() -> str:
    """docs/errors.md: every group, every code, as tables."""
    count = len(catalogue())
    lines = [
        "# Error and problem codes",
        "",
        "<!-- Generated from kernel/catalogue.yaml by `python -m samband.kernel.catalogue docs/errors.md`;",
        "     edit the YAML, not this file (a test fails when they differ). -->",
        "",
        f"Every code Samband raises or reports ({count} codes). *Reply* says how a refusal with the code",
        "is answered: permanent (never retried; a sender error gets a negative AppRec, status 8258 and",
        "error 8221) or transient (retried on the route's schedule, then dead-lettered), with the HTTP",
        "status of the API; *reported* codes are warnings or infos that never refuse a message. The",
        "Norwegian text goes to the sender (AppRec `Error/@OT`) before the technical detail.",
    ]
    for group in groups():
        lines += ["", f"## `{group.name}` — {group.title}", ""]
        lines += ["| Code | Meaning | Reply | HTTP | AppRec 8258 / 8221 | Norwegian text |"]
        lines += ["|---|---|---|---|---|---|"]
        lines += [_row(entry) for entry in group.entries]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Write the Markdown catalogue to ``argv[0]`` (default docs/errors.md)."""
    target = Path(argv[0] if argv else "docs/errors.md")
    target.write_text(render_markdown(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
