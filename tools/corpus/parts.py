"""``samband corpus --out DIR``: writes the scenario chains (domain.md §5) with synthetic persons.

``WRITERS`` is a plain dict, part name → writer; each writes under ``DIR/<part>/``. The ip-export
part holds one folder per scenario and step: the export as the IP tool would send it, the FHIR
Bundle the gateway makes of it, and the change events (or the coded refusal) it gives. The
messages, referrals and feedback parts come from one run of the KE loop through a real gateway
(``tools.corpus.loop``): the Hodemeldinger it took in, the identification flags with its answers, and
the GP messages its feedback rules produced. ``DIR/README.md`` describes what was written.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from samband.adapters.fhir import serialize_bundle
from samband.adapters.formats import read_envelope
from samband.mappings.base import fixed_context
from samband.mappings.iplan_fhir import to_fhir
from tools.corpus import loop as corpus_loop
from tools.corpus.readme import readme
from tools.scenarios import all_steps
from tools.scenarios import feedback as scenarios
from tools.scenarios.replay import Outcome, replay

EXIT_OK = 0


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def step_files(outcome: Outcome) -> dict[str, bytes]:
    """The files of one chain step: ``export.json|xml``, ``fhir.json``, ``events.json`` or ``error.json``."""
    step = outcome.step
    files = {f"export.{step.encoding}": outcome.document}
    meta: dict[str, Any] = {"scenario": step.scenario, "step": step.name, "previous": step.previous}
    if step.note:
        meta["note"] = step.note
    if outcome.error is not None:
        files["error.json"] = _json(outcome.error.as_dict())
        meta["error"] = outcome.error.code
    else:
        files["events.json"] = _json([event.as_dict() for event in outcome.events])
        files["fhir.json"] = serialize_bundle(to_fhir(step.export, fixed_context()).result)
    files["step.json"] = _json(meta)
    return files


def write_ip_chains(out: Path) -> list[Path]:
    """Every ip-export scenario step under ``out/<scenario>/<step>/``; returns the files written."""
    written = []
    for outcome in replay(all_steps()):
        folder = out / outcome.step.scenario / outcome.step.name
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in step_files(outcome).items():
            (folder / name).write_bytes(data)
            written.append(folder / name)
    return written


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def _numbered(folder: Path, messages: list[bytes]) -> list[Path]:
    """``NN-<MsgInfo/Type>.xml`` (an AppRec: ``NN-APPREC.xml``) in the order the messages passed."""
    return [
        _write(folder, f"{n:02d}-{read_envelope(raw)[1].msg_type or 'APPREC'}.xml", raw)
        for n, raw in enumerate(messages, start=1)
    ]


@functools.cache
def _loop() -> corpus_loop.LoopResult:
    """The KE loop, run once per process, with a progress bar on stderr while it runs."""
    chains = scenarios.chain()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("KE loop through the gateway", total=len(chains))
        return corpus_loop.run_loop(lambda scenario: progress.advance(task))


def variants() -> dict[str, list[bytes]]:
    """Further messages of the §5 chains and their variants, kept out of the run (see README)."""
    return {
        "s02-gp-answer": [
            scenarios.gp_answer("5", "Svar på forespørsel", "Legemiddelliste og diagnoser vedlagt"),
            scenarios.gp_answer("4", "Krever pasientens samtykke", "Trenger samtykke før jeg sender"),
        ],
        "s08-hospital": [
            scenarios.hospital_message("LOG_UTSKRIVNINGSKLAR", "3", "2026-05-08T09:00:00+02:00"),
        ],
        "s10-closure": [scenarios.gp_avvik("Ikke min pasient")],
    }


def write_messages(out: Path) -> list[Path]:
    """The Hodemeldinger the run took in, per scenario; ``variants/`` holds the ones it left out."""
    written = []
    for scenario, messages in _loop().inbound.items():
        written += _numbered(out / scenario, messages)
    for scenario, messages in variants().items():
        written += _numbered(out / scenario / "variants", messages)
    return written


def write_referrals(out: Path) -> list[Path]:
    """The identification flags of scenario 1 and what the gateway answered to each."""
    written = []
    for name, (flag, answer) in _loop().flags.items():
        folder = out / "s01-referral" / ("" if name == "referred" else name)
        written += [_write(folder, "flag.json", _json(flag)), _write(folder, "answer.json", _json(answer))]
    return written


def write_feedback(out: Path) -> list[Path]:
    """The GP messages the feedback rules produced, per scenario (as tests/golden/feedback)."""
    written = []
    for scenario, messages in _loop().feedback.items():
        written += _numbered(out / scenario, messages)
    return written


WRITERS: dict[str, Callable[[Path], list[Path]]] = {
    "ip-export": write_ip_chains,
    "messages": write_messages,
    "referrals": write_referrals,
    "feedback": write_feedback,
}


def run_corpus(out: Path) -> int:
    """Write every part of the corpus under ``out``; returns the exit code (0)."""
    total = 0
    for part, writer in WRITERS.items():
        files = writer(out / part)
        total += len(files)
        sys.stderr.write(f"{part}: {len(files)} file(s) under {out / part}\n")
    (out / "README.md").write_text(readme(out), encoding="utf-8")
    sys.stderr.write(f"corpus: {total} file(s) written to {out}\n")
    return EXIT_OK
