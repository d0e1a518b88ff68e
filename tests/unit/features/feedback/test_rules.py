"""The rules file: loads, matches its JSON Schema, names only known events, predicates and templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from samband.features.feedback.engine import check_predicates
from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import (
    RULES_FILE,
    Channel,
    ConsentNeed,
    Delivery,
    load_rules,
    parse_rules,
)
from samband.features.feedback.texts import load_texts
from samband.kernel.errors import ConfigurationError


def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return data


def test_packaged_rules_cover_f1_to_f9_and_the_digest() -> None:
    rules = load_rules()
    ids = {r.id for r in rules.rules}
    assert {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "D1"} <= ids
    assert rules.by_id("F5").channel is Channel.DIALOG_FORESPORSEL
    assert rules.by_id("F6").consent is ConsentNeed.PLAN_CONTENT
    assert rules.by_id("D1").delivery is Delivery.DIGEST
    assert rules.digest.period_hours == 24 and rules.tracking.apprec_timeout_hours == 96


def test_every_when_names_a_predicate_and_every_template_exists() -> None:
    rules = load_rules()
    texts = load_texts()
    assert check_predicates(rules) == []
    for rule in rules.rules:
        texts.template(rule.template)


def test_minor_edits_go_to_the_digest_and_significant_events_at_once() -> None:
    rules = load_rules()
    for kind in (EventKind.GOAL_CHANGED, EventKind.PLAN_EDITED, EventKind.MEASURE_COMPLETED):
        assert [r.delivery for r in rules.for_event(kind)] == [Delivery.DIGEST]
    for kind in (EventKind.DECISION_MADE, EventKind.PLAN_CLOSED, EventKind.MEETING_HELD):
        assert all(r.delivery is Delivery.IMMEDIATE for r in rules.for_event(kind))


def test_schema_error_names_the_json_pointer() -> None:
    data = raw()
    data["rules"][2]["channel"] = "EPOST"
    with pytest.raises(ConfigurationError) as caught:
        parse_rules(data, "rules.yaml")
    assert caught.value.code == "feedback.rules-invalid"
    assert caught.value.where == "rules.yaml#/rules/2/channel"


def test_unknown_trigger_event_is_refused() -> None:
    data = raw()
    data["rules"][0]["triggers"] = ["referral.forgotten"]
    with pytest.raises(ConfigurationError) as caught:
        parse_rules(data)
    assert caught.value.code == "feedback.rules-unknown-event"


def test_duplicate_ids_and_missing_digest_rule_are_refused() -> None:
    data = raw()
    data["rules"][1]["id"] = "F1"
    with pytest.raises(ConfigurationError, match="F1"):
        parse_rules(data)
    data = raw()
    data["digest"]["rule"] = "D9"
    with pytest.raises(ConfigurationError) as caught:
        parse_rules(data)
    assert caught.value.code == "feedback.rules-digest"


def test_unreadable_file_is_a_configuration_error(tmp_path: Path) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules: [", encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_rules(broken)
    assert caught.value.code == "feedback.rules-unreadable"
