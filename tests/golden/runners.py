"""How each golden direction turns its input into output: a plain dict, direction → runner.

A direction is a folder ``tests/golden/<from>_to_<to>/``; to plug a new one in, add one line to
``RUNNERS``. A runner gets the input bytes and returns the output bytes, their suffix (``.json`` or
``.xml``) and the issues as ``code path`` lines. Each runs one pair of the ``MAPPINGS`` registry;
``validate=False`` runs it as the service's hot path does (output not built as R4B models).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samband.kernel.formats import Format
from samband.kernel.problems import Problem
from samband.mappings.base import fixed_context
from samband.mappings.registry import MAPPINGS

Output = tuple[bytes, list[str]]


@dataclass(frozen=True)
class Runner:
    run: Callable[[bytes, bool], Output]
    suffix: str


def issue_lines(issues: list[Problem]) -> list[str]:
    return [f"{issue.code} {issue.path}" for issue in issues]


def _pair(source: Format, target: Format) -> Callable[[bytes, bool], Output]:
    def run(raw: bytes, validate: bool = True) -> Output:
        done = MAPPINGS[(source, target)].translate(raw, fixed_context(validate=validate))
        return done.result, issue_lines(done.issues)

    return run


RUNNERS: dict[str, Runner] = {
    "plo_to_fhir": Runner(_pair(Format.PLO, Format.FHIR), ".json"),
    "dialog_to_fhir": Runner(_pair(Format.DIALOGMELDING, Format.FHIR), ".json"),
    "fhir_to_plo": Runner(_pair(Format.FHIR, Format.PLO), ".xml"),
    "fhir_to_dialog": Runner(_pair(Format.FHIR, Format.DIALOGMELDING), ".xml"),
    "iplan_to_fhir": Runner(_pair(Format.IP_EXPORT, Format.FHIR), ".json"),
}
