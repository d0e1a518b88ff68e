"""The patient page for the KE: the KE loop's first chains run through a real gateway (SQLite), then
the overview says who did what when in plain Norwegian, with the plan, the team and what the GP got,
and none of the engine's internal keys (rule ids, event kinds, reason codes, plan element ids).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from samband.features.feedback.engine import Reason
from samband.features.feedback.events import EventKind
from samband.features.feedback.overview import overview
from samband.features.feedback.rules import load_rules
from samband.features.feedback.texts import load_texts
from tools.corpus.loop import Chain, start_chain
from tools.scenarios import people as p
from tools.scenarios.feedback import chain, flag

INTERNAL = ("F3N", "F1", "condition-not-met", "already-known", "member.added", "p-berg", "sampro-ip-4711@")


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    run = start_chain(tmp_path_factory.mktemp("overview"))
    run.post_flag(flag())
    run.run()
    for name in ("s01-referral", "s02-gp-answer", "s03-decision", "s04-coordinator"):
        for step in chain()[name]:
            run.post_export(step)
        run.end_of_day()
    yield run
    run.svc.engine.dispose()


@pytest.fixture(scope="module")
def page(loop: Chain) -> dict[str, Any]:
    with loop.svc.engine.begin() as conn:
        return overview(conn, p.KARI_FNR, loop.fb.rules, loop.fb.texts)


def test_the_overview_says_who_did_what_in_plain_norwegian(page: dict[str, Any]) -> None:
    lines = [(e["who"], e["what"], e.get("detail"), e.get("state")) for e in page["timeline"]]
    assert ("Fastlegen (henvisning)", "Fastlegen henviste pasienten til oppfølgingsteam", None, None) in lines
    assert ("IP-verktøyet", "Ny deltaker i teamet", "Liv Berg (fastlege, Sentrum legekontor)", None) in lines
    assert (
        "Samband",
        "Sendte ikke «Oppfølgingsteam etablert eller endret» til fastlegen",
        "vilkåret for meldingen er ikke oppfylt ennå",
        "ikke sendt",
    ) in lines
    decided = [e for e in page["timeline"] if e["what"] == "Vedtak om tjenester er fattet"]
    assert decided and decided[0]["detail"] == "Dato: 26.1.2026", "dates as the KE writes them"
    coordinator = [e for e in page["timeline"] if e["what"] == "Koordinator er oppnevnt"]
    assert coordinator and "Ola Hansen" in coordinator[0]["detail"]
    received = [e for e in page["timeline"] if e["what"] == "Melding mottatt: Eksport fra IP-verktøyet"]
    assert received and received[0]["state"] == "levert" and received[0]["message_id"]
    assert [e["at"] for e in page["timeline"]] == sorted(e["at"] for e in page["timeline"]), "oldest first"
    read = [{k: v for k, v in e.items() if k != "message_id"} for e in page["timeline"]]
    shown = json.dumps([read, page["plan"], page["team"]], ensure_ascii=False)
    for key in INTERNAL:
        assert key not in shown, f"{key} shown to the KE"


def test_the_overview_holds_the_plan_the_team_and_what_the_gp_was_sent(page: dict[str, Any]) -> None:
    assert page["name"] == "Kari Nordmann" and page["messages"]["total"] > 0
    plan = page["plan"]
    assert plan["coordinator"].startswith("Ola Hansen") and plan["status"] in {"utkast", "virksom"}
    assert "Liv Berg (fastlege, Sentrum legekontor)" in page["team"]
    headings = [e["what"] for e in page["feedback"]]
    assert "Sendte notat til fastlegen: «Oppfølgingsteam: henvendelsen er registrert»" in headings
    first = page["feedback"][0]
    assert first["rule"] == "«Henvendelse registrert»" and first["state"] == "kvittert OK av fastlegen"
    assert "Gjelder: Kari Nordmann" in first["text"]


def test_a_patient_the_gateway_does_not_know_has_an_empty_overview(loop: Chain) -> None:
    with loop.svc.engine.begin() as conn:
        page = overview(conn, "01010100000", loop.fb.rules, loop.fb.texts)
    assert page["timeline"] == [] and page["plan"] is None and page["messages"]["total"] == 0


def test_every_event_reason_and_rule_has_its_norwegian_text() -> None:
    texts, rules = load_texts(), load_rules()
    for table, codes in (
        ("event_kinds", [k.value for k in EventKind]),
        ("not_sent", [r.value for r in Reason]),
    ):
        missing = [c for c in codes if c not in texts.vocabulary[table]]
        assert not missing, f"texts.yaml {table} lacks {missing}"
    assert all(r.name and r.name != r.id for r in rules.rules)
