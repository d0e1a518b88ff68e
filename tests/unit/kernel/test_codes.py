"""Code tables are data with source and version; an unknown code is an issue, never a crash."""

from __future__ import annotations

import pytest

from samband.kernel.codes import lookup
from samband.kernel.problems import Severity
from samband.mappings.common.state import check_code

REQUIRED = {"7309", "7321", "8116", "8221", "8258", "8279", "9034", "9051", "9151"}


def test_the_issue_tables_are_present_with_source_and_version() -> None:
    tables = lookup.tables()
    assert set(tables) >= REQUIRED
    for table in tables.values():
        assert table.source and table.version and table.codes, table.id
        assert table.oid == f"2.16.578.1.12.4.1.1.{table.id}"


def test_known_code_has_a_display_and_no_issue() -> None:
    assert lookup.display("9151", "15") == "[Hjemmetjenester:] Helsetjenester i hjemmet"
    assert check_code("7309", "C", "/x") is None


def test_unknown_code_is_a_warning_issue_with_the_path() -> None:
    issue = check_code("9151", "999", "/OrienteringOmTjenestetilbud/EksisterendeTjeneste/IPLOStjenestetype")
    assert issue is not None
    assert issue.code == "code.unknown"
    assert issue.severity is Severity.WARNING
    assert issue.path is not None and issue.path.endswith("IPLOStjenestetype")
    assert "999" in issue.text and "9151" in issue.text and issue.text_no


def test_code_systems_outside_the_folder_are_not_judged() -> None:
    assert check_code("7110", "I50", "/x") is None
    assert lookup.display("7110", "I50") is None


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("urn:oid:2.16.578.1.12.4.1.1.9151", "9151"),
        ("2.16.578.1.12.4.1.1.8116", "8116"),
        ("http://loinc.org", None),
        (None, None),
    ],
)
def test_table_id_of_reads_urn_oid_and_bare_oids(system: str | None, expected: str | None) -> None:
    assert lookup.table_id_of(system) == expected


def test_fhir_translations_go_both_ways() -> None:
    assert lookup.to_fhir_code("3101", "2") == "female"
    assert lookup.from_fhir_code("3101", "male") == "1"
    assert lookup.from_fhir_code("9061", "mobile") == "MC"
