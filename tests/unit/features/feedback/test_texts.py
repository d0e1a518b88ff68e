"""Texts as data: a line with an unknown placeholder is left out; ``each`` and ``if`` lines."""

from __future__ import annotations

from samband.features.feedback.texts import fill, load_texts, render_lines


def test_a_line_with_a_missing_value_is_left_out_not_left_blank() -> None:
    assert fill("Tlf. $phone.", {"phone": "74000002"}) == "Tlf. 74000002."
    assert fill("Tlf. $phone.", {}) is None
    assert fill("Tlf. $phone.", {"phone": None}) is None


def test_each_and_if_lines() -> None:
    spec = ["Start.", {"if": "team", "line": "Teamet:"}, {"each": "team", "line": "- $shown"}]
    assert render_lines(spec, {"team": [{"shown": "Ola"}, {"shown": "NAV"}]}) == [
        "Start.",
        "Teamet:",
        "- Ola",
        "- NAV",
    ]
    assert render_lines(spec, {"team": []}) == ["Start."]


def test_every_template_has_a_heading_and_lines() -> None:
    texts = load_texts()
    for name, template in texts.templates.items():
        assert template.heading and template.lines, name
    assert texts.term("roles", "paaroerende") == "pårørende"
    assert texts.term("closure_reason", "goals-achieved") == "målene er nådd"
