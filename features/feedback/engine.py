"""The feedback engine: (event, state, rules) → decisions, a pure function.

Each rule that the event triggers gives one ``Decision``: send now, add to the digest, open a task
for the coordinator, or suppress with a reason the timeline shows (blocked GP, no consent, a
condition not met, the GP already has it). Nothing here reads a clock, a database or the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from samband.features.feedback.events import FeedbackEvent
from samband.features.feedback.rules import Channel, Delivery, Rule, RuleSet
from samband.features.feedback.state import FeedbackState, apply_event

ANSWER_NEEDS_CONSENT = "4"
"""Svarkategori 9069 code 4: «krever pasientens samtykke» (domain.md §5 scenario 2 variant)."""


class Action(StrEnum):
    SEND = "send"
    DIGEST = "digest"
    TASK = "task"
    SUPPRESS = "suppress"


class Reason(StrEnum):
    """Why a rule did not send: stable codes shown in the timeline."""

    GP_BLOCKED = "gp-blocked"
    NO_CONSENT = "no-consent"
    CONDITION = "condition-not-met"
    ALREADY_KNOWN = "already-known"


@dataclass(frozen=True)
class Decision:
    """What to do about one (event, rule) pair; ``known`` is what the GP has once it is sent."""

    action: Action
    rule: Rule
    event: FeedbackEvent
    reason: Reason | None = None
    detail: str = ""
    known: tuple[tuple[str, str], ...] = ()


def _gp_is_referrer(event: FeedbackEvent, state: FeedbackState) -> bool:
    """The GP referred: through the gateway (``referral.sent``), or the plan says the GP found the need."""
    return state.referrer_her is not None or event.fact("referrer_her") is not None


PREDICATES: dict[str, Callable[[FeedbackEvent, FeedbackState], bool]] = {
    "gp_is_referrer": _gp_is_referrer,
    "gp_invited": lambda event, state: bool(event.fact("gp_invited", False)),
    "consent_concerns_gp": lambda event, state: bool(event.fact("concerns_gp", False)),
    "team_established": lambda event, state: bool(event.fact("team_established", False)),
    "answer_needs_consent": lambda event, state: event.fact("answer_code") == ANSWER_NEEDS_CONSENT,
}
"""Conditions a rule may name under ``when:``; the rules file is checked against these keys."""


def fact_value(value: Any) -> str:
    """A comparable text for a fact value (lists and mappings in canonical JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def known_facts(rule: Rule, event: FeedbackEvent) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"{rule.id}:{name}", fact_value(event.facts[name])) for name in rule.known if name in event.facts
    )


def _already_known(known: tuple[tuple[str, str], ...], state_known: Mapping[str, str]) -> bool:
    return bool(known) and all(state_known.get(key) == value for key, value in known)


def _unmet_condition(rule: Rule, event: FeedbackEvent, state: FeedbackState) -> str | None:
    for name, expected in rule.when:
        if PREDICATES[name](event, state) is not expected:
            return f"{name} is not {str(expected).lower()}"
    return None


def decide_rule(rule: Rule, event: FeedbackEvent, state: FeedbackState) -> Decision:
    """One rule against one event, with ``state`` already updated by the event."""
    known = known_facts(rule, event)
    if rule.channel is Channel.COORDINATOR_TASK:
        return Decision(Action.TASK, rule, event, known=known)
    if state.gp_blocked:
        detail = f"GP {state.gp_her} reported an error"
        return Decision(Action.SUPPRESS, rule, event, Reason.GP_BLOCKED, detail)
    unmet = _unmet_condition(rule, event, state)
    if unmet:
        return Decision(Action.SUPPRESS, rule, event, Reason.CONDITION, unmet)
    if not state.consent.allows(rule.consent):
        return Decision(Action.SUPPRESS, rule, event, Reason.NO_CONSENT, f"needs consent {rule.consent}")
    if _already_known(known, state.known):
        return Decision(Action.SUPPRESS, rule, event, Reason.ALREADY_KNOWN, "the GP already has this")
    action = Action.DIGEST if rule.delivery is Delivery.DIGEST else Action.SEND
    return Decision(action, rule, event, known=known)


def check_predicates(rules: RuleSet) -> list[str]:
    """Names used under ``when:`` that no predicate implements (empty when the rules are sound)."""
    return sorted({name for rule in rules.rules for name, _ in rule.when if name not in PREDICATES})


def decide(
    event: FeedbackEvent, state: FeedbackState, rules: RuleSet
) -> tuple[FeedbackState, list[Decision]]:
    """The new state and one decision per triggered rule (none when no rule listens to the event)."""
    after = apply_event(state, event)
    decisions = [decide_rule(rule, event, after) for rule in rules.for_event(event.kind)]
    for decision in decisions:
        if decision.action is Action.SEND:
            after = after.remember(dict(decision.known))
    return after, decisions
