"""A code table that claims to be complete knows every code the official samples and acceptance test
messages use for the fields it codes (``S`` naming the table, or an element listed in ``fields``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from samband.kernel.codes import lookup
from tests.conftest import REFERENCE

SOURCES = (REFERENCE / "samples", REFERENCE / "acceptance" / "cases")
PUBLISHED_8221 = {
    *("T01", "T02", "T10", "T99", "S01", "S02", "S03", "S99", "E10", "E20", "E21"),
    *("E30", "E31", "E32", "E33", "E34", "E35", "E36", "E53", "E54", "X99"),
}


def _documents() -> Iterator[tuple[Path, etree._ElementTree]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.xml")):
            try:
                yield path, etree.parse(str(path), parser)
            except etree.XMLSyntaxError:
                continue  # the few test messages that are not well-formed on purpose


def _by_field() -> dict[str, str]:
    """Element (``Local`` or ``Parent/Local``) → the id of the table that codes it when S is absent."""
    return {name: table.id for table in lookup.tables().values() for name in table.fields}


def _table_of(element: etree._Element, fields: dict[str, str]) -> str | None:
    named = lookup.table_id_of(element.get("S"))
    if named is not None:
        return named
    local = etree.QName(element).localname
    parent = element.getparent()
    above = etree.QName(parent).localname if parent is not None else ""
    return fields.get(f"{above}/{local}") or fields.get(local)


def _codes_in_use() -> Iterator[tuple[str, str, str]]:
    """(table id, code, where) for every coded element of every reference document."""
    fields = _by_field()
    for path, tree in _documents():
        for element in tree.iter():
            value = element.get("V") if isinstance(element.tag, str) else None
            table_id = _table_of(element, fields) if value else None
            if table_id is not None and value is not None:
                yield table_id, value, f"{path.relative_to(REFERENCE)}:{element.sourceline}"


def test_complete_tables_know_every_code_the_reference_messages_use() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("reference material not available")
    tables = lookup.tables()
    missing = {
        (table_id, code, where)
        for table_id, code, where in _codes_in_use()
        if table_id in tables and tables[table_id].complete and code not in tables[table_id].codes
    }
    first = {(table_id, code): where for table_id, code, where in sorted(missing)}
    assert not first, "codes missing from tables that claim completeness:\n" + "\n".join(
        f"  {table_id} {code!r} (e.g. {where})" for (table_id, code), where in first.items()
    )


def test_the_reference_messages_exercise_the_complete_tables() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("reference material not available")
    used = {table_id for table_id, _code, _where in _codes_in_use()}
    assert {"3401", "7309", "8116", "8221", "8258", "9051", "9061", "9111", "9121", "9151"} <= used


def test_every_table_says_its_source_version_and_completeness() -> None:
    for table in lookup.tables().values():
        assert table.source and table.version, table.id
        assert isinstance(table.complete, bool), table.id
        assert table.oid == lookup.oid(table.id)


def test_forsendelsesstatus_and_apprec_errors_are_the_published_lists() -> None:
    assert {"N", "M", "C", "O", "X"} <= set(lookup.table("7309").codes)
    assert set(lookup.table("8221").codes) == PUBLISHED_8221
    assert lookup.table("7309").complete and lookup.table("8221").complete
