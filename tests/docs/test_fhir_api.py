"""docs/fhir-api.md matches the code: the types it says are served and the search parameters of each
type in its table are those of the registry the store and /fhir/metadata use."""

from __future__ import annotations

import re
from pathlib import Path

from samband.gateway.store.fhir_params import RESOURCE_TYPES, SEARCH_PARAMS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "fhir-api.md").read_text(encoding="utf-8")


def test_the_served_types_are_those_of_the_registry() -> None:
    listed = re.search(r"Types served: (.*?) \(another type", DOC, re.S)
    assert listed is not None
    named = {t.strip() for t in " ".join(listed.group(1).split()).split(",")}
    assert named == RESOURCE_TYPES


def test_each_tables_parameters_are_those_of_the_type() -> None:
    rows = re.findall(r"^\| (\w+) \| (`[^|]*`.*?) \|$", DOC, re.M)
    checked = 0
    for rtype, cell in rows:
        if rtype in SEARCH_PARAMS:
            assert set(re.findall(r"`([\w-]+)`", cell)) == set(SEARCH_PARAMS[rtype]), rtype
            checked += 1
    assert checked >= 4
