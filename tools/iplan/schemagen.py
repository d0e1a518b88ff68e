"""Writes the ip-export v1 JSON Schema (2020-12) and XSD from the one model in ``adapters.iplan.spec``.

``python -m tools.iplan.schemagen`` regenerates schemas/ip-export/; a test fails when the files
in the tree drift from the model, so the two encodings cannot disagree.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from samband.adapters.iplan import enums
from samband.adapters.iplan.model import JSON_SCHEMA_ID, ROOT_ELEMENT, SCHEMA_VERSION, XML_NAMESPACE, IpExport
from samband.adapters.iplan.schema_check import JSON_SCHEMA_PATH, SCHEMA_DIR, XSD_PATH
from samband.adapters.iplan.spec import (
    DATE_PATTERN,
    DATETIME_PATTERN,
    FieldSpec,
    contract_types,
    enum_name,
    enum_values,
    fields_of,
)

_NS = vars(enums)


def _json_scalar(fld: FieldSpec) -> dict[str, Any]:
    meta = fld.meta
    if fld.is_enum:
        return {"$ref": f"#/$defs/{enum_name(fld.base, _NS)}"}
    if fld.base is bool:
        return {"type": "boolean"}
    if fld.base is int:
        schema: dict[str, Any] = {"type": "integer"}
    elif fld.base is float:
        schema = {"type": "number"}
    elif fld.base is datetime:
        schema = {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}
    elif fld.base is date:
        schema = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    else:
        schema = {"type": "string", "minLength": 1}
        if meta["pattern"]:
            schema["pattern"] = meta["pattern"]
    if meta["minimum"] is not None:
        schema["minimum"] = meta["minimum"]
    if meta["maximum"] is not None:
        schema["maximum"] = meta["maximum"]
    return schema


def _json_field(fld: FieldSpec) -> dict[str, Any]:
    one = {"$ref": f"#/$defs/{fld.base.__name__}"} if fld.is_object else _json_scalar(fld)
    if fld.is_list:
        schema: dict[str, Any] = {"type": "array", "items": one}
        if fld.meta["min_items"]:
            schema["minItems"] = fld.meta["min_items"]
        if fld.meta["max_items"]:
            schema["maxItems"] = fld.meta["max_items"]
    else:
        schema = dict(one)
    schema["description"] = fld.meta["doc"]
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of ip-export v1."""
    defs: dict[str, Any] = {}
    for cls in contract_types(IpExport):
        defs[cls.__name__] = {
            "type": "object",
            "description": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
            "additionalProperties": False,
            "required": [f.json for f in fields_of(cls) if f.required],
            "properties": {f.json: _json_field(f) for f in fields_of(cls)},
        }
        for fld in fields_of(cls):
            if fld.is_enum:
                defs[enum_name(fld.base, _NS)] = {"type": "string", "enum": list(enum_values(fld.base))}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": JSON_SCHEMA_ID,
        "title": f"ip-export v{SCHEMA_VERSION} (Samband individual-plan export)",
        "$ref": "#/$defs/IpExport",
        "$defs": dict(sorted(defs.items())),
    }


def _xsd_type(fld: FieldSpec) -> str:
    if fld.is_object:
        return f"ipx:{fld.base.__name__}"
    if fld.xml == "ref":
        return "ipx:Ref"
    if fld.is_enum:
        return f"ipx:{enum_name(fld.base, _NS)}"
    if fld.meta["pattern"] or fld.meta["minimum"] is not None or fld.meta["maximum"] is not None:
        return ""
    return {
        bool: "xs:boolean",
        int: "xs:integer",
        float: "xs:decimal",
        date: "xs:date",
        datetime: "ipx:DateTime",
    }.get(fld.base, "ipx:Text")


def _restriction(fld: FieldSpec) -> str:
    base = "xs:integer" if fld.base is int else "xs:string"
    facets = []
    if fld.meta["pattern"]:
        facets.append(f'<xs:pattern value="{fld.meta["pattern"].strip("^$")}"/>')
    if fld.meta["minimum"] is not None:
        facets.append(f'<xs:minInclusive value="{fld.meta["minimum"]}"/>')
    if fld.meta["maximum"] is not None:
        facets.append(f'<xs:maxInclusive value="{fld.meta["maximum"]}"/>')
    return f'<xs:simpleType><xs:restriction base="{base}">{"".join(facets)}</xs:restriction></xs:simpleType>'


