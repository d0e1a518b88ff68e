"""``samband corpus --out DIR``: writes the scenario chains (domain.md §5) with synthetic persons.

``WRITERS`` is a plain dict, part name → writer; each writes under ``DIR/<part>/``. The ip-export
part holds one folder per scenario and step: the export as the IP tool would send it, the FHIR
Bundle the gateway makes of it, and the change events (or the coded refusal) it gives.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.fhir import serialize_bundle
from adapters.iplan.scenarios import all_steps
from adapters.iplan.scenarios.replay import Outcome, replay
from mappings.base import fixed_context
from mappings.iplan_fhir import to_fhir

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


WRITERS: dict[str, Callable[[Path], list[Path]]] = {"ip-export": write_ip_chains}


def run_corpus(out: Path) -> int:
    """Write every part of the corpus under ``out``; returns the exit code (0)."""
    total = 0
    for part, writer in WRITERS.items():
        files = writer(out / part)
        total += len(files)
        sys.stderr.write(f"{part}: {len(files)} file(s) under {out / part}\n")
    sys.stderr.write(f"corpus: {total} file(s) written to {out}\n")
    return EXIT_OK
