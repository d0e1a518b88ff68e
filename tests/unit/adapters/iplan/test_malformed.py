"""Malformed input: each case is refused with its code and says where (JSON pointer, XPath and line)."""

from __future__ import annotations

from typing import Any

import pytest

from samband.adapters.iplan import parse_json, parse_xml, validate_iplan
from samband.kernel.errors import ContractViolation, ParseError, XmlRefused
from tests.unit.adapters.iplan.conftest import dump


def _refused(raw: bytes) -> ContractViolation:
    with pytest.raises(ContractViolation) as caught:
        parse_json(raw)
    return caught.value


def test_not_json_gives_line_and_column() -> None:
    error = _refused(b'{\n  "schemaVersion": "1.0",\n  "exportKind" full\n}')
    assert error.code == "ip-export.not-json"
    assert (error.line, error.column) == (3, 16)


def test_not_utf8_is_refused() -> None:
    error = _refused('{"schemaVersion": "1.0", "x": "bl\u00e5"}'.encode("latin-1"))
    assert error.code == "ip-export.encoding"


def test_missing_required_field_names_its_pointer(kari_json: dict[str, Any]) -> None:
    del kari_json["plan"]["measures"][1]["responsibleRef"]
    error = _refused(dump(kari_json))
    assert error.code == "ip-export.schema"
    assert error.where == "/plan/measures/1"
    assert "responsibleRef" in error.detail


def test_unknown_field_is_refused(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["participants"][0]["shoeSize"] = 42
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/participants/0")
    assert "shoeSize" in error.detail


def test_unknown_sector_lists_the_allowed_values(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["participants"][2]["sector"] = "helse"
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/participants/2/sector")
    assert "barnevern" in error.detail and "PPT" in error.detail


def test_national_id_with_wrong_length_fails_the_pattern(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["subject"]["nationalId"]["value"] = "1234"
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/subject/nationalId/value")


def test_psfs_score_above_ten_is_refused(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["psfsAssessments"][0]["items"][1]["score"] = 11
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/psfsAssessments/0/items/1/score")


def test_more_than_five_psfs_items_is_refused(kari_json: dict[str, Any]) -> None:
    item = kari_json["plan"]["psfsAssessments"][0]["items"][0]
    kari_json["plan"]["psfsAssessments"][0]["items"] = [dict(item, id=f"i{n}") for n in range(6)]
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/psfsAssessments/0/items")


def test_date_time_without_offset_is_refused(kari_json: dict[str, Any]) -> None:
    kari_json["generatedAt"] = "2026-02-10T10:17:00"
    assert _refused(dump(kari_json)).where == "/generatedAt"


def test_validate_lists_every_problem(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["participants"][2]["sector"] = "helse"
    kari_json["plan"]["psfsAssessments"][0]["items"][1]["score"] = -1
    findings = validate_iplan(dump(kari_json))
    assert [(f.code, f.path) for f in findings] == [
        ("ip-export.schema", "/plan/participants/2/sector"),
        ("ip-export.schema", "/plan/psfsAssessments/0/items/1/score"),
    ]


def test_xml_schema_error_gives_xpath_and_line(kari_xml: bytes) -> None:
    broken = kari_xml.replace(b"<sector>NAV</sector>", b"<sector>Arbeidsgiver</sector>", 1)
    with pytest.raises(ContractViolation) as caught:
        parse_xml(broken)
    error = caught.value
    assert error.code == "ip-export.schema"
    assert error.line == broken[: broken.index(b"Arbeidsgiver")].count(b"\n") + 1
    assert error.where is not None and "participant[" in error.where and error.where.endswith("sector")


def test_xml_missing_element_is_refused(kari_xml: bytes) -> None:
    start = kari_xml.index(b"<responsibleSector>")
    end = kari_xml.index(b"</responsibleSector>") + len(b"</responsibleSector>")
    with pytest.raises(ContractViolation) as caught:
        parse_xml(kari_xml[:start] + kari_xml[end:])
    assert caught.value.code == "ip-export.schema"
    assert "responsibleSector" in caught.value.detail


def test_xml_with_foreign_root_is_refused() -> None:
    with pytest.raises(ContractViolation) as caught:
        parse_xml(b'<IndividualPlanExport xmlns="urn:example:other"/>')
    assert caught.value.code == "ip-export.schema"
    assert "urn:no:samband:ip-export:1" in caught.value.detail


def test_xml_not_well_formed_is_a_parse_error(kari_xml: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_xml(kari_xml[:-40])
    assert caught.value.code == "xml.not-well-formed"
    assert caught.value.line is not None


def test_xml_with_dtd_is_refused_before_parsing() -> None:
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><IndividualPlanExport/>'
    with pytest.raises(XmlRefused):
        parse_xml(hostile)


def test_validate_reports_a_parse_error_as_a_finding() -> None:
    findings = validate_iplan(b"<IndividualPlanExport xmlns='urn:no:samband:ip-export:1'>")
    assert len(findings) == 1 and findings[0].code == "xml.not-well-formed"


def test_impossible_calendar_date_is_refused(kari_json: dict[str, Any]) -> None:
    kari_json["plan"]["planPeriod"]["end"] = "2027-02-30"
    error = _refused(dump(kari_json))
    assert (error.code, error.where) == ("ip-export.schema", "/plan/planPeriod/end")


def test_absurdly_deep_or_long_json_is_refused_not_crashed() -> None:
    for raw, code in (
        (b"[" * 100_000, "json.too-deep"),
        (b'{"revision": ' + b"9" * 5000 + b"}", "json.number-too-long"),
    ):
        with pytest.raises(ParseError) as caught:
            parse_json(raw)
        assert caught.value.code == code


def test_json_that_is_not_an_object_is_a_schema_error() -> None:
    error = _refused(b"[1, 2]")
    assert (error.code, error.where) == ("ip-export.schema", "/")


def test_json_findings_say_line_and_column(kari_json: dict[str, Any]) -> None:
    import json

    kari_json["plan"]["participants"][2]["sector"] = "helse"
    raw = json.dumps(kari_json, indent=2, ensure_ascii=False).encode("utf-8")
    [finding] = validate_iplan(raw)
    line_text = raw.decode("utf-8").splitlines()[(finding.line or 0) - 1]
    assert line_text.strip() == '"sector": "helse",'
    assert finding.column == line_text.index('"helse"') + 1
    with pytest.raises(ContractViolation) as caught:
        parse_json(raw)
    assert caught.value.line == finding.line
