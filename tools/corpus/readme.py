"""``DIR/README.md`` of ``samband corpus``: the ten chains (domain.md §5), scenario by scenario, with
the files written for each and what they show. Built from the folders as written.
"""

from __future__ import annotations

from pathlib import Path

SCENARIOS = {
    "s01-referral": (
        "Flag → referral → acknowledgement",
        "Medrave4 flags Kari Nordmann (72); she wants a team, so Dr. Liv Berg's flag becomes a "
        "MEDISINSKE_OPPLYSNINGER headed «Oppfølgingsteam» to KE Steinkjer (Saksbehandling), which "
        "answers with an AppRec; a declined flag never leaves the GP office. KE registers the case "
        "and the GP gets F1 (DIALOG_NOTAT).",
    ),
    "s02-gp-answer": (
        "KE asks, the GP answers",
        "Kari's consent is recorded in the plan: F4 DIALOG_NOTAT «endret samtykke». variants/: the "
        "GP's DIALOG_SVAR to KE's request (9069 code 5, an answer) and the code 4 variant «krever "
        "pasientens samtykke».",
    ),
    "s03-decision": (
        "Decision → Orientering om tjenestetilbud",
        "Hjemmesykepleie granted, praktisk bistand refused: F2 ORIENTERING_TJENESTETILBUD.",
    ),
    "s04-coordinator": (
        "Coordinator appointed",
        "Ola Hansen appointed, team by service and role: F3 ORIENTERING_TJENESTETILBUD + DIALOG_NOTAT.",
    ),
    "s05-ip-created": (
        "IP created with consent and PSFS baseline",
        "F4 DIALOG_NOTAT: the plan exists, its period and next revision (NAV-only content left "
        "out), then the day's digest of minor edits.",
    ),
    "s06-meeting": (
        "Meeting scheduled and held",
        "F6 summary after the teammøte the GP was not invited to, then F5 DIALOG_FORESPORSEL "
        "once she is invited (video); her written input comes back through the plan.",
    ),
    "s07-daily-digest": (
        "Minor edits → one digest",
        "A day of small plan edits gives one digest DIALOG_NOTAT, not one message per edit.",
    ),
    "s08-hospital": (
        "Hospital admission during follow-up",
        "Sykehuset Levanger's LOG_INNLAGT gives the coordinator a task; the team's meeting "
        "summaries, F7 ORIENTERING_TJENESTETILBUD for the increased home nursing after discharge "
        "and the day's digest. variants/: LOG_UTSKRIVNINGSKLAR.",
    ),
    "s09-barnekoordinator": (
        "Barnekoordinator for a child",
        "Emma Nilsen (9), barnekoordinator Nina Dahl, school, PPT, barnevern and NAV in the plan; "
        "team, coordinator and plan notes reach only Emma's GP (addressed as the plan gives the "
        "practice, since the Adresseregister does not list that GP). The adult-owner step is refused.",
    ),
    "s10-closure": (
        "Evaluation and closure",
        "The evaluation meeting's summary, F8 evaluation with PSFS baseline → now, F9 "
        "ORIENTERING_TJENESTETILBUD at closure. The negative ip-export steps (duplicate delivery, "
        "revision gap, consent withdrawn, reversed PSFS scale) are in ip-export/ only. variants/: "
        "DIALOG_AVVIK from a GP who got a message for the wrong patient.",
    ),
}
PARTS = {
    "ip-export": "the IP tool's exports by step: export.json|xml, fhir.json, events.json or error.json, "
    "step.json",
    "referrals": "the GP tool's identification flags (flag.json) and the gateway's answer (answer.json)",
    "messages": "the Hodemeldinger the gateway took in (NN-<MsgInfo/Type>.xml, in order: the referral as "
    "KE received it, hospital messages, every AppRec); variants/ holds further messages of the chain "
    "that the run leaves out",
    "feedback": "the GP messages the feedback rules produced (NN-<MsgInfo/Type>.xml); equal to "
    "tests/golden/feedback apart from MsgId and times",
}
HEADER = """# Samband scenario corpus

The ten end-to-end chains of the KE loop (domain.md §5), written by `samband corpus`. Every person,
national identity number and HER-id in it is synthetic. The messages, referrals and feedback parts
come from one run through a real gateway on a temporary SQLite store: flags to `/referrals`, the IP
tool's exports and the hospital's messages into the pipeline, the feedback job, and a positive AppRec
from the GP's EPJ for every message it got. Every XML file here is a schema-valid Hodemelding or
AppRec: `samband validate DIR/messages DIR/feedback` checks them.

Parts, one folder per scenario in each:

"""


def _files(out: Path, part: str, scenario: str) -> list[str]:
    folder = out / part / scenario
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(out)) for p in folder.rglob("*") if p.is_file())


def scenario_section(out: Path, scenario: str, title: str, shows: str) -> list[str]:
    lines = [f"## {scenario}: {title}", "", shows, ""]
    for part in PARTS:
        files = _files(out, part, scenario)
        if part == "ip-export" and files:
            steps = sorted({Path(f).parts[2] for f in files})
            lines.append(f"- `ip-export/{scenario}/`: steps {', '.join(steps)}")
        elif files:
            lines.append(f"- `{part}/`: " + ", ".join(f"`{Path(f).relative_to(part)}`" for f in files))
    return [*lines, ""]


def readme(out: Path) -> str:
    """The README text for the corpus written under ``out``."""
    lines = [HEADER.rstrip("\n"), ""]
    lines += [f"- `{part}/`: {text}" for part, text in PARTS.items()]
    lines.append("")
    for scenario, (title, shows) in SCENARIOS.items():
        lines += scenario_section(out, scenario, title, shows)
    return "\n".join(lines).rstrip("\n") + "\n"
