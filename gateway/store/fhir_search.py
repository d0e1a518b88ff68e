"""FHIR search over the store (R4 §3.1.1): each criterion is an ``EXISTS`` on the indexed rows of
``fhir_index`` for the resource's current version, so a search costs index lookups however many
resources are stored; ``_sort``, ``_count``/offset paging, ``_include`` and ``_revinclude``.

The query arrives parsed and checked (``gateway/api/fhir_query.py``): names are those of
``fhir_params``, dates are ranges and prefixes are known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, false, func, not_, or_, select

from samband.gateway.store.fhir import Key, Resource, read_many, with_identifier
from samband.gateway.store.fhir_index import folded
from samband.gateway.store.fhir_params import Kind, Param, params_of
from samband.gateway.store.tables import fhir_index, fhir_resources

R = fhir_resources.c
I = fhir_index.c  # noqa: E741 - the index table's columns, as R is the resources'


@dataclass(frozen=True)
class DateValue:
    prefix: str  # eq ne gt lt ge le sa eb ap
    low: datetime
    high: datetime


@dataclass(frozen=True)
class Criterion:
    """One ``name[:modifier]=a,b`` of the query: the values are alternatives (OR)."""

    name: str
    modifier: str | None
    values: tuple[str, ...] = ()
    dates: tuple[DateValue, ...] = ()

    @classmethod
    def of_dates(cls, name: str, modifier: str | None, dates: tuple[DateValue, ...]) -> Criterion:
        return cls(name, modifier, (), dates)


@dataclass(frozen=True)
class Include:
    """``_include=source:param[:target]`` or ``_revinclude=…`` (R4 §3.1.1.5.4)."""

    source: str
    param: str
    target: str | None = None


@dataclass(frozen=True)
class Query:
    resource_type: str
    criteria: tuple[Criterion, ...] = ()
    count: int = 50
    offset: int = 0
    sort: tuple[tuple[str, bool], ...] = ()  # (parameter, descending)
    include: tuple[Include, ...] = ()
    revinclude: tuple[Include, ...] = ()
    total: bool = True
    entries: bool = True  # False for _summary=count


@dataclass
class Found:
    matches: list[Resource] = field(default_factory=list)
    included: list[Resource] = field(default_factory=list)
    total: int | None = None


def _row_of(param: str, rtype: str, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """An index row of ``param`` for the current row of the outer query meeting ``where``."""
    return exists().where(
        I.resource_type == rtype,
        I.param == param,
        I.resource_id == R.resource_id,
        I.version == R.version,
        *where,
    )


def _token(values: Iterable[str]) -> ColumnElement[bool]:
    alternatives: list[ColumnElement[bool]] = []
    for value in values:
        system, bar, code = value.rpartition("|")
        if not bar:
            alternatives.append(I.value == code)
        elif not code:
            alternatives.append(I.system == system)
        elif not system:
            alternatives.append(and_(I.system.is_(None), I.value == code))
        else:
            alternatives.append(and_(I.system == system, I.value == code))
    return or_(false(), *alternatives)


def _date(low: Any, high: Any, value: DateValue) -> ColumnElement[bool]:
    """Whether the range ``low``…``high`` meets ``value`` with its prefix (R4 §3.1.1.4.2)."""
    equal = and_(low >= value.low, high <= value.high)
    found: dict[str, ColumnElement[bool]] = {
        "eq": equal,
        "ne": not_(equal),
        "gt": high > value.high,
        "lt": low < value.low,
        "ge": high >= value.low,
        "le": low <= value.high,
        "sa": low > value.high,
        "eb": high < value.low,
        "ap": and_(low <= value.high, high >= value.low),
    }
    return found[value.prefix]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _string(values: Iterable[str], modifier: str | None) -> ColumnElement[bool]:
    out: list[ColumnElement[bool]] = []
    for value in values:
        text = folded(value)
        if modifier == "exact":
            out.append(I.value == text)
        elif modifier == "contains":
            out.append(I.value.like(f"%{_like(text)}%", escape="\\"))
        else:
            out.append(I.value.like(f"{_like(text)}%", escape="\\"))
    return or_(false(), *out)


def referenced(conn: Connection, param: Param, values: Iterable[str], modifier: str | None) -> list[str]:
    """The ``Type/id`` values a reference criterion stands for. A Patient may be named by id, by
    ``Patient/id`` or by identifier (``system|value`` or the bare FNR/DNR, or with ``:identifier``)."""
    refs: set[str] = set()
    targets = (modifier,) if modifier and modifier != "identifier" else param.targets
    for value in values:
        if modifier != "identifier":
            parts = value.split("/")
            if len(parts) >= 2:
                refs.add("/".join(parts[-2:]))
            else:
                refs.update(f"{target}/{value}" for target in targets)
        if "Patient" in targets and (modifier == "identifier" or "/" not in value):
            refs.update(f"Patient/{rid}" for rid in with_identifier(conn, "Patient", value))
    return sorted(r for r in refs if r.split("/")[0] in targets)


def condition(conn: Connection, rtype: str, criterion: Criterion) -> ColumnElement[bool]:
    """The WHERE condition of one criterion on ``fhir_resources``."""
    if criterion.name == "_id":
        return R.resource_id.in_(criterion.values)
    if criterion.name == "_lastUpdated":
        return or_(false(), *(_date(R.updated_at, R.updated_at, d) for d in criterion.dates))
    param = params_of(rtype)[criterion.name]
    if param.kind is Kind.REFERENCE:
        refs = referenced(conn, param, criterion.values, criterion.modifier)
        if param.self_patient:
            return R.resource_id.in_([r.split("/", 1)[1] for r in refs])
        return _row_of(criterion.name, rtype, I.value.in_(refs))
    if param.kind is Kind.DATE:
        return _row_of(
            criterion.name, rtype, or_(false(), *(_date(I.low, I.high, d) for d in criterion.dates))
        )
    if param.kind is Kind.STRING:
        return _row_of(criterion.name, rtype, _string(criterion.values, criterion.modifier))
    return _row_of(criterion.name, rtype, _token(criterion.values))


def _order(rtype: str, sort: tuple[tuple[str, bool], ...]) -> list[Any]:
    keys: list[Any] = []
    for name, descending in sort:
        if name == "_id":
            column: Any = R.resource_id
        elif name == "_lastUpdated":
            column = R.updated_at
        else:
            column = (
                select(func.min(I.low))
                .where(I.resource_type == rtype, I.param == name)
                .where(I.resource_id == R.resource_id, I.version == R.version)
                .scalar_subquery()
            )
        keys.append(column.desc() if descending else column.asc())
    return [*keys, R.resource_id]


def _matching(conn: Connection, query: Query) -> Select[Any]:
    where = [condition(conn, query.resource_type, c) for c in query.criteria]
    return select(R.resource_id, R.version, R.body).where(
        R.resource_type == query.resource_type, R.current.is_(True), *where
    )


def search(conn: Connection, query: Query) -> Found:
    """The page of current ``query.resource_type`` resources the query asks for, what they include,
    and how many match in all (unless ``total`` is off)."""
    found = Found()
    base = _matching(conn, query)
    if query.total or not query.entries:
        found.total = int(conn.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    if not query.entries:
        return found
    page = base.order_by(*_order(query.resource_type, query.sort)).limit(query.count).offset(query.offset)
    rows = conn.execute(page).all()
    found.matches = [dict(body) for _rid, _v, body in rows]
    keys = [(rid, int(version)) for rid, version, _body in rows]
    found.included = _included(conn, query, keys)
    return found


def _included(conn: Connection, query: Query, keys: list[tuple[str, int]]) -> list[Resource]:
    if not keys:
        return []
    rtype = query.resource_type
    shown = set(keys)
    wanted: set[Key] = set()
    for inc in query.include:
        rows = conn.execute(
            select(I.resource_id, I.version, I.value).where(
                I.resource_type == rtype, I.param == inc.param, I.resource_id.in_([rid for rid, _v in keys])
            )
        )
        for source, version, ref in rows:
            target, _, rid = str(ref).partition("/")
            if (source, int(version)) in shown and rid and (inc.target is None or inc.target == target):
                wanted.add((target, rid))
    matched = [f"{rtype}/{rid}" for rid, _v in keys]
    for inc in query.revinclude:
        referring = conn.execute(
            select(R.resource_id)
            .where(R.resource_type == inc.source, R.current.is_(True))
            .where(_row_of(inc.param, inc.source, I.value.in_(matched)))
        )
        wanted.update((inc.source, rid) for (rid,) in referring)
    wanted -= {(rtype, rid) for rid, _v in keys}
    return read_many(conn, wanted)
