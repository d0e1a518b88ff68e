"""The pinned manifest of official XSDs: it covers the reference folder exactly, each URL is a file of a
public repository at a pinned commit, and only the three documented files are rewritten."""

from __future__ import annotations

import re

import pytest

from samband.adapters.xml.official import State, check, manifest
from tests.conftest import XSD_DIR

PINNED_URL = re.compile(r"^https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/[\w./-]+\.xsd$")


def test_the_manifest_pins_every_reference_xsd_with_its_hash() -> None:
    if not XSD_DIR.is_dir():
        pytest.skip(f"reference XSDs not found at {XSD_DIR}")
    on_disk = sorted(p.relative_to(XSD_DIR).as_posix() for p in XSD_DIR.rglob("*.xsd"))
    assert sorted(entry.path for entry in manifest()) == on_disk
    found = check(XSD_DIR)
    assert found.ok, {path: state for path, state in found.states.items() if state is not State.INSTALLED}
    assert found.problem() is None


def test_every_file_is_published_at_a_pinned_commit() -> None:
    for entry in manifest():
        assert PINNED_URL.match(entry.url), entry.url
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), entry.path


def test_only_the_three_documented_files_are_localised() -> None:
    localised = {entry.path: [r.to for r in entry.localise] for entry in manifest() if entry.localise}
    assert localised == {
        "msghead/MsgHead-v1_2.xsd": ["xmldsig-core-schema.xsd"],
        "apprec/AppRec-v1.1.xsd": ["kith.xsd"],
        "dialogmelding/dialogmelding-v1.1.xsd": ["kith.xsd", "felleskomponent1.xsd"],
    }
