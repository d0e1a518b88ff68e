"""How each golden direction turns its input into output: a plain dict, direction → runner.

A direction is a folder ``tests/golden/<from>_to_<to>/``; to plug a new one in, add one line to
``RUNNERS``. A runner gets the input bytes and returns the output bytes, their suffix (``.json`` or
``.xml``) and the issues as ``code path`` lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from samband.adapters.fhir import serialize_bundle
from samband.kernel.problems import Problem
from samband.mappings.base import fixed_context
from samband.mappings.pivot import from_fhir, to_fhir

Output = tuple[bytes, list[str]]


@dataclass(frozen=True)
class Runner:
    run: Callable[[bytes], Output]
    suffix: str


def issue_lines(issues: list[Problem]) -> list[str]:
    return [f"{issue.code} {issue.path}" for issue in issues]


def _to_fhir(raw: bytes) -> Output:
    done = to_fhir(raw, fixed_context())
    return serialize_bundle(done.result), issue_lines(done.issues)


def _from_fhir(target: str) -> Callable[[bytes], Output]:
    def run(raw: bytes) -> Output:
        done = from_fhir(json.loads(raw), target, fixed_context())
        return done.result, issue_lines(done.issues)

    return run


def _iplan_to_fhir(raw: bytes) -> Output:
    from samband.mappings.iplan_fhir.facade import ip_export_to_fhir

    done = ip_export_to_fhir(raw, fixed_context())
    return done.result, issue_lines(done.issues)


RUNNERS: dict[str, Runner] = {
    "plo_to_fhir": Runner(_to_fhir, ".json"),
    "dialog_to_fhir": Runner(_to_fhir, ".json"),
    "fhir_to_plo": Runner(_from_fhir("plo"), ".xml"),
    "fhir_to_dialog": Runner(_from_fhir("dialogmelding"), ".xml"),
    "iplan_to_fhir": Runner(_iplan_to_fhir, ".json"),
}
