"""Norwegian message texts as data (``texts.yaml``): load them and fill them in, line by line.

Plain ``string.Template``: a line whose placeholders are not all known is left out; ``each`` lines
repeat over a list; ``if`` lines appear only when a fact is present. No markup is produced here:
the typed message models and the adapters do the XML.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import yaml

from samband.kernel.errors import ConfigurationError

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
VOCABULARY = (
    "roles",
    "units",
    "per",
    "meeting_type",
    "closure_reason",
    "evaluation_result",
    "health_sectors",
    "role_only_sectors",
    "scopes",
    "event_kinds",
    "event_sources",
    "not_sent",
    "decision_status",
    "apprec_state",
    "alert_kinds",
    "channels",
    "plan_status",
    "message_status",
    "event_facts",
    "message_types",
)


@dataclass(frozen=True)
class MessageTexts:
    heading: str
    lines: tuple[Any, ...]


@dataclass(frozen=True)
class Texts:
    """The loaded text file: per-template heading and lines, the shared blocks, small code tables."""

    templates: Mapping[str, MessageTexts]
    common: Mapping[str, Any]
    digest_kinds: Mapping[str, str]
    goal_status: Mapping[str, str]
    meeting_mode: Mapping[str, str]
    vocabulary: Mapping[str, Any]

    def term(self, table: str, value: str | None) -> str | None:
        """A Norwegian term from one of the vocabulary tables (roles, units, closure_reason …)."""
        if value is None:
            return None
        found = self.vocabulary.get(table, {}).get(value)
        return str(found) if found is not None else value

    def template(self, name: str) -> MessageTexts:
        try:
            return self.templates[name]
        except KeyError as exc:
            raise ConfigurationError(
                f"no text template {name!r}", code="feedback.text-missing", where=str(TEXTS_FILE)
            ) from exc


def _present(value: Any) -> bool:
    """A value counts when it is given; an explicit empty text counts (a suffix such as ``$end_text``)."""
    return value is not None and value != [] and value != ()


def fill(line: str, values: Mapping[str, Any]) -> str | None:
    """The line with its placeholders filled, or None when one of them has no value."""
    template = Template(line)
    names = template.get_identifiers()
    if not all(_present(values.get(name)) for name in names):
        return None
    return template.substitute({name: str(values[name]) for name in names})


def _item_values(item: Any, values: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        return {**values, **item}
    return {**values, "text": item}


def render_lines(spec: Sequence[Any], values: Mapping[str, Any]) -> list[str]:
    """Fill every line of a template; see the module docstring for ``each`` and ``if``."""
    out: list[str] = []
    for entry in spec:
        if isinstance(entry, str):
            filled = fill(entry, values)
            if filled is not None:
                out.append(filled)
            continue
        if "if" in entry and not _present(values.get(entry["if"])):
            continue
        if "each" in entry:
            for item in values.get(entry["each"]) or ():
                filled = fill(entry["line"], _item_values(item, values))
                if filled is not None:
                    out.append(filled)
            continue
        filled = fill(entry["line"], values)
        if filled is not None:
            out.append(filled)
    return out


def _parse(data: Mapping[str, Any]) -> Texts:
    templates = {
        name: MessageTexts(heading=spec["heading"], lines=tuple(spec.get("lines") or ()))
        for name, spec in data["templates"].items()
    }
    return Texts(
        templates=templates,
        common=dict(data["common"]),
        digest_kinds=dict(data["digest_kinds"]),
        goal_status=dict(data["goal_status"]),
        meeting_mode=dict(data["meeting_mode"]),
        vocabulary={name: data[name] for name in VOCABULARY},
    )


@functools.cache
def load_texts(path: Path = TEXTS_FILE) -> Texts:
    """Read the text file once; ``ConfigurationError`` when it is unreadable or incomplete."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _parse(data)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"cannot read feedback texts: {exc}", code="feedback.texts-unreadable", where=str(path)
        ) from exc
