"""Start-up check that a route's target can be written for every message it matches (``MAPPINGS``).

A route takes messages of one or more source formats (a Hodemelding counts as its payload family);
for each, the (source, target) pair must have a mapping, and that mapping must write the message
types the route matches. ``as-is`` needs no mapping. Never answered with another message type.
"""

from __future__ import annotations

from dataclasses import dataclass

from samband.adapters.formats import families
from samband.gateway.routing.routes import Route
from samband.kernel.formats import Format
from samband.mappings.registry import MAPPINGS, can_write, read_types, targets_of

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Unwritable:
    """Why a route cannot be written, and where in its entry (a path below ``/routes/<n>``)."""

    code: str
    detail: str
    at: Path
    expected: str
    received: str


def sources_of(route: Route) -> list[Format]:
    """The formats the route's messages are translated as (every mapped source when it names none)."""
    named = route.match.source_formats
    if named is None:
        return list(dict.fromkeys(source for source, _target in MAPPINGS))
    return list(dict.fromkeys(family for name in named for family in families(Format(name))))


def _wanted(source: Format, types: tuple[str, ...] | None) -> frozenset[str] | None:
    """The route's message types a message of ``source`` can have (None: all of them)."""
    if types is None:
        return None
    readable = read_types(source)
    return frozenset(types) if readable is None else frozenset(types) & readable


def unwritable(route: Route) -> Unwritable | None:
    """The first reason the route's target cannot be written for what it matches, or None."""
    target = route.target_format
    if target is Format.AS_IS:
        return None
    for source in sources_of(route):
        wanted = _wanted(source, route.match.message_types)
        if wanted == frozenset():
            continue  # the route takes no message of this source
        if (source, target) not in MAPPINGS:
            return _no_mapping(route, source)
        if not can_write(source, target, wanted):
            return _wrong_types(route, source, wanted)
    return None


def _no_mapping(route: Route, source: Format) -> Unwritable:
    target = route.target_format
    return Unwritable(
        code="config.routes.no-mapping",
        detail=f"route {route.name!r} takes {source} messages, and there is no mapping from {source}"
        f" to {target}",
        at=("target_format",),
        expected=f"a target {source} can be written as: {', '.join([*targets_of(source), Format.AS_IS])}",
        received=f"{source} → {target}",
    )


def _wrong_types(route: Route, source: Format, wanted: frozenset[str] | None) -> Unwritable:
    target = route.target_format
    writes = MAPPINGS[(source, target)].types or frozenset()
    expected = f"message types {source} can be written as {target} for: {', '.join(sorted(writes))}"
    types = route.match.message_types
    if wanted is None or types is None:  # the route names no message types
        return Unwritable(
            code="config.routes.unwritable",
            detail=f"route {route.name!r} takes every {source} message, but {target} can be written"
            " only for some message types; name them in match.message_types",
            at=("target_format",),
            expected=expected,
            received=f"every {source} message → {target}",
        )
    missing = sorted(wanted - writes)
    return Unwritable(
        code="config.routes.unwritable",
        detail=f"route {route.name!r} takes {source} messages of type {', '.join(missing)}, which"
        f" cannot be written as {target}",
        at=("match", "message_types", types.index(missing[0])),
        expected=expected,
        received=missing[0],
    )
