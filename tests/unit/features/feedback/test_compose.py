"""Composing the GP's text: heading, copyable lines, the coordinator's contact, nothing outside consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from samband.features.feedback.compose import GpMessage, compose
from samband.features.feedback.engine import decide
from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import Channel, load_rules
from samband.features.feedback.state import ConsentState
from samband.features.feedback.texts import load_texts
from tests.unit.features.feedback.helpers import case, event, state

RULES = load_rules()
TEXTS = load_texts()


def message(kind: EventKind, rule: str, consent: ConsentState | None = None, **facts: Any) -> GpMessage:
    st = state() if consent is None else state(consent.gp_feedback, consent.plan_content)
    after, decisions = decide(event(kind, **facts), st, RULES)
    [chosen] = [d for d in decisions if d.rule.id == rule]
    return compose(chosen, case(), TEXTS, after.consent)


def test_team_message_names_health_staff_and_shows_nav_as_a_service() -> None:
    m = message(EventKind.COORDINATOR_APPOINTED, "F3N", coordinator_id="p-ola", team_established=True)
    assert m.heading == "Oppfølgingsteam: teamet er etablert eller endret"
    assert "- Ola Hansen (koordinator, Fysio- og ergoterapi)" in m.lines
    assert "- NAV Steinkjer (teammedlem)" in m.lines and "Per Lie" not in m.text
    assert "Kontakt: Ola Hansen (koordinator), Fysio- og ergoterapi." in m.lines
    assert "Tlf. +47 74000002." in m.lines
    assert m.lines[-1] == "Gjelder: Kari Nordmann, f. 12.4.1953."


def test_invitation_asks_the_gp_and_gives_an_answer_date() -> None:
    m = message(
        EventKind.MEETING_SCHEDULED,
        "F5",
        meeting_id="m",
        gp_invited=True,
        meeting_mode="video",
        answer_by=date(2026, 4, 5),
        meeting_agenda="Legemidler",
    )
    assert m.channel is Channel.DIALOG_FORESPORSEL and m.ask and m.answer_by == date(2026, 4, 5)
    assert "Møteform: video." in m.lines and "Svar innen 5.4.2026" in m.text
    assert "ingen handling" not in m.text


def test_the_consent_filter_removes_plan_content_whatever_the_rule() -> None:
    facts: dict[str, Any] = {
        "plan_id": "p",
        "plan_created_date": date(2026, 2, 10),
        "gp_scope": "mål, tiltak",
    }
    with_content = message(EventKind.PLAN_CREATED, "F4", **facts)
    assert "Du får innhold fra planen om: mål, tiltak." in with_content.lines
    without = message(EventKind.PLAN_CREATED, "F4", ConsentState(True, False), **facts)
    assert "mål, tiltak" not in without.text


def test_decision_lists_granted_and_rejected_services() -> None:
    from samband.features.feedback.facts import ServiceLine

    granted = ServiceLine("Hjemmesykepleie", extent_text="3 besøk per uke", start=date(2026, 2, 1))
    rejected = ServiceLine("Praktisk bistand", status="rejected", reason="Dekkes av hjemmesykepleien")
    m = message(
        EventKind.DECISION_MADE,
        "F2",
        decision_id="v1",
        decision_date=date(2026, 1, 26),
        granted=[granted],
        rejected=[rejected],
    )
    assert "Innvilget: Hjemmesykepleie, 3 besøk per uke, fra 1.2.2026." in m.lines
    assert "Avslått: Praktisk bistand. Begrunnelse: Dekkes av hjemmesykepleien" in m.lines
    assert [s.name for s in m.services] == ["Hjemmesykepleie", "Praktisk bistand"]
