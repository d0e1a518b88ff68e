"""Reads a route file (YAML), validates it against ``schemas/routes.schema.json`` and builds the table.

Validation happens at start-up; every refusal is a ConfigurationError naming the file, the line, the
JSON pointer of the offending value and what was expected there (docs/routing.md).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from samband.gateway.delivery.retry import DEFAULT_SCHEDULE, RetrySchedule, parse_duration
from samband.gateway.delivery.transports.registry import carried_by, carries, transport_names
from samband.gateway.routing.routes import Route, RouteMatch
from samband.gateway.routing.table import DEFAULT_ROUTES, RouteTable
from samband.gateway.routing.writable import unwritable
from samband.integrations.nhn_msh.models import ebxml_override_problems
from samband.kernel.errors import ConfigurationError
from samband.kernel.formats import Format

SCHEMA_NAME = "routes.schema.json"
HTTP_TRANSPORTS = frozenset({"http", "ebxml-http"})
NHN_MSH = "nhn-msh"
# ``${NAME}`` in a string value is read from the environment, so secrets stay out of the file.
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@cache
def routes_schema() -> dict[str, Any]:
    """The JSON Schema of route files, shipped in the ``schemas`` package."""
    schema: dict[str, Any] = json.loads(files("samband.schemas").joinpath(SCHEMA_NAME).read_text("utf-8"))
    return schema


@dataclass(frozen=True)
class _Source:
    """The text of a route file and its YAML node tree, to tell lines for JSON pointers."""

    name: str
    tree: yaml.Node | None

    def line_of(self, path: Collection[str | int]) -> int | None:
        node = self.tree
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        child: yaml.Node = node.value[step]
        return child
    return None


def _pointer(path: Collection[str | int]) -> str:
    return "/" + "/".join(str(step).replace("~", "~0").replace("/", "~1") for step in path)


def load_routes(path: Path | None, transports: Collection[str] | None = None) -> RouteTable:
    """The route table of ``path``, or ``DEFAULT_ROUTES`` (everything into the FHIR store) for None.

    ``transports`` are the names a route may use (default: the transport registry's names).
    """
    if path is None:
        return DEFAULT_ROUTES
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read route file: {exc}", code="config.routes.unreadable", where=str(path)
        ) from exc
    return parse_routes(text, str(path), transports)


def parse_routes(
    text: str,
    name: str = "<routes>",
    transports: Collection[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> RouteTable:
    """Parse and validate route-file text; ``name`` is used in error messages.

    ``${NAME}`` in any string value (typically an endpoint, a header or an option) is replaced from
    ``environ`` (default: the process environment); an unset name is refused.
    """
    data, source = _read_yaml(text, name)
    _validate(data, source)
    data = _expand(data, os.environ if environ is None else environ, source, ())
    known = transport_names() if transports is None else frozenset(transports)
    defaults = data.get("defaults", {})
    routes = tuple(
        _route(entry, defaults, source, ("routes", index), known)
        for index, entry in enumerate(data["routes"])
    )
    _check_unique(routes, source)
    return RouteTable(routes, name)


def _expand(value: Any, environ: Mapping[str, str], source: _Source, path: tuple[str | int, ...]) -> Any:
    """The data with ``${NAME}`` references in strings replaced from ``environ``."""
    if isinstance(value, dict):
        return {key: _expand(item, environ, source, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item, environ, source, (*path, index)) for index, item in enumerate(value)]
    if not isinstance(value, str):
        return value
    for name in _ENV_REFERENCE.findall(value):
        if name not in environ:
            raise ConfigurationError(
                f"route file refers to environment variable {name}, which is not set",
                code="config.routes.missing-env",
                where=f"{source.name}#{_pointer(path)}",
                line=source.line_of(path),
                expected=f"{name} set in the environment",
                received=value,
            )
    return _ENV_REFERENCE.sub(lambda match: environ[match.group(1)], value)


def _read_yaml(text: str, name: str) -> tuple[dict[str, Any], _Source]:
    try:
        tree = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigurationError(
            f"route file is not valid YAML: {getattr(exc, 'problem', None) or exc}",
            code="config.routes.yaml",
            where=name,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
            expected="a YAML document (see docs/routing.md)",
        ) from exc
    return data, _Source(name, tree)


def _validate(data: object, source: _Source) -> None:
    validator = jsonschema.Draft202012Validator(routes_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.path)), e.message))
    if not errors:
        return
    first = errors[0]
    lines = [f"{_pointer(e.path)} (line {source.line_of(e.path)}): {e.message}" for e in errors[:10]]
    raise ConfigurationError(
        f"route file {source.name} does not match {SCHEMA_NAME}: " + "; ".join(lines),
        code="config.routes.invalid",
        where=f"{source.name}#{_pointer(first.path)}",
        line=source.line_of(first.path),
        expected=_expected(first),
        received=json.dumps(first.instance, default=str)[:200],
    )


def _expected(error: jsonschema.ValidationError) -> str:
    keyword = error.validator
    if keyword == "additionalProperties":
        properties = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        allowed = sorted(properties)
        return f"only the keys {', '.join(allowed)}"
    if keyword in {"enum", "const", "type", "pattern", "required", "minItems", "minimum", "maximum"}:
        return f"{keyword} {json.dumps(error.validator_value)}"
    return str(error.message)


def _route(
    entry: Mapping[str, Any],
    defaults: Mapping[str, Any],
    source: _Source,
    path: tuple[str | int, ...],
    known: frozenset[str],
) -> Route:
    if entry["transport"] not in known:
        raise ConfigurationError(
            f"route {entry['name']!r} names unknown transport {entry['transport']!r}",
            code="config.routes.unknown-transport",
            where=f"{source.name}#{_pointer((*path, 'transport'))}",
            line=source.line_of((*path, "transport")),
            expected=f"one of {', '.join(sorted(known))}",
            received=entry["transport"],
        )
    _check_url(entry, source, path)
    if entry["transport"] == NHN_MSH:
        _check_nhn_msh(entry.get("options", {}), source, (*path, "options"))
    timeouts = {**defaults.get("timeouts", {}), **entry.get("timeouts", {})}
    route = Route(
        name=entry["name"],
        match=_match(entry.get("match", {})),
        target_format=Format(entry["target_format"]),
        transport=entry["transport"],
        endpoint=entry.get("endpoint"),
        retry=_retry({**defaults.get("retry", {}), **entry.get("retry", {})}),
        enabled=entry.get("enabled", True),
        headers={**defaults.get("headers", {}), **entry.get("headers", {})},
        connect_timeout=parse_duration(timeouts.get("connect", "5s")).total_seconds(),
        timeout=parse_duration(timeouts.get("total", "30s")).total_seconds(),
        options=dict(entry.get("options", {})),
        description=entry.get("description", ""),
    )
    _check_carried(route, source, path)
    _check_writable(route, source, path)
    return route


def _check_carried(route: Route, source: _Source, path: tuple[str | int, ...]) -> None:
    """The route's transport must carry its target format (the transport registry's ``CARRIES``)."""
    if carries(route.transport, route.target_format):
        return
    at = (*path, "target_format")
    raise ConfigurationError(
        f"route {route.name!r} sends over {route.transport}, which cannot carry {route.target_format}",
        code="config.routes.not-carried",
        where=f"{source.name}#{_pointer(at)}",
        line=source.line_of(at),
        expected=f"a target {route.transport} carries: {', '.join(carried_by(route.transport) or ())}",
        received=str(route.target_format),
    )


def _check_writable(route: Route, source: _Source, path: tuple[str | int, ...]) -> None:
    """The target must be writable for what the route matches (``MAPPINGS``); disabled routes too."""
    problem = unwritable(route)
    if problem is not None:
        at = (*path, *problem.at)
        raise ConfigurationError(
            problem.detail,
            code=problem.code,
            where=f"{source.name}#{_pointer(at)}",
            line=source.line_of(at),
            expected=problem.expected,
            received=problem.received,
        )


def _check_url(entry: Mapping[str, Any], source: _Source, path: tuple[str | int, ...]) -> None:
    """An HTTP endpoint taken from the environment must still be an http(s) URL."""
    endpoint = entry.get("endpoint") or ""
    if entry["transport"] in HTTP_TRANSPORTS and not endpoint.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"route {entry['name']!r} needs an http(s) URL as endpoint",
            code="config.routes.invalid",
            where=f"{source.name}#{_pointer((*path, 'endpoint'))}",
            line=source.line_of((*path, "endpoint")),
            expected="an endpoint starting with http:// or https://",
            received=endpoint.split(":", 1)[0] + ":…",
        )


def _check_nhn_msh(options: Mapping[str, Any], source: _Source, path: tuple[str | int, ...]) -> None:
    """The message service's addresses taken from the environment are http(s) URLs; the ebXML
    overrides are ``EbXmlInfo`` fields of the right type."""
    problems = [
        (name, f"{name} must be an http(s) URL", "an address starting with http:// or https://")
        for name in ("base_url", "token_url")
        if not str(options.get(name, "")).startswith(("http://", "https://"))
    ]
    overrides = options.get("ebxml_overrides") or {}
    problems += [
        ("ebxml_overrides", problem, "EbXmlInfo fields (docs/nhn.md)")
        for problem in ebxml_override_problems(overrides)
    ]
    if problems:
        name, detail, expected = problems[0]
        raise ConfigurationError(
            f"nhn-msh options: {detail}",
            code="config.routes.invalid",
            where=f"{source.name}#{_pointer((*path, name))}",
            line=source.line_of((*path, name)),
            expected=expected,
        )


def _strings(values: list[Any] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(str(value) for value in values)


def _match(match: Mapping[str, Any]) -> RouteMatch:
    return RouteMatch(
        message_types=_strings(match.get("message_types")),
        sender_her=_strings(match.get("sender_her")),
        receiver_her=_strings(match.get("receiver_her")),
        source_formats=_strings(match.get("source_formats")),
        directions=_strings(match.get("directions")),
        receiver_channel=_strings(match.get("receiver_channel")),
    )


def _retry(retry: Mapping[str, Any]) -> RetrySchedule:
    if not retry:
        return DEFAULT_SCHEDULE
    delays = retry.get("delays")
    return RetrySchedule(
        tuple(parse_duration(d) for d in delays) if delays else DEFAULT_SCHEDULE.delays,
        retry.get("max_attempts", DEFAULT_SCHEDULE.max_attempts),
    )


def _check_unique(routes: tuple[Route, ...], source: _Source) -> None:
    seen: set[str] = set()
    for index, route in enumerate(routes):
        if route.name in seen:
            path = ("routes", index, "name")
            raise ConfigurationError(
                f"route name {route.name!r} is used twice",
                code="config.routes.duplicate-name",
                where=f"{source.name}#{_pointer(path)}",
                line=source.line_of(path),
                expected="unique route names",
                received=route.name,
            )
        seen.add(route.name)
