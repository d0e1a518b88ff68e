"""Every official PLO 1.6 and Dialogmelding 1.0 receive test message through `samband validate`.

The answer each must get is its row in the case catalogue (``gateway/acceptance/cases.yaml``, read by
``expectation_for``): refuse → an error whose refusal carries the row's AppRec error code (8221);
warn → the row's warning and no error; accept → no error. Stateful cases (duplicates, changes,
cancellations, copy receiver, unknown receiver) depend on what the running service knows and are
checked through the service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.adapters.formats import rejection
from samband.gateway.acceptance.cases import Expectation, expectation_for
from samband.gateway.cli.validate import validate_file
from samband.kernel.errors import reply_for
from samband.kernel.formats import Format
from samband.kernel.problems import Problem, Severity
from tests.conftest import REFERENCE

CASES = REFERENCE / "acceptance" / "cases"
FILES = sorted([*CASES.glob("plo-1_6/*/*.xml"), *CASES.glob("dialogmelding-1_0/*/*.xml")])


def _row(path: Path) -> object:
    return pytest.param(path, id=str(path.relative_to(CASES)))


def _line(problem: Problem) -> str:
    return f"  {problem.severity} {problem.code} {problem.path or '-'} {problem.text}"


def _verdict(expected: Expectation, kind: Format | None, findings: list[Problem]) -> str | None:
    """None when ``findings`` give the expected answer, else what went wrong."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if expected.verdict != "refuse":
        if errors:
            return "refused, expected to be taken in"
        warned = {f.code for f in findings if f.severity is Severity.WARNING}
        if expected.verdict == "warn" and expected.code not in warned:
            return f"taken in without the warning {expected.code}"
        return None
    refused = rejection(kind or Format.MSGHEAD, findings)
    if refused is None:
        return "taken in, expected a refusal"
    reply = reply_for(refused)
    got = f"{reply.apprec_status}/{reply.apprec_error}"
    if got != f"{expected.apprec_status}/{expected.error_code}":
        return f"refused as {refused.code} with AppRec {got}"
    return None


def test_every_official_receive_test_message_is_here() -> None:
    assert len(FILES) == 176


@pytest.mark.parametrize("path", [_row(path) for path in FILES])
def test_validate_gives_the_answer_the_documents_require(path: Path) -> None:
    expected = expectation_for(path)
    assert expected is not None, f"{path}: no row in the case catalogue"
    if expected.stateful:
        pytest.skip(f"{expected.case} is stateful: checked through the service")
    result = validate_file(path)
    wrong = _verdict(expected, result.kind, result.findings)
    assert wrong is None, "\n".join(
        [
            f"{path.relative_to(CASES)}: {wrong}",
            f"  expected {expected.verdict} (AppRec {expected.apprec_status}/{expected.error_code},"
            f" {expected.code or '-'}) for {expected.case}: {expected.requirement}",
            "  findings:",
            *[_line(problem) for problem in result.findings],
        ]
    )


@pytest.mark.parametrize("path", [_row(path) for path in FILES])
def test_a_stateful_case_passes_validate_for_the_service_to_judge(path: Path) -> None:
    expected = expectation_for(path)
    assert expected is not None
    if not expected.stateful:
        pytest.skip(f"{expected.case} is stateless: checked above")
    errors = [f for f in validate_file(path).findings if f.severity is Severity.ERROR]
    assert errors == [], "\n".join([f"{path.relative_to(CASES)}: refused before the service could judge it"])
