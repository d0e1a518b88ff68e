"""Load the GP feedback rules (``rules.yaml``) into frozen ``Rule`` objects, checked against
``schemas/feedback-rules.schema.json`` and against the event vocabulary, so a typo fails at start-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema
import yaml

from samband.features.feedback.events import EventKind
from samband.kernel.errors import ConfigurationError

RULES_FILE = Path(__file__).with_name("rules.yaml")
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "feedback-rules.schema.json"


class Channel(StrEnum):
    """How the GP is told: MsgInfo/Type (kodeverk 8279), or an internal task for the coordinator."""

    DIALOG_NOTAT = "DIALOG_NOTAT"
    DIALOG_FORESPORSEL = "DIALOG_FORESPORSEL"
    ORIENTERING_TJENESTETILBUD = "ORIENTERING_TJENESTETILBUD"
    COORDINATOR_TASK = "COORDINATOR_TASK"


class ConsentNeed(StrEnum):
    NONE = "none"
    GP_FEEDBACK = "gp-feedback"
    PLAN_CONTENT = "plan-content"


class Delivery(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


@dataclass(frozen=True)
class Rule:
    """One feedback rule: trigger events, channel, template, the consent it needs, when it applies."""

    id: str
    name: str
    triggers: frozenset[EventKind]
    channel: Channel
    template: str
    consent: ConsentNeed
    delivery: Delivery
    when: tuple[tuple[str, bool], ...] = ()
    known: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestPolicy:
    """At most one digest per patient per ``period_hours``, sent from ``send_after`` local time."""

    rule_id: str
    period_hours: float = 24.0
    send_after: time = time(15, 0)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Oslo"))


@dataclass(frozen=True)
class TrackingPolicy:
    """HIS 80415 §3: no AppRec after ``apprec_timeout_hours`` counts as negative."""

    apprec_timeout_hours: float = 96.0
    max_attempts: int = 2
    retry_after_minutes: float = 30.0


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    digest: DigestPolicy
    tracking: TrackingPolicy
    version: str = "1"

    def for_event(self, kind: EventKind) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if kind in rule.triggers)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def _validate(data: Any, where: str) -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        pointer = "/" + "/".join(str(p) for p in first.absolute_path)
        raise ConfigurationError(
            f"feedback rules do not match the schema: {first.message}",
            code="feedback.rules-invalid",
            where=f"{where}#{pointer}",
            expected="schemas/feedback-rules.schema.json",
        )


def _rule(raw: dict[str, Any], index: int, where: str) -> Rule:
    try:
        triggers = frozenset(EventKind(t) for t in raw["triggers"])
    except ValueError as exc:
        raise ConfigurationError(
            f"unknown trigger event in rule {raw['id']}: {exc}",
            code="feedback.rules-unknown-event",
            where=f"{where}#/rules/{index}/triggers",
            expected=", ".join(k.value for k in EventKind),
        ) from exc
    return Rule(
        id=raw["id"],
        name=raw["name"],
        triggers=triggers,
        channel=Channel(raw["channel"]),
        template=raw["template"],
        consent=ConsentNeed(raw["consent"]),
        delivery=Delivery(raw["delivery"]),
        when=tuple(sorted((raw.get("when") or {}).items())),
        known=tuple(raw.get("known") or ()),
    )


def _digest(raw: dict[str, Any], where: str) -> DigestPolicy:
    hours, minutes = (int(p) for p in raw["send_after"].split(":"))
    try:
        zone = ZoneInfo(raw["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"unknown time zone {raw['timezone']!r}", code="feedback.rules-timezone", where=f"{where}#/digest"
        ) from exc
    return DigestPolicy(raw["rule"], float(raw["period_hours"]), time(hours, minutes), zone)


def parse_rules(data: Any, where: str = "rules.yaml") -> RuleSet:
    """A ``RuleSet`` from already-loaded YAML data; ``ConfigurationError`` names the JSON pointer."""
    _validate(data, where)
    rules = tuple(_rule(raw, i, where) for i, raw in enumerate(data["rules"]))
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigurationError(
            f"rule ids used twice: {', '.join(duplicates)}", code="feedback.rules-duplicate", where=where
        )
    digest = _digest(data["digest"], where)
    if digest.rule_id not in ids:
        raise ConfigurationError(
            f"digest rule {digest.rule_id} is not defined",
            code="feedback.rules-digest",
            where=f"{where}#/digest",
        )
    track = data["tracking"]
    tracking = TrackingPolicy(
        float(track["apprec_timeout_hours"]), int(track["max_attempts"]), float(track["retry_after_minutes"])
    )
    return RuleSet(rules, digest, tracking, str(data["version"]))


def load_rules(path: Path | None = None) -> RuleSet:
    """Read and check a rules file (default: the packaged ``features/feedback/rules.yaml``)."""
    source = path or RULES_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(
            f"cannot read feedback rules: {exc}", code="feedback.rules-unreadable", where=str(source)
        ) from exc
    return parse_rules(data, str(source))
