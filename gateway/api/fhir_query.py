"""A FHIR search request read into a store ``Query`` (R4 §3.1.1): parameters of ``fhir_params`` with the
modifiers their kind allows, date prefixes, ``_count``/``_offset``, ``_sort``, ``_include`` and
``_revinclude``, ``_summary=count``, ``_total``. Anything else is refused (``fhir-api.unknown-parameter``)
or, with ``Prefer: handling=lenient``, left out and not named in the Bundle's ``self`` link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.gateway.store.fhir_index import date_range
from samband.gateway.store.fhir_params import (
    COMMON_PARAMS,
    FORMAT_PARAMS,
    RESOURCE_TYPES,
    Kind,
    params_of,
    sortable,
)
from samband.gateway.store.fhir_search import Criterion, DateValue, Include, Query
from samband.kernel.errors import FhirApiError

DEFAULT_COUNT = 50
MAX_COUNT = 1000
PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")
MODIFIERS: dict[Kind, tuple[str, ...]] = {
    Kind.TOKEN: (),
    Kind.DATE: (),
    Kind.STRING: ("exact", "contains"),
    Kind.REFERENCE: ("identifier",),
}


@dataclass
class Parsed:
    """The store query plus what the links need: the parameters used (for ``self``) and those ignored."""

    query: Query
    used: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _bad(text: str, where: str, expected: str) -> FhirApiError:
    return FhirApiError(text, code="fhir-api.invalid-value", where=where, expected=expected)


def _number(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _bad(f"{name} is not a whole number: {value!r}", name, f"{low}…{high}") from None
    if not low <= number <= high:
        raise _bad(f"{name} {number} is out of range", name, f"{low}…{high}")
    return number


def dates(name: str, values: list[str]) -> tuple[DateValue, ...]:
    """``[prefix]date`` values (R4 §3.1.1.4.2) as ranges."""
    out: list[DateValue] = []
    for value in values:
        prefix, text = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
        found = date_range(text)
        if found is None:
            raise _bad(f"{name}: {value!r} is not a FHIR date", name, "[prefix]YYYY[-MM[-DD[Thh:mm:ss[Z]]]]")
        out.append(DateValue(prefix, *found))
    return tuple(out)


def _include(rtype: str, name: str, value: str) -> Include:
    source, _, rest = value.partition(":")
    param, _, target = rest.partition(":")
    spec = params_of(source).get(param)
    refers = spec is not None and spec.kind is Kind.REFERENCE and bool(spec.paths)
    if name == "_include":
        fits = source == rtype and refers and (not target or target in (spec.targets if spec else ()))
    else:
        fits = source in RESOURCE_TYPES and refers and rtype in (spec.targets if spec else ())
    if not fits:
        raise _bad(f"{name}={value} is not supported for {rtype}", name, "SourceType:reference-parameter")
    return Include(source, param, target or None)


def _sort(rtype: str, value: str) -> tuple[tuple[str, bool], ...]:
    keys = tuple((key.lstrip("-"), key.startswith("-")) for key in value.split(",") if key)
    for key, _descending in keys:
        if key not in sortable(rtype):
            raise _bad(f"_sort on {key!r} is not supported for {rtype}", "_sort", ", ".join(sortable(rtype)))
    return keys


def _criterion(rtype: str, name: str, modifier: str | None, value: str) -> Criterion | None:
    """The criterion, or None when the parameter (or its modifier) is not supported for ``rtype``."""
    kind = COMMON_PARAMS.get(name) or (p.kind if (p := params_of(rtype).get(name)) else None)
    if kind is None:
        return None
    allowed = MODIFIERS[kind] if name not in COMMON_PARAMS else ()
    param = params_of(rtype).get(name)
    targets = param.targets if param and kind is Kind.REFERENCE else ()
    if modifier is not None and modifier not in allowed and modifier not in targets:
        return None
    values = [v for v in value.split(",") if v]
    if kind is Kind.DATE:
        return Criterion.of_dates(name, modifier, dates(name, values))
    return Criterion(name, modifier, tuple(values))


@dataclass
class _Page:
    """The result parameters read so far."""

    count: int = DEFAULT_COUNT
    offset: int = 0
    sort: tuple[tuple[str, bool], ...] = ()
    total: bool = True
    only_count: bool = False


def _result(rtype: str, name: str, value: str, page: _Page) -> bool:
    """Read one result parameter into ``page``; False when ``name`` is not one (or not with ``value``)."""
    if name == "_count":
        page.count = _number(name, value, 0, MAX_COUNT)
    elif name == "_offset":
        page.offset = _number(name, value, 0, 10**9)
    elif name == "_sort":
        page.sort = _sort(rtype, value)
    elif name == "_summary" and value in ("count", "false"):
        page.only_count = value == "count"
    elif name == "_total" and value in ("none", "estimate", "accurate"):
        page.total = value != "none"
    else:
        return False
    return True


def parse(rtype: str, items: list[tuple[str, str]], lenient: bool) -> Parsed:
    """The query of a search on ``rtype`` from its parameters, in order."""
    criteria: list[Criterion] = []
    includes: dict[str, list[Include]] = {"_include": [], "_revinclude": []}
    page = _Page()
    parsed = Parsed(Query(rtype))
    for key, value in items:
        name, _, modifier = key.partition(":")
        if not value:
            continue
        if name in FORMAT_PARAMS:  # kept in the links, so every page comes in the same format
            parsed.used.append((key, value))
            continue
        if name in includes:
            includes[name].append(_include(rtype, name, value))
        elif _result(rtype, name, value, page):
            if name == "_offset":
                continue  # the links set it
        elif (criterion := _criterion(rtype, name, modifier or None, value)) is not None:
            criteria.append(criterion)
        elif lenient:
            parsed.ignored.append(key)
            continue
        else:
            supported = ", ".join(sorted([*COMMON_PARAMS, *params_of(rtype)]))
            raise FhirApiError(
                f"{key} is not a search parameter this server supports for {rtype}",
                code="fhir-api.unknown-parameter",
                where=key,
                expected=supported,
            )
        parsed.used.append((key, value))
    parsed.query = Query(
        rtype,
        tuple(criteria),
        count=page.count,
        offset=page.offset,
        sort=page.sort,
        include=tuple(includes["_include"]),
        revinclude=tuple(includes["_revinclude"]),
        total=page.total,
        entries=page.count != 0 and not page.only_count,
    )
    return parsed