def _doc(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f"<xs:annotation><xs:documentation>{escaped}</xs:documentation></xs:annotation>"


def _xsd_element(fld: FieldSpec) -> str:
    occurs = "" if not fld.optional else ' minOccurs="0"'
    if fld.is_list and fld.is_object:
        occurs = "" if fld.meta["min_items"] else ' minOccurs="0"'
        inner_min = fld.meta["min_items"] or 0
        inner_max = fld.meta["max_items"] or "unbounded"
        return (
            f'<xs:element name="{fld.json}"{occurs}>{_doc(fld.meta["doc"])}<xs:complexType><xs:sequence>'
            f'<xs:element name="{fld.item}" type="ipx:{fld.base.__name__}" minOccurs="{inner_min}"'
            f' maxOccurs="{inner_max}"/></xs:sequence></xs:complexType></xs:element>'
        )
    if fld.is_list:
        occurs = f' minOccurs="{fld.meta["min_items"]}" maxOccurs="{fld.meta["max_items"] or "unbounded"}"'
    name = fld.item if fld.is_list else fld.json
    type_name = _xsd_type(fld)
    if type_name:
        return f'<xs:element name="{name}" type="{type_name}"{occurs}>{_doc(fld.meta["doc"])}</xs:element>'
    return f'<xs:element name="{name}"{occurs}>{_doc(fld.meta["doc"])}{_restriction(fld)}</xs:element>'


def _xsd_attribute(fld: FieldSpec) -> str:
    use = "optional" if fld.optional else "required"
    type_name = _xsd_type(fld)
    if type_name:
        return f'<xs:attribute name="{fld.json}" type="{type_name}" use="{use}"/>'
    return f'<xs:attribute name="{fld.json}" use="{use}">{_restriction(fld)}</xs:attribute>'


def _complex_type(cls: type) -> str:
    elements = "".join(_xsd_element(f) for f in fields_of(cls) if f.xml != "attr")
    attributes = "".join(_xsd_attribute(f) for f in fields_of(cls) if f.xml == "attr")
    doc = _doc((cls.__doc__ or cls.__name__).strip().splitlines()[0])
    body = f"{doc}<xs:sequence>{elements}</xs:sequence>{attributes}"
    return f'<xs:complexType name="{cls.__name__}">{body}</xs:complexType>'


def xsd_text() -> str:
    """The XSD 1.0 of ip-export v1, pretty-printed."""
    from lxml import etree

    from samband.adapters.xml.safe import parse_xml

    enum_types: dict[str, tuple[str, ...]] = {}
    for cls in contract_types(IpExport):
        for fld in fields_of(cls):
            if fld.is_enum:
                enum_types[enum_name(fld.base, _NS)] = enum_values(fld.base)
    simple = "".join(
        f'<xs:simpleType name="{name}"><xs:restriction base="xs:string">'
        + "".join(f'<xs:enumeration value="{v}"/>' for v in values)
        + "</xs:restriction></xs:simpleType>"
        for name, values in sorted(enum_types.items())
    )
    text = (
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ipx="{XML_NAMESPACE}"'
        f' targetNamespace="{XML_NAMESPACE}" elementFormDefault="qualified" version="{SCHEMA_VERSION}">'
        f"{_doc(f'ip-export v{SCHEMA_VERSION}: generated from adapters/iplan; see docs/ip-export.md')}"
        f'<xs:element name="{ROOT_ELEMENT}" type="ipx:IpExport"/>'
        '<xs:complexType name="Ref">'
        '<xs:attribute name="ref" type="ipx:Text" use="required"/></xs:complexType>'
        '<xs:simpleType name="Text"><xs:restriction base="xs:string"><xs:minLength value="1"/>'
        "</xs:restriction></xs:simpleType>"
        '<xs:simpleType name="DateTime"><xs:restriction base="xs:dateTime">'
        f'<xs:pattern value="{DATETIME_PATTERN.strip("^$")}"/></xs:restriction></xs:simpleType>'
        + "".join(_complex_type(cls) for cls in contract_types(IpExport))
        + simple
        + "</xs:schema>"
    )
    tree = parse_xml(text.encode())
    return str(etree.tostring(tree, pretty_print=True, encoding="unicode"))


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schemas() -> None:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    JSON_SCHEMA_PATH.write_text(json_schema_text(), encoding="utf-8")
    XSD_PATH.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + xsd_text(), encoding="utf-8")


if __name__ == "__main__":
    write_schemas()
