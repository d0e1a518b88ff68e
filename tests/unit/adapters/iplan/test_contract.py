"""The contract artefacts agree: schemas match the model, the docs match both schemas."""

from __future__ import annotations

import json
import re

from lxml import etree

from samband.adapters.iplan.model import XML_NAMESPACE
from samband.adapters.iplan.schema_check import JSON_SCHEMA_PATH, XSD_PATH
from samband.adapters.xml.safe import parse_xml
from tools.iplan import docgen, schemagen

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_json_schema_file_is_generated_from_the_model() -> None:
    on_disk = JSON_SCHEMA_PATH.read_text(encoding="utf-8")
    assert on_disk == schemagen.json_schema_text(), "run: python -m tools.iplan.schemagen"


def test_xsd_file_is_generated_from_the_model() -> None:
    on_disk = XSD_PATH.read_text(encoding="utf-8")
    assert on_disk == '<?xml version="1.0" encoding="UTF-8"?>\n' + schemagen.xsd_text()


def test_docs_reference_is_current() -> None:
    assert docgen.DOC_PATH.read_text(encoding="utf-8") == docgen.current_doc(), (
        "run: python -m tools.iplan.docgen"
    )


def _documented() -> dict[str, list[tuple[str, str]]]:
    """Type name → (JSON field, XML form) rows of the reference tables in docs/ip-export.md."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in docgen.DOC_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
        elif current and (row := re.match(r"^\| `([^`]+)` \| `([^`]+)` \|", line)):
            tables.setdefault(current, []).append((row.group(1), row.group(2)))
    return tables


def _xsd_types() -> dict[str, set[str]]:
    root = parse_xml(XSD_PATH.read_bytes())
    out: dict[str, set[str]] = {}
    for complex_type in root.iter(f"{XS}complexType"):
        name = complex_type.get("name")
        if not name:
            continue
        names = {el.get("name") for el in complex_type.iter(f"{XS}element")}
        names |= {f"@{a.get('name')}" for a in complex_type.iter(f"{XS}attribute")}
        out[name] = {n for n in names if n}
    return out


def test_every_documented_field_exists_in_both_schemas() -> None:
    documented = _documented()
    json_defs = json.loads(JSON_SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    xsd_types = _xsd_types()
    assert "IndividualPlan" in documented and "Participant" in documented
    for type_name, rows in documented.items():
        assert type_name in json_defs, f"{type_name} documented but not in the JSON Schema"
        assert type_name in xsd_types, f"{type_name} documented but not in the XSD"
        for field, xml in rows:
            assert field in json_defs[type_name]["properties"], f"{type_name}.{field} missing in JSON Schema"
            for step in xml.replace("/@ref", "").split("/"):
                assert step in xsd_types[type_name], f"{type_name}.{field} ({xml}) missing in the XSD"


def test_every_schema_field_is_documented() -> None:
    documented = {t: {f for f, _ in rows} for t, rows in _documented().items()}
    json_defs = json.loads(JSON_SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    for type_name, schema in json_defs.items():
        if schema.get("type") == "object":
            assert set(schema["properties"]) == documented[type_name], type_name


def test_xsd_targets_the_documented_namespace() -> None:
    root = parse_xml(XSD_PATH.read_bytes())
    assert root.get("targetNamespace") == XML_NAMESPACE == "urn:no:samband:ip-export:1"
    assert XML_NAMESPACE in docgen.DOC_PATH.read_text(encoding="utf-8")
    assert etree.QName(root).localname == "schema"


def test_the_nine_regulation_items_are_all_covered() -> None:
    text = docgen.DOC_PATH.read_text(encoding="utf-8")
    items = set()
    for match in re.finditer(r"\| [^|]+ \| [^|]+ \| [^|]+ \| [^|]+ \| ([0-9, ]+) \|", text):
        items |= {int(i) for i in match.group(1).replace(" ", "").split(",") if i}
    assert items == set(range(1, 10))


def test_the_examples_in_the_docs_are_valid_and_agree() -> None:
    from samband.adapters.iplan import parse_json, parse_xml

    text = docgen.DOC_PATH.read_text(encoding="utf-8")
    json_block = re.search(r"```json\n(.*?)```", text, re.S)
    xml_block = re.search(r"```xml\n(.*?)```", text, re.S)
    assert json_block and xml_block
    assert parse_json(json_block.group(1).encode()) == parse_xml(xml_block.group(1).encode())
