"""Runs scenario steps the way the gateway would: encode, parse, detect changes, keep the state.

Each step goes through its own encoding (JSON or XML) and back before change detection, so a
chain exercises the adapter as well as the change detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from samband.adapters.iplan.io import parse, serialize_json, serialize_xml
from samband.adapters.iplan.model import IpExport
from samband.features.changes.detect import ChangeEvent, apply_delta, detect_changes
from samband.kernel.errors import ContractViolation
from tools.scenarios.build import Step


@dataclass
class Outcome:
    """What one step produced: the document bytes, the plan state after it, its events or its error."""

    step: Step
    document: bytes
    state: IpExport | None
    events: list[ChangeEvent] = field(default_factory=list)
    error: ContractViolation | None = None


def encode(step: Step) -> bytes:
    """The step's export in its encoding; a step that must be refused is written unchecked."""
    writer = serialize_xml if step.encoding == "xml" else serialize_json
    return writer(step.export, strict=step.error is None)


def replay(steps: Sequence[Step]) -> list[Outcome]:
    """Every step in order; a refused step keeps the state it would have followed."""
    states: dict[str, IpExport | None] = {}
    outcomes = []
    for step in steps:
        previous = states.get(step.previous) if step.previous else None
        document = encode(step)
        try:
            export = parse(document)
            events = detect_changes(previous, export)
        except ContractViolation as exc:
            outcomes.append(Outcome(step, document, previous, error=exc))
            states[step.key] = previous
            continue
        state = (
            apply_delta(previous, export)
            if previous is not None and export.export_kind == "delta"
            else export
        )
        states[step.key] = state
        outcomes.append(Outcome(step, document, state, events))
    return outcomes
