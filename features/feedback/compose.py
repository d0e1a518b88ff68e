"""Write the GP message for a decision: heading, short plain lines, contact, and what is asked.

Pure: ``compose(decision, facts, texts)`` → ``GpMessage``, a format-neutral message that
``features/feedback/render.py`` turns into a Dialogmelding 1.1 or PLO 1.6 Orientering om
tjenestetilbud inside a Hodemelding. The consent filter runs before any text is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from samband.features.feedback.batching import DigestLine
from samband.features.feedback.consent import filter_values
from samband.features.feedback.engine import Decision
from samband.features.feedback.facts import CaseFacts, PersonContact, ServiceLine
from samband.features.feedback.format import no_date, no_datetime, service_values
from samband.features.feedback.rules import Channel, Rule
from samband.features.feedback.state import ConsentState
from samband.features.feedback.texts import Texts, fill, render_lines


@dataclass(frozen=True)
class GpMessage:
    """One message to the GP, before it has a format: the rule, heading, text lines and contact.

    ``services`` feed PLO EksisterendeTjeneste; ``ask`` is what the GP is asked (a Forespørsel);
    ``event_keys`` link the message to the events it reports (timeline, idempotence).
    """

    rule_id: str
    channel: Channel
    patient_id: str
    heading: str
    lines: tuple[str, ...]
    contact: PersonContact | None
    services: tuple[ServiceLine, ...] = ()
    ask: str | None = None
    answer_by: date | None = None
    event_keys: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as the GP reads it: plain lines, copyable, no frames."""
        return "\n".join(self.lines)


def _contact_of(facts: CaseFacts) -> PersonContact | None:
    return facts.coordinator or facts.case_officer


def _person_values(prefix: str, person: PersonContact | None) -> dict[str, Any]:
    if person is None:
        return {}
    values = {
        "name": person.name,
        "role": person.role,
        "unit": person.unit,
        "phone": person.phone,
        "email": person.email,
        "her": person.her_id,
    }
    return {(f"{prefix}_{key}" if prefix else key): value for key, value in values.items()}


def base_values(facts: CaseFacts) -> dict[str, Any]:
    """Placeholder values every template may use, drawn from the case."""
    period = None
    if facts.plan_start:
        period = f"{no_date(facts.plan_start)}–{no_date(facts.plan_end) if facts.plan_end else 'løpende'}"
    return {
        "patient_name": facts.patient.name,
        "patient_birth": no_date(facts.patient.birth_date) if facts.patient.birth_date else None,
        "sender_name": facts.sender.name,
        "sender_unit": facts.sender.unit_name or facts.sender.name,
        **_person_values("coordinator", facts.coordinator),
        **_person_values("case_officer", facts.case_officer),
        **_person_values("contact", _contact_of(facts)),
        "team": [{"shown": entry.shown} for entry in facts.team],
        "plan_period": period,
        "next_revision": no_date(facts.next_revision) if facts.next_revision else None,
        "referral_msg_id": facts.referral_msg_id,
        "referral_date": no_date(facts.referral_date) if facts.referral_date else None,
        "services": [service_values(s) for s in facts.services],
    }


def _event_value(value: Any) -> Any:
    if isinstance(value, PersonContact):
        return _person_values("", value)
    if isinstance(value, datetime):
        return no_datetime(value)
    if isinstance(value, date):
        return no_date(value)
    if isinstance(value, ServiceLine):
        return service_values(value)
    if isinstance(value, Mapping):
        return {k: _event_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_event_value(v) for v in value]
    return value


def event_values(facts_in_event: Mapping[str, Any], texts: Texts) -> dict[str, Any]:
    """The event's own facts, formatted; goal statuses and meeting modes in Norwegian."""
    values: dict[str, Any] = {}
    for name, value in facts_in_event.items():
        if isinstance(value, PersonContact):
            values |= _person_values(name, value)
        else:
            values[name] = _event_value(value)
    for goal in values.get("goals") or ():
        if isinstance(goal, dict) and "status" in goal:
            goal["status_text"] = texts.goal_status.get(str(goal["status"]), str(goal["status"]))
    if "meeting_mode" in values:
        values["meeting_mode"] = texts.meeting_mode.get(str(values["meeting_mode"]), values["meeting_mode"])
    return values


