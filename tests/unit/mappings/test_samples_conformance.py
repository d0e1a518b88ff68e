"""Every official PLO and Dialogmelding sample translates to a FHIR message Bundle that parses with
fhir.resources R4B and passes the profile rules; whatever is not mapped is listed as an issue.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.adapters.fhir import check_bundle, parse_bundle, write_bundle
from samband.adapters.msghead.parse import parse_msghead
from samband.kernel.problems import Severity
from samband.mappings.base import fixed_context
from samband.mappings.registry import PAYLOAD_ROOTS, to_fhir
from tests.conftest import SAMPLES


def _translatable() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    found: list[Path] = []
    for path in sorted(SAMPLES.rglob("*.xml")):
        try:
            payload = parse_msghead(path.read_bytes()).payload
        except Exception:
            continue
        if payload is not None and payload.root in PAYLOAD_ROOTS:
            found.append(path)
    return found


SAMPLE_FILES = _translatable()


def test_every_plo_and_dialog_sample_is_found() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("reference samples not available")
    names = {p.parent.name for p in SAMPLE_FILES}
    assert {"1_5", "1_6"} <= names
    assert len(SAMPLE_FILES) >= 40


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_sample_translates_to_a_valid_bundle(path: Path) -> None:
    raw = path.read_bytes()
    done = to_fhir(raw, fixed_context())
    bundle = parse_bundle(done.result)
    hot = to_fhir(raw, fixed_context(validate=False))  # as the service runs it: no R4B models built
    assert write_bundle(hot.result) == write_bundle(done.result)
    assert hot.issues == done.issues
    assert bundle.type == "message"
    assert bundle.entry
    kinds = [e.resource.get_resource_type() for e in bundle.entry if e.resource is not None]
    assert kinds[0] == "MessageHeader"
    errors = [f for f in check_bundle(done.result) if f.severity is Severity.ERROR]
    assert errors == []
    assert "Provenance" in kinds
    assert ("Patient" in kinds) == (parse_msghead(raw).patient is not None)
    unmapped = [issue for issue in done.issues if issue.code == "mapping.not-mapped"]
    assert all((issue.path or "").startswith("/") for issue in unmapped)


@pytest.mark.parametrize("path", SAMPLE_FILES[:5], ids=lambda p: p.name)
def test_same_message_twice_gives_the_same_bundle(path: Path) -> None:
    raw = path.read_bytes()
    assert to_fhir(raw, fixed_context()).result == to_fhir(raw, fixed_context()).result
