"""Search-index rows of one FHIR resource version (table ``fhir_index``): one row per value of each
search parameter of ``fhir_params.SEARCH_PARAMS`` — token (system, code), reference (``Type/id``),
date (the instant range ``low``…``high`` the value covers, FHIR R4 §3.1.1.4.2) and string (lowercased,
for prefix matching) — so a search is an index lookup, never a scan of the JSON.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from samband.gateway.store.fhir_params import Kind, Param, params_of

Row = dict[str, Any]
MAX_TEXT = 255
LOWEST = datetime(1, 1, 1, tzinfo=UTC)
HIGHEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def values_at(node: object, path: str) -> Iterator[object]:
    """Every value at a dotted ``path`` of ``node``, arrays flattened at each step."""
    if isinstance(node, list):
        for item in node:
            yield from values_at(item, path)
        return
    if not path:
        yield node
        return
    if isinstance(node, dict):
        head, _, rest = path.partition(".")
        if head in node:
            yield from values_at(node[head], rest)


def date_range(text: str) -> tuple[datetime, datetime] | None:
    """The instants a FHIR date, dateTime or instant covers: ``2024`` is the whole year (R4 §3.1.1.4.2);
    a time without a zone is read as UTC. None: not a FHIR date."""
    found = _DATE.match(text.strip())
    if found is None:
        return None
    year, month, day, hour, _minute, second, fraction, _zone = found.groups()
    try:
        if month is None:
            low = datetime(int(year), 1, 1, tzinfo=UTC)
            return low, datetime(int(year), 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
        if day is None:
            last = calendar.monthrange(int(year), int(month))[1]
            low = datetime(int(year), int(month), 1, tzinfo=UTC)
            return low, datetime(int(year), int(month), last, 23, 59, 59, 999999, tzinfo=UTC)
        if hour is None:
            low = datetime(int(year), int(month), int(day), tzinfo=UTC)
            return low, low + timedelta(days=1, microseconds=-1)
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    stamp = stamp.astimezone(UTC)
    if fraction:
        return stamp, stamp
    width = timedelta(seconds=1) if second is not None else timedelta(minutes=1)
    return stamp, stamp + width - timedelta(microseconds=1)


LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l"})
"""Letters that have no decomposition, folded as a search by Latin letters expects them."""


def folded(text: str) -> str:
    """A string parameter's indexed form (R4 §3.1.1.4.9: case- and accent-insensitive): accents and
    ``LETTERS`` folded, lowercased, whitespace collapsed."""
    plain = unicodedata.normalize("NFKD", text.lower().translate(LETTERS))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.lower().split())[:MAX_TEXT]


def _text(value: object) -> str | None:
    return None if value is None else str(value)[:MAX_TEXT]


def _tokens(value: object) -> Iterator[tuple[str | None, str]]:
    if isinstance(value, bool):
        yield None, str(value).lower()
    elif isinstance(value, str | int):
        yield None, str(value)
    elif isinstance(value, dict):
        if "coding" in value:  # CodeableConcept
            for coding in value.get("coding") or []:
                yield from _tokens(coding)
        elif value.get("code") is not None:
            yield value.get("system"), str(value["code"])
        elif value.get("value") is not None:  # Identifier
            yield value.get("system"), str(value["value"])


def _dates(value: object) -> Iterator[tuple[datetime, datetime]]:
    if isinstance(value, str):
        found = date_range(value)
        if found:
            yield found
    elif isinstance(value, dict) and ("start" in value or "end" in value):  # Period
        start = date_range(str(value["start"])) if value.get("start") else None
        end = date_range(str(value["end"])) if value.get("end") else None
        if start or end:
            yield (start[0] if start else LOWEST), (end[1] if end else HIGHEST)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):  # HumanName, Address: every part that is text
        for key in ("text", "family", "given", "prefix", "suffix", "line", "city", "postalCode"):
            part = value.get(key)
            for item in part if isinstance(part, list) else [part]:
                if isinstance(item, str):
                    yield item


def _reference(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("reference"), str):
        parts = str(value["reference"]).split("/")
        if "_history" in parts:  # Type/id/_history/v refers to the resource Type/id
            parts = parts[: parts.index("_history")]
        return "/".join(parts[-2:])[:MAX_TEXT]  # an absolute URL ends in Type/id too
    return None


def param_rows(name: str, param: Param, resource: Row) -> Iterator[Row]:
    """The index rows of one parameter in one resource (without the resource's key)."""
    seen: set[tuple[object, ...]] = set()
    for path in param.paths:
        for value in values_at(resource, path):
            for row in _rows(param, value):
                key = (row.get("system"), row.get("value"), row.get("low"), row.get("high"))
                if key not in seen:
                    seen.add(key)
                    yield {"param": name, **row}


def _rows(param: Param, value: object) -> Iterator[Row]:
    if param.kind is Kind.TOKEN:
        for system, code in _tokens(value):
            yield {"system": _text(system), "value": _text(code), "low": None, "high": None}
    elif param.kind is Kind.REFERENCE:
        ref = _reference(value)
        if ref and (not param.targets or ref.split("/")[0] in param.targets):
            yield {"system": None, "value": ref, "low": None, "high": None}
    elif param.kind is Kind.DATE:
        for low, high in _dates(value):
            yield {"system": None, "value": None, "low": low, "high": high}
    else:
        for text in _strings(value):
            yield {"system": None, "value": folded(text), "low": None, "high": None}


@cache
def _indexed(resource_type: str) -> tuple[tuple[str, Param, frozenset[str]], ...]:
    """The type's parameters, each with the top-level elements its paths start from."""
    return tuple(
        (name, param, frozenset(path.partition(".")[0] for path in param.paths))
        for name, param in params_of(resource_type).items()
    )


def index_rows(resource: Row, version: int) -> list[Row]:
    """Every index row of one version of ``resource``, keyed by type, id and version."""
    rtype, rid = str(resource["resourceType"]), str(resource["id"])
    key = {"resource_type": rtype, "resource_id": rid, "version": version}
    return [
        {**key, **row}
        for name, param, heads in _indexed(rtype)
        if not heads.isdisjoint(resource)  # a parameter whose elements are all absent has no rows
        for row in param_rows(name, param, resource)
    ]
