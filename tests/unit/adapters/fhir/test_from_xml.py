"""FHIR XML reads into the same dict as the resource in JSON; what FHIR XML does not have is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from samband.adapters.fhir import fhir_envelope, normalize, read_fhir, validate_fhir
from samband.adapters.formats import detect
from samband.kernel.errors import GatewayError
from samband.kernel.formats import Format

TESTS = Path(__file__).resolve().parents[3]
XML_BUNDLE = TESTS / "messages" / "fhir" / "careplan_handbuilt.xml"
JSON_BUNDLE = TESTS / "golden" / "fhir_to_plo" / "careplan_handbuilt" / "input.json"
GOLDEN_FHIR = sorted(
    p
    for folder in ("plo_to_fhir", "dialog_to_fhir", "iplan_to_fhir")
    for p in (TESTS / "golden" / folder).rglob("expected.json")
)
F = 'xmlns="http://hl7.org/fhir"'


def _refusal(xml: str) -> GatewayError:
    with pytest.raises(GatewayError) as caught:
        read_fhir(xml.encode("utf-8"))
    return caught.value


def test_the_xml_fixture_reads_as_its_json_twin() -> None:
    from_xml = read_fhir(XML_BUNDLE.read_bytes())
    from_json = json.loads(JSON_BUNDLE.read_bytes())
    assert normalize(from_xml) == normalize(from_json)
    assert detect(XML_BUNDLE.read_bytes()) is Format.FHIR
    assert fhir_envelope(XML_BUNDLE.read_bytes()) == fhir_envelope(JSON_BUNDLE.read_bytes())


@pytest.mark.parametrize("path", GOLDEN_FHIR, ids=lambda p: p.parent.name)
def test_every_golden_bundle_written_as_xml_reads_back_the_same(path: Path) -> None:
    """Narratives, decimals, extensions and contained resources the mappings write survive XML."""
    data = json.loads(path.read_bytes())
    model = get_fhir_model_class(data["resourceType"]).model_validate(data)
    assert normalize(read_fhir(model.model_dump_xml())) == normalize(data)


def test_primitives_keep_types_ids_extensions_and_narrative_characters() -> None:
    xml = f"""<Patient {F}><!-- comments are no content -->
      <id value="p1"/><active value="true"/><multipleBirthInteger value="2"/>
      <text><status value="generated"/>
        <div xmlns="http://www.w3.org/1999/xhtml"><p>Kari «æøå»</p></div></text>
      <name><given value="Kari"/><given id="g2"><extension url="http://example.org/x">
        <valueString value="uten verdi"/></extension></given><family value="Nordmann"/></name>
    </Patient>"""
    assert read_fhir(xml) == {
        "resourceType": "Patient",
        "id": "p1",
        "active": True,
        "multipleBirthInteger": 2,
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p>Kari «æøå»</p></div>',
        },
        "name": [
            {
                "given": ["Kari", None],
                "_given": [
                    None,
                    {"id": "g2", "extension": [{"url": "http://example.org/x", "valueString": "uten verdi"}]},
                ],
                "family": "Nordmann",
            }
        ],
    }
    assert validate_fhir(xml.encode("utf-8")) == []


@pytest.mark.parametrize(
    ("xml", "code", "where"),
    [
        (f'<Patient {F}>\n<colour value="red"/></Patient>', "fhir.xml-element", "/colour"),
        (
            f'<Patient {F}><gender value="male"/>\n<gender value="female"/></Patient>',
            "fhir.xml-element",
            "/gender",
        ),
        (f'<Patient {F}>\n<active value="yes"/></Patient>', "fhir.xml-value", "/active"),
        (f"<Patient {F}>\n<active/></Patient>", "fhir.xml-value", "/active"),
        (
            f'<Patient {F}>\n<name><family value="N" style="bold"/></name></Patient>',
            "fhir.xml-attribute",
            "/name/0/family",
        ),
        (f"<Patient {F}>\n<name>Kari Nordmann</name></Patient>", "fhir.xml-element", "/name/0"),
        (
            f'<Bundle {F}><type value="batch"/>\n<entry><resource><Pasient/></resource></entry></Bundle>',
            "fhir.resource-type",
            "/entry/0/resource",
        ),
        ('\n<Patient xmlns="http://hl7.org/fhir/other"/>', "fhir.xml-namespace", "/Patient"),
    ],
    ids=["unknown", "repeated", "not-boolean", "no-value", "attribute", "text", "resource-type", "namespace"],
)
def test_what_fhir_xml_does_not_have_is_refused_with_code_line_and_pointer(
    xml: str, code: str, where: str
) -> None:
    refused = _refusal(xml)
    assert (refused.code, refused.where, refused.line) == (code, where, 2)


def test_xml_goes_through_the_safe_parser() -> None:
    xml = f'<!DOCTYPE Patient [<!ENTITY x "y">]>\n<Patient {F}><id value="&x;"/></Patient>'
    assert _refusal(xml).code.startswith("xml.")
