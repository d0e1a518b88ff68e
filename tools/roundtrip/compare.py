"""Element-by-element comparison of a Hodemelding and its round trip, with the documented normalisations."""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from lxml import etree

from samband.adapters.xml.safe import parse_xml
from samband.kernel.codes.lookup import display, table_id_of, tables

RULES_FILE = Path(__file__).resolve().parents[2] / "mappings" / "roundtrip.yaml"
MSGHEAD = "{http://www.kith.no/xmlstds/msghead/2006-05-24}MsgHead"
OSLO = ZoneInfo("Europe/Oslo")
IGNORED_ATTRIBUTES = frozenset({"schemaLocation"})


@dataclass(frozen=True)
class Rule:
    """One documented difference: ``kind`` says how values are compared where ``paths`` match.

    kinds: ``instant`` (same point in time; local time is Oslo time; fractions to the microsecond),
    ``date`` (the same calendar date, written as xs:date), ``base64`` (the same bytes, other line
    breaks), ``display`` (a ``DN`` replaced by, or added as, the code list's own text for the same
    ``V``), ``empty-code`` (a code sent with an empty ``V``, which is no code: not written back),
    ``system`` (an ``S`` that is not the code system of ``V`` replaced by the one that is),
    ``absent`` (not carried: the element or attribute may be missing after the round trip),
    ``any`` (the value may differ).
    """

    id: str
    kind: str
    paths: tuple[str, ...]
    why: str
    types: frozenset[str] | None = None
    open: bool = False

    def applies(self, msg_type: str, path: str) -> bool:
        if self.types is not None and msg_type not in self.types:
            return False
        plain = re.sub(r"\[\d+\]", "", path)
        return any(_glob(p).fullmatch(plain) for p in self.paths)


@dataclass(frozen=True)
class Rules:
    normalisations: tuple[Rule, ...]
    open: tuple[Rule, ...]
    unwritable: dict[str, str] = field(default_factory=dict)

    def all(self) -> tuple[Rule, ...]:
        return self.normalisations + self.open


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str  # missing, extra, changed
    before: str | None
    after: str | None
    rule: str | None = None

    def __str__(self) -> str:
        sign = {"missing": "-", "extra": "+", "changed": "~"}[self.kind]
        values = {"missing": _short(self.before), "extra": _short(self.after)}.get(
            self.kind, f"{_short(self.before)} → {_short(self.after)}"
        )
        return f"{sign} {self.path} {values}"


def _short(value: str | None, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 12]}…({len(value or '')} chars)"


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    out = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.compile(out)


def _rule(raw: dict[str, Any], *, open_: bool) -> Rule:
    types = raw.get("types")
    return Rule(
        id=str(raw["id"]),
        kind=str(raw.get("kind", "any")),
        paths=tuple(raw["paths"]),
        why=str(raw["why"]).strip(),
        types=frozenset(types) if types else None,
        open=open_,
    )


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Rules(
        normalisations=tuple(_rule(r, open_=False) for r in data.get("normalisations") or ()),
        open=tuple(_rule(r, open_=True) for r in data.get("open") or ()),
        unwritable={str(k): str(v).strip() for k, v in (data.get("unwritable") or {}).items()},
    )


def msghead_of(raw: bytes) -> etree._Element:
    """The MsgHead element of a document (bare, or wrapped as NAV's EI_fellesformat wraps it)."""
    root = parse_xml(raw)
    if root.tag == MSGHEAD:
        return root
    found = root.find(f".//{MSGHEAD}")
    if found is None:
        raise ValueError("no MsgHead in the document")
    return found


def leaves(element: etree._Element) -> dict[str, str]:
    """Every attribute and every non-empty text of a leaf element (one without child elements;
    comments are not content), by positional XPath of local names."""
    out: dict[str, str] = {}

    def walk(el: etree._Element, path: str) -> None:
        counts: Counter[str] = Counter()
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            counts[name] += 1
            here = f"{path}/{name}[{counts[name]}]"
            for key, value in child.attrib.items():
                local = etree.QName(key).localname
                if local not in IGNORED_ATTRIBUTES:
                    out[f"{here}/@{local}"] = value.strip()
            elements = [node for node in child if isinstance(node.tag, str)]
            text = _own_text(child)
            if not elements and text:
                out[here] = text
            walk(child, here)

    walk(element, "")
    return out


