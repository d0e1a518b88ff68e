"""The patient as the coordinating unit (KE) reads it, in plain Norwegian: the plan, the team, what the
GP was told, and one timeline of who did what when (the IP tool's events, the gateway's messages, what
Samband sent or did not send and why). No internal keys: rule codes become the rule's name from
``rules.yaml``, event kinds, reasons and states their text from ``texts.yaml``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row

from samband.adapters.iplan.io import parse as parse_ip_export
from samband.adapters.iplan.model import IndividualPlan
from samband.adapters.iplan.model_parts import Participant
from samband.features.feedback.cases import sender_of
from samband.features.feedback.format import no_date
from samband.features.feedback.plan_view import case_facts
from samband.features.feedback.rules import RuleSet
from samband.features.feedback.store import case_rows, plan_of_patient
from samband.features.feedback.texts import Texts
from samband.features.feedback.timeline import APPREC
from samband.gateway.store.search import MAX_LIMIT, MessageQuery, search_messages
from samband.kernel.codes.lookup import display

SAMBAND = "Samband"
HIDDEN_KINDS = frozenset({"translation", "apprec", "ack", "duplicate", "feedback"})
"""Message kinds the KE does not need to read about: the feedback rows say what the GP got."""


def _at(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _entry(at: datetime | None, who: str, what: str, **more: Any) -> dict[str, Any]:
    return {"at": _at(at), "who": who, "what": what, **{k: v for k, v in more.items() if v}}


def _shown(value: Any) -> str | None:
    """A fact as text: a person or unit by name (and unit), a list item by its ``shown`` text."""
    if isinstance(value, dict):
        parts = [value.get("name") or value.get("shown"), value.get("unit")]
        return ", ".join(str(p) for p in parts if p) or None
    if isinstance(value, list):
        return "; ".join(s for s in (_shown(v) for v in value) if s) or None
    if value in (None, "", False, True):
        return None
    try:  # a date fact (2026-01-26) as the KE writes it (26.1.2026)
        return (
            no_date(date.fromisoformat(value)) if isinstance(value, str) and len(value) == 10 else str(value)
        )
    except ValueError:
        return str(value)


class Plain:
    """The texts and rules one overview is written with."""

    def __init__(self, rules: RuleSet, texts: Texts) -> None:
        self.rules = rules
        self.texts = texts

    def term(self, table: str, value: str | None) -> str | None:
        return self.texts.term(table, value)

    def rule(self, rule_id: str) -> str:
        """The rule's Norwegian name (``rules.yaml``); a rule no longer in the file by its number."""
        try:
            return self.rules.by_id(rule_id).name
        except KeyError:
            return f"regel {rule_id}"

    def details(self, facts: dict[str, Any]) -> str | None:
        labels: dict[str, str] = self.texts.vocabulary["event_facts"]
        parts = []
        for name, label in labels.items():
            shown = _shown(facts.get(name))
            if shown:
                parts.append(f"{label}: {shown}" if label else shown)
        return "; ".join(parts) or None

    def event(self, r: Row[Any]) -> dict[str, Any]:
        who = self.term("event_sources", r.source) or r.source
        what = self.term("event_kinds", r.kind) or r.kind
        return _entry(r.at, who[:1].upper() + who[1:], what, detail=self.details(r.facts or {}))

    def decision(self, r: Row[Any]) -> dict[str, Any]:
        name = f"«{self.rule(r.rule_id)}»"
        state = self.term("decision_status", r.status)
        if r.message_id:
            channel = self.term("channels", r.channel) or "melding"
            apprec = APPREC.get(r.message_status or "", r.message_status)
            what = f"Sendte {channel} til fastlegen: «{r.heading}»"
            return _entry(
                r.created_at, SAMBAND, what, state=self.term("apprec_state", apprec) or state,
                text=r.text, rule=name, message_id=r.message_id,
            )  # fmt: skip
        if r.reason:
            why = self.term("not_sent", r.reason)
            return _entry(r.created_at, SAMBAND, f"Sendte ikke {name} til fastlegen", detail=why, state=state)
        return _entry(r.created_at, SAMBAND, f"{name}: {state}", text=r.text if r.status == "task" else None)

    def alert(self, r: Row[Any]) -> dict[str, Any]:
        detail = r.detail or {}
        what = self.term("alert_kinds", r.kind) or r.kind
        rule = detail.get("rule")
        return _entry(
            r.created_at,
            SAMBAND,
            what,
            text=detail.get("text"),
            detail=f"«{self.rule(rule)}»" if rule else None,
        )

    def referral(self, r: Row[Any]) -> dict[str, Any]:
        what = "Sendte henvisningen til kommunen" if r.status == "sent" else "Henvisningen ble ikke sendt"
        return _entry(r.created_at, SAMBAND, what, message_id=r.message_id)

    def message(self, m: Any) -> dict[str, Any]:
        own = self.texts.vocabulary["message_types"].get(m.msg_type)
        kind = own or display("8279", m.msg_type or "") or m.msg_type or "ukjent type"
        state = self.term("message_status", m.status)
        if m.direction == "inbound":
            source = self.texts.vocabulary["event_sources"].get(m.format)
            her = f"HER-id {m.sender_her}" if m.sender_her else None
            who = f"{source} ({her})" if source and her else source or her or "ukjent avsender"
            who = who[:1].upper() + who[1:]
            return _entry(m.received_at, who, f"Melding mottatt: {kind}", state=state, message_id=m.id)
        to = f" til HER-id {m.receiver_her}" if m.receiver_her else ""
        return _entry(m.received_at, SAMBAND, f"Melding sendt{to}: {kind}", state=state, message_id=m.id)

    def participant(self, p: Participant) -> str:
        roles = ", ".join(self.term("roles", r) or r for r in p.roles)
        name = p.person.name if p.person else None
        return f"{name} ({roles}, {p.organization.name})" if name else f"{p.organization.name} ({roles})"

    def plan(self, plan: IndividualPlan, raw: bytes) -> dict[str, Any]:
        facts = case_facts(plan, self.texts, sender_of(parse_ip_export(raw, invariants=False)), None)
        contact = facts.coordinator
        return {
            "title": plan.title,
            "status": self.term("plan_status", plan.status),
            "start": _at(facts.plan_start),
            "end": _at(facts.plan_end),
            "next_revision": _at(facts.next_revision),
            "coordinator": ", ".join(x for x in (contact.name, contact.unit, contact.phone) if x)
            if contact
            else None,
            "goals": [
                {"text": g.text, "status": self.texts.goal_status.get(g.status, g.status)} for g in plan.goals
            ],
            "services": [
                {
                    "name": s.name,
                    "extent": s.extent_text,
                    "by": s.provided_by,
                    "from": _at(s.start),
                    "to": _at(s.end),
                }
                for s in facts.services
            ],
        }