def _footer(values: Mapping[str, Any], texts: Texts) -> list[str]:
    contact = render_lines(texts.common["contact"], values)
    if not contact:
        contact = render_lines(texts.common["contact_fallback"], values)
    patient = fill(texts.common["patient"], values)
    return [*contact, *([patient] if patient else [])]


def _message(
    rule: Rule,
    facts: CaseFacts,
    values: Mapping[str, Any],
    lines: Sequence[str],
    keys: tuple[str, ...],
    texts: Texts,
) -> GpMessage:
    heading = fill(str(values["_heading"]), values) or rule.name
    ask = values.get("gp_question") if rule.channel is Channel.DIALOG_FORESPORSEL else None
    answer_by = values.get("answer_by_date")
    body = [*lines]
    if rule.channel is not Channel.DIALOG_FORESPORSEL and not values.get("gp_question"):
        body.append(str(values.get("_no_action", "")))
    body = [line for line in body if line]
    services = tuple(values.get("_service_lines") or facts.services)
    return GpMessage(
        rule_id=rule.id,
        channel=rule.channel,
        patient_id=facts.patient.ident,
        heading=heading,
        lines=(*body, *_footer(values, texts)),
        contact=_contact_of(facts),
        services=services,
        ask=str(ask) if ask else None,
        answer_by=answer_by if isinstance(answer_by, date) else None,
        event_keys=keys,
    )


def compose(decision: Decision, facts: CaseFacts, texts: Texts, consent: ConsentState) -> GpMessage:
    """The GP message for one ``send`` or ``task`` decision."""
    spec = texts.template(decision.rule.template)
    raw = {**base_values(facts), **event_values(decision.event.facts, texts)}
    values = filter_values(raw, consent, decision.rule.consent)
    values["_heading"] = spec.heading
    values["_no_action"] = texts.common["no_action"]
    values["answer_by_date"] = decision.event.facts.get("answer_by")
    values["_service_lines"] = _services_from_event(decision.event.facts) or facts.services
    if decision.rule.channel is Channel.DIALOG_FORESPORSEL and not values.get("gp_question"):
        values["gp_question"] = texts.common["default_question"]
    lines = render_lines(spec.lines, values)
    return _message(decision.rule, facts, values, lines, (decision.event.key,), texts)


def _services_from_event(event_facts: Mapping[str, Any]) -> tuple[ServiceLine, ...]:
    found: list[ServiceLine] = []
    for name in ("granted", "started", "changed", "remaining", "rejected", "ended"):
        found.extend(s for s in event_facts.get(name) or () if isinstance(s, ServiceLine))
    return tuple(found)


def digest_text(line: DigestLine, texts: Texts) -> str:
    """One digest line in Norwegian: what happened to the element, and the edit count when > 1."""
    template = texts.digest_kinds.get(line.kind.value, texts.digest_kinds["plan.edited"])
    text = fill(template, {"title": line.title}) or template.split(":")[0]
    if line.edits > 1:
        text += fill(texts.digest_kinds["edits_suffix"], {"edits": line.edits}) or ""
    return text


def compose_digest(
    rule: Rule, lines: Sequence[DigestLine], facts: CaseFacts, texts: Texts, on: date, keys: tuple[str, ...]
) -> GpMessage:
    """The daily digest for one patient (rule D1): one line per plan element."""
    spec = texts.template(rule.template)
    values: dict[str, Any] = {
        **base_values(facts),
        "digest_date": no_date(on),
        "lines": [digest_text(line, texts) for line in lines],
        "_heading": spec.heading,
        "_no_action": texts.common["no_action"],
    }
    body = render_lines(spec.lines, values)
    return _message(rule, facts, values, body, keys, texts)
