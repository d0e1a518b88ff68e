"""The ten scenarios of domain.md §5 as golden chains: ``tests/golden/ip_chains/<scenario>/<step>/``.

Each step folder holds the export as an IP tool sends it (``export.json`` or ``export.xml``), the
FHIR Bundle it becomes (``fhir.json``), the change events against the previous step
(``events.json``) or the coded refusal (``error.json``), and ``step.json`` naming the previous step.
The test reads the export files as input and replays the chain; ``pytest --update-golden``
rewrites the folders from the scenario builders (``samband corpus`` writes the same files).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from samband.adapters.fhir import serialize_bundle
from samband.adapters.iplan import IpExport, parse
from samband.features.changes.detect import apply_delta, detect_changes
from samband.kernel.errors import ContractViolation
from samband.mappings.base import fixed_context
from samband.mappings.iplan_fhir import to_fhir
from tests.golden.compare import canonical_json, diff
from tools.corpus.parts import step_files, write_ip_chains
from tools.scenarios import all_steps
from tools.scenarios.replay import replay

HERE = Path(__file__).resolve().parent


def _folders() -> list[Path]:
    return sorted(p.parent for p in HERE.glob("*/*/step.json"))


def _meta(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "step.json").read_text(encoding="utf-8"))
    return data


def _document(folder: Path) -> bytes:
    [found] = sorted(folder.glob("export.*"))
    return found.read_bytes()


@functools.cache
def _state(key: str) -> IpExport | None:
    """The stored plan after step ``key``, rebuilt from the golden export files."""
    folder = HERE / key
    meta = _meta(folder)
    previous = _state(meta["previous"]) if meta["previous"] else None
    if "error" in meta:
        return previous
    export = parse(_document(folder))
    return apply_delta(previous, export) if previous is not None and export.export_kind == "delta" else export


def _same(actual: Any, expected_file: Path) -> None:
    actual_text = canonical_json(json.dumps(actual, ensure_ascii=False).encode("utf-8"))
    expected_text = canonical_json(expected_file.read_bytes())
    assert actual_text == expected_text, "\n" + diff(
        expected_text, actual_text, str(expected_file.relative_to(HERE))
    )


def test_every_scenario_is_a_chain(update_golden: bool) -> None:
    if update_golden:
        write_ip_chains(HERE)
    keys = {f"{p.parent.name}/{p.name}" for p in _folders()}
    assert keys == {s.key for s in all_steps()}
    assert {k.split("/")[0][:3] for k in keys} == {f"s{n:02d}" for n in range(1, 11)}


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chain_step(folder: Path) -> None:
    meta = _meta(folder)
    previous = _state(meta["previous"]) if meta["previous"] else None
    if "error" in meta:
        expected = json.loads((folder / "error.json").read_text(encoding="utf-8"))
        with pytest.raises(ContractViolation) as caught:
            detect_changes(previous, parse(_document(folder)))
        assert (caught.value.code, caught.value.where) == (expected["code"], expected["where"])
        assert caught.value.code == meta["error"]
        return
    export = parse(_document(folder))
    events = [e.as_dict() for e in detect_changes(previous, export)]
    _same(events, folder / "events.json")
    bundle = json.loads(serialize_bundle(to_fhir(export, fixed_context()).result))
    _same(bundle, folder / "fhir.json")


@pytest.mark.parametrize("outcome", replay(all_steps()), ids=lambda o: o.step.key)
def test_scenario_builders_still_write_the_golden_exports(outcome: Any) -> None:
    folder = HERE / outcome.step.key
    for name, data in step_files(outcome).items():
        if name.startswith("export."):
            assert (folder / name).read_bytes() == data, (
                f"{folder / name} drifted; run pytest --update-golden"
            )