def overview(conn: Connection, patient_id: str, rules: RuleSet, texts: Texts) -> dict[str, Any]:
    """Everything the gateway knows about the patient, for the KE; the timeline oldest first."""
    plain = Plain(rules, texts)
    rows = case_rows(conn, patient_id)
    total, found = search_messages(conn, MessageQuery(patient=patient_id, limit=MAX_LIMIT))
    entries = [plain.event(r) for r in rows["events"]] + [plain.referral(r) for r in rows["referrals"]]
    entries += [plain.decision(r) for r in rows["decisions"]] + [plain.alert(r) for r in rows["alerts"]]
    entries += [plain.message(m) for m in found if m.kind not in HIDDEN_KINDS]
    entries.sort(key=lambda e: e["at"] or "")
    raw = plan_of_patient(conn, patient_id)
    plan = parse_ip_export(raw, invariants=False).plan if raw else None
    sent = [e for e in entries if e["who"] == SAMBAND and e.get("rule") and e.get("message_id")]
    return {
        "patient": patient_id,
        "name": f"{plan.subject.name.given} {plan.subject.name.family}" if plan else None,
        "plan": plain.plan(plan, raw) if plan and raw else None,
        "team": [plain.participant(p) for p in plan.participants if p.active] if plan else [],
        "feedback": sent,
        "timeline": entries,
        "messages": {"total": total, "shown": len(found)},
    }
