"""Checks an ip-export against its own schemas: JSON Schema with JSON pointers, XSD with XPaths.

Also turns a contract JSON pointer into the XPath of the same node in the XML encoding, so the
invariant checks (which work on the typed model) can say where in either encoding a problem is.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
from lxml import etree

from samband.adapters.iplan.model import ROOT_ELEMENT, XML_NAMESPACE, IpExport
from samband.adapters.iplan.spec import field_by_json
from samband.adapters.xml.schemas import compiled_file, xsd_findings
from samband.kernel.problems import Problem, Severity

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "ip-export"
JSON_SCHEMA_PATH = SCHEMA_DIR / "ip-export-v1.schema.json"
XSD_PATH = SCHEMA_DIR / "ip-export-v1.xsd"
SCHEMA_RULE = "ip-export.schema"
PREFIX = "ipx"


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    """A real calendar day (the pattern alone lets 2026-02-30 through)."""
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value))


@functools.cache
def _json_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(JSON_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)


def pointer(parts: Any) -> str:
    """RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def json_schema_findings(data: Any) -> list[Problem]:
    """One finding per JSON Schema error, each with the JSON pointer of the offending value."""
    errors = sorted(_json_validator().iter_errors(data), key=lambda err: list(map(str, err.absolute_path)))
    return [
        Problem(
            code=SCHEMA_RULE,
            severity=Severity.ERROR,
            text=_json_message(err),
            path=pointer(err.absolute_path),
        )
        for err in errors
    ]


def _json_message(err: jsonschema.ValidationError) -> str:
    if err.validator == "additionalProperties":
        return f"unknown field: {err.message}"
    if err.validator == "enum":
        allowed = ", ".join(str(v) for v in list(err.validator_value or []))  # type: ignore[arg-type]
        return f"{err.instance!r} is not one of the allowed values ({allowed})"
    return str(err.message)


def xml_schema_findings(root: etree._Element) -> list[Problem]:
    """XSD findings (line, column, XPath) plus a refusal of a foreign root element."""
    tag = etree.QName(root)
    if (tag.namespace, tag.localname) != (XML_NAMESPACE, ROOT_ELEMENT):
        return [
            Problem(
                code=SCHEMA_RULE,
                severity=Severity.ERROR,
                text=f"root element is {{{tag.namespace}}}{tag.localname}, expected "
                f"{{{XML_NAMESPACE}}}{ROOT_ELEMENT}",
                line=root.sourceline,
                path=f"/{tag.localname}",
            )
        ]
    findings = xsd_findings(root, compiled_file(XSD_PATH), rule=SCHEMA_RULE)
    return [dataclasses.replace(f, path=named_xpath(root, f.path)) for f in findings]


def named_xpath(root: etree._Element, xpath: str | None) -> str | None:
    """libxml2's ``/*/*[6]/*[16]`` for a default namespace → ``/ipx:IndividualPlanExport/ipx:plan/…``."""
    if not xpath:
        return xpath
    try:
        found = root.xpath(xpath)
    except etree.XPathError:
        return xpath
    if not (isinstance(found, list) and found and isinstance(found[0], etree._Element)):
        return xpath
    steps = []
    node: etree._Element | None = found[0]
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        same = (
            [c for c in parent if isinstance(c.tag, str) and etree.QName(c).localname == name]
            if parent is not None
            else [node]
        )
        position = f"[{same.index(node) + 1}]" if len(same) > 1 else ""
        steps.append(f"{PREFIX}:{name}{position}")
        node = parent
    return "/" + "/".join(reversed(steps))


def pointer_to_xpath(json_pointer: str) -> str:
    """The XPath of the node a contract JSON pointer names.

    ``/plan/participants/1/roles/0`` →
    ``/ipx:IndividualPlanExport/ipx:plan/ipx:participants/ipx:participant[2]/ipx:role[1]``.
    """
    steps = [f"/{PREFIX}:{ROOT_ELEMENT}"]
    cls: Any = IpExport
    parts = [p for p in json_pointer.split("/")[1:] if p != ""]
    index = 0
    while index < len(parts) and cls is not None:
        fld = field_by_json(cls, parts[index])
        if fld is None:
            break
        index += 1
        position = int(parts[index]) + 1 if index < len(parts) and parts[index].isdigit() else None
        if fld.xml == "attr":
            steps.append(f"/@{fld.json}")
        elif fld.is_list and fld.is_object:
            steps.append(f"/{PREFIX}:{fld.json}")
            if position is not None:
                steps.append(f"/{PREFIX}:{fld.item}[{position}]")
        elif fld.is_list:
            steps.append(f"/{PREFIX}:{fld.item}" + (f"[{position}]" if position is not None else ""))
        else:
            steps.append(f"/{PREFIX}:{fld.json}")
        if position is not None:
            index += 1
        cls = fld.base if fld.is_object else None
    return "".join(steps)


def line_of(root: etree._Element, xpath: str) -> int | None:
    """Source line of the node an XPath names, when it names an element."""
    element_path = xpath.split("/@")[0]
    try:
        found = root.xpath(element_path, namespaces={PREFIX: XML_NAMESPACE})
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        line = found[0].sourceline
        return int(line) if line else None
    return None
