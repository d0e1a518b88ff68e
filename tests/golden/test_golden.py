"""Golden tests, discovered from folders: ``tests/golden/<from>_to_<to>/<case>/``.

Each case holds ``input.xml``/``input.json`` (or ``case.yaml`` with ``input:`` naming a file under
``tests/``), ``expected.json``/``expected.xml`` and ``issues.yaml`` (the expected issues as
``code path`` lines). Output is compared semantically and a diff is printed; ``pytest
--update-golden`` rewrites the expected files from the current output. Every FHIR output is
validated against the fhir.resources R4B models here, and the service's hot path (no models built)
must give the very same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from samband.adapters.fhir import parse_bundle
from tests.golden.compare import canonical, diff
from tests.golden.runners import RUNNERS

GOLDEN = Path(__file__).resolve().parent
TESTS = GOLDEN.parent


def _cases() -> list[Path]:
    """Every case folder; directions into FHIR first, since cases out of FHIR may read their output."""
    directions = sorted((d for d in GOLDEN.iterdir() if d.is_dir() and "_to_" in d.name), key=_order)
    return [case for d in directions for case in sorted(d.iterdir()) if case.is_dir()]


def _order(direction: Path) -> tuple[bool, str]:
    return (not direction.name.endswith("_to_fhir"), direction.name)


def _input(case: Path) -> Path:
    spec = case / "case.yaml"
    if spec.is_file():
        return TESTS / str(yaml.safe_load(spec.read_text(encoding="utf-8"))["input"])
    found = sorted(case.glob("input.*"))
    if not found:
        raise FileNotFoundError(f"{case} has neither case.yaml nor input.*")
    return found[0]


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path, update_golden: bool) -> None:
    direction = case.parent.name
    assert direction in RUNNERS, f"no runner for {direction}: add it to tests/golden/runners.py"
    runner = RUNNERS[direction]
    raw = _input(case).read_bytes()
    output, issues = runner.run(raw, True)
    assert runner.run(raw, False) == (output, issues), "the hot path (no R4B models) wrote other bytes"
    if runner.suffix == ".json":
        parse_bundle(output)  # the output is valid FHIR R4 (R4B models), not only equal to the file
    expected_file = case / f"expected{runner.suffix}"
    issues_file = case / "issues.yaml"
    if update_golden or not expected_file.exists():
        expected_file.write_bytes(output)
        issues_file.write_text(yaml.safe_dump(issues, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{expected_file} did not exist; written from the current output, check it in")
    actual_text = canonical(output, runner.suffix)
    expected_text = canonical(expected_file.read_bytes(), runner.suffix)
    assert actual_text == expected_text, "\n" + diff(
        expected_text, actual_text, str(expected_file.relative_to(TESTS))
    )
    expected_issues = yaml.safe_load(issues_file.read_text(encoding="utf-8")) or []
    assert issues == expected_issues, "\n" + diff(
        "\n".join(expected_issues), "\n".join(issues), "issues.yaml"
    )
