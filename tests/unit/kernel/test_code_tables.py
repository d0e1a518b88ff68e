"""A code table that claims to be complete knows every code the official samples, the Helsenorge samples
and the acceptance test messages use for the fields it codes (``S`` naming the table, or an element
listed in ``fields``: MsgInfo/Type, RoleToPatient, TypeHealthcareProfessional, Forsendelsesstatus,
AppRec/Error …), the broken test messages included, and every code of the published list it cites."""

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
# Written out here from the published lists (not read from the tables), so a code dropped from a
# table fails: 7309 (HIS 80704 and the e-helse display file of 2016), 9060 (edition 2018-10-15 and the
# codes added since), 9034 (edition 2018-10-15), 8279: its Helsenorge digital-dialog types (edition
# 2018-10-15) and the message types the PLO and Dialogmelding acceptance documents name.
PUBLISHED: dict[str, set[str]] = {
    "7309": set("NMCAHOX"),
    "8221": PUBLISHED_8221,
    "9060": {
        *("AA", "AT", "AU", "BI", "ET", "FA1", "FA2", "FB", "FO", "FT", "HE", "HF", "HP", "JO", "KE", "KI"),
        *("LE", "MT", "NP", "OA", "OI", "OP", "OR", "OS", "PE", "PM", "PS", "RA", "SP", "TH", "TL", "TP"),
        *("TT", "VE", "VP", "XX"),
    },
    "9034": {str(code) for code in range(3, 24)},
    "8279": {
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("AVTALEUTSENDING", "DIGITALBRUKER", "EKONSULTASJON")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("EKONTAKT", "FINN_DOKUMENTER", "HELSEPERSONELL")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("HELSEREGISTER", "HENT_BEHANDLER", "HENT_DOKUMENTER")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("HL7_DOKUMENTNOTIFIKASJON", "HREG_INNSYN_BRUK")),
        *(f"DIALOG_INNBYGGER_HREG_{kind}" for kind in ("INNSYN_HELSEOPPLYSNINGER", "INNSYN_UTLEVERING")),
        *(f"DIALOG_INNBYGGER_HREG_{kind}" for kind in ("MELDE_FEIL", "OPPFORING", "SLETTING_ELLER_SPERRING")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("KOORDINATOR", "MELDINGSFORMIDLING", "RESEPTFORNYELSE")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("SAMTYKKE", "TEST", "TIMEONSKE", "TIMER")),
        *(f"DIALOG_INNBYGGER_{kind}" for kind in ("TIMERESERVASJON", "TJENESTEOVERSIKT")),
        *("HELSEOPPLYSNINGER_LEGE", "HELSEOPPL_SOKNAD", "INNLEGGELSESRAPPORT", "MEDISINSKE_OPPLYSNINGER"),
        *("FRAVARSMELDING", "ORIENTERING_TJENESTETILBUD", "UTSKRIVNINGSRAPPORT", "APPREC"),
        *("LOG_INNLAGT", "LOG_UTSKRIVNINGSKLAR", "LOG_AVMELDING", "LOG_UTSKREVET", "LOG_DOD"),
        *("DIALOG_FORESPORSEL", "DIALOG_SVAR", "DIALOG_NOTAT", "DIALOG_AVVIK", "DIALOG_HELSEFAGLIG"),
    },
}


def _documents() -> Iterator[tuple[Path, etree._ElementTree]]:
    """Every reference document; the test messages that are not well-formed on purpose are read with
    lxml's recovering parser, so the codes they carry count too."""
    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    lenient = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.xml")):
            try:
                yield path, etree.parse(str(path), strict)
            except etree.XMLSyntaxError:
                yield path, etree.parse(str(path), lenient)


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
    assert {"8279", "9034", "9060"} <= used


def test_the_payload_fields_of_the_acceptance_cases_and_helsenorge_samples_are_read() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("reference material not available")
    seen = {(table_id, code) for table_id, code, where in _codes_in_use() if "acceptance/" in where}
    assert {("9034", "1"), ("9060", "SP"), ("7309", "O"), ("8279", "DIALOG_FORESPORSEL")} <= seen
    helsenorge = {(t, c) for t, c, where in _codes_in_use() if "/helsenorge/" in where}
    expected = {("8279", "DIALOG_INNBYGGER_EKONTAKT"), ("8279", "DIALOG_INNBYGGER_TEST"), ("9034", "6")}
    assert expected <= helsenorge


@pytest.mark.parametrize("table_id", sorted(PUBLISHED))
def test_complete_tables_hold_their_published_list(table_id: str) -> None:
    table = lookup.table(table_id)
    assert table.complete, f"{table_id} cites a published list but does not claim completeness"
    missing = PUBLISHED[table_id] - set(table.codes)
    assert not missing, f"{table_id} ({table.version}) lacks published codes {sorted(missing)}"


def test_every_table_says_its_source_version_and_completeness() -> None:
    for table in lookup.tables().values():
        assert table.source and table.version, table.id
        assert isinstance(table.complete, bool), table.id
        assert table.oid == lookup.oid(table.id)


def test_forsendelsesstatus_and_apprec_errors_are_the_published_lists() -> None:
    assert {"N", "M", "C", "O", "X"} <= set(lookup.table("7309").codes)
    assert set(lookup.table("8221").codes) == PUBLISHED_8221
    assert lookup.table("7309").complete and lookup.table("8221").complete