def _own_text(element: etree._Element) -> str:
    """The text of an element without child elements: its text nodes joined, a comment or
    processing instruction inside it skipped (``<Base64Container><!-- … -->TG90…</Base64Container>``)."""
    parts = [element.text or "", *(node.tail or "" for node in element)]
    return "".join(parts).strip()


def _instant(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00")
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(\.\d+)?([+-]\d\d:\d\d)?", text)
    if match is None:
        return None
    base, fraction, offset = match.groups()
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    moment = datetime.fromisoformat(f"{base}.{micro}{offset or ''}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=OSLO)


def _table_of_field(path: str) -> str | None:
    """The code table of a kith:CS element (no ``S``), by the element and its parent."""
    plain = "/".join(re.sub(r"\[\d+\]", "", path).strip("/").split("/")[-2:])
    return next((t.id for t in tables().values() if plain in t.fields), None)


def _date(value: str | None) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", (value or "").strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _bytes(value: str | None) -> bytes | None:
    try:
        return base64.b64decode("".join((value or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _display_of(path: str, text: str, before: dict[str, str], after: dict[str, str]) -> bool:
    """True when ``text`` is the code list's own text for the (unchanged) ``V`` beside ``path``."""
    parent = path.rsplit("/@", 1)[0]
    code = after.get(f"{parent}/@V")
    if code is None or before.get(f"{parent}/@V") != code:
        return False
    system = after.get(f"{parent}/@S")
    table = table_id_of(f"urn:oid:{system}") if system else _table_of_field(parent)
    return table is not None and display(table, code) == text


def _same(rule: Rule, diff: Difference, before: dict[str, str], after: dict[str, str]) -> bool:
    if rule.kind == "any":
        return True
    if rule.kind == "absent":
        return diff.kind == "missing"
    parent = diff.path.rsplit("/@", 1)[0]
    if rule.kind == "empty-code":
        return diff.kind == "missing" and before.get(f"{parent}/@V") == ""
    if rule.kind == "display" and diff.kind == "extra" and diff.after is not None:
        return _display_of(diff.path, diff.after, before, after)
    if diff.kind != "changed" or diff.before is None or diff.after is None:
        return False
    if rule.kind == "instant":
        a, b = _instant(diff.before), _instant(diff.after)
        return a is not None and a == b
    if rule.kind == "date":
        return _date(diff.before) is not None and _date(diff.before) == _date(diff.after)
    if rule.kind == "base64":
        return _bytes(diff.before) is not None and _bytes(diff.before) == _bytes(diff.after)
    code = after.get(f"{parent}/@V")
    if code is None or before.get(f"{parent}/@V") != code:
        return False
    if rule.kind == "display":
        return _display_of(diff.path, diff.after, before, after)
    if rule.kind == "system":
        was, now = table_id_of(f"urn:oid:{diff.before}"), table_id_of(f"urn:oid:{diff.after}")
        return (
            now is not None and display(now, code) is not None and (was is None or display(was, code) is None)
        )
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def compare(
    original: bytes, round_trip: bytes, msg_type: str, rules: Rules | None = None
) -> list[Difference]:
    """Every difference between the two MsgHeads, each with the rule that documents it (or None)."""
    rules = rules or load_rules()
    before, after = leaves(msghead_of(original)), leaves(msghead_of(round_trip))
    diffs: list[Difference] = []
    for path in sorted(before.keys() | after.keys()):
        a, b = before.get(path), after.get(path)
        if a == b:
            continue
        kind = "missing" if b is None else "extra" if a is None else "changed"
        diff = Difference(path, kind, a, b)
        rule = next(
            (r for r in rules.all() if r.applies(msg_type, path) and _same(r, diff, before, after)), None
        )
        diffs.append(Difference(path, kind, a, b, rule.id if rule else None))
    return diffs
