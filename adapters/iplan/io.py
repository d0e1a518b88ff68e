"""Reading and writing ip-export v1 documents: JSON and XML, checked against schema and invariants.

``parse_*`` raise ``ContractViolation`` (code, JSON pointer or XPath, line) on the first problem;
``validate_iplan`` lists every problem as a Problem. Serializers refuse to emit an invalid document.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from lxml import etree

from samband.adapters.iplan.codec import dict_to_xml, from_dict, to_dict, xml_to_dict
from samband.adapters.iplan.invariants import check_invariants
from samband.adapters.iplan.json_positions import locate, positions
from samband.adapters.iplan.model import ROOT_ELEMENT, XML_NAMESPACE, IpExport
from samband.adapters.iplan.schema_check import (
    json_schema_findings,
    line_of,
    pointer_to_xpath,
    xml_schema_findings,
)
from samband.adapters.json.safe import read_json
from samband.adapters.xml.safe import parse_xml as safe_parse_xml
from samband.kernel.errors import ContractViolation, GatewayError, ParseError
from samband.kernel.problems import Problem, Severity

_BOM = b"\xef\xbb\xbf"


def looks_like_ip_export(raw: bytes) -> bool:
    """Cheap sniff: the XML namespace, or a JSON object with the contract's root keys."""
    head = raw[:8192].lstrip(_BOM + b" \t\r\n")
    if head.startswith(b"<"):
        return XML_NAMESPACE.encode() in head and ROOT_ELEMENT.encode() in head
    return head.startswith(b"{") and all(
        key in raw for key in (b'"schemaVersion"', b'"exportKind"', b'"plan"')
    )


_CONTRACT_CODES = {
    "json.too-large": "ip-export.too-large",
    "json.encoding": "ip-export.encoding",
    "json.invalid": "ip-export.not-json",
}


def _load_json(raw: bytes) -> tuple[Any, str]:
    """The document and its text, read safely; what is not JSON at all keeps the contract's codes,
    the safe read's limits (``json.too-deep`` …) keep theirs."""
    try:
        data = read_json(raw)
    except ParseError as exc:
        code = _CONTRACT_CODES.get(exc.code)
        if code is None:
            raise
        raise ContractViolation(
            exc.detail,
            code=code,
            line=exc.line,
            column=exc.column,
            expected="a UTF-8 JSON ip-export document",
        ) from exc
    return data, raw.removeprefix(_BOM).decode("utf-8")


def _invariant_findings(export: IpExport, root: etree._Element | None) -> list[Problem]:
    findings = []
    for violation in check_invariants(export):
        pointer = violation.path or "/"
        where = pointer if root is None else pointer_to_xpath(pointer)
        line = None if root is None else line_of(root, where)
        findings.append(dataclasses.replace(violation, line=line, path=where))
    return findings


def _raise_first(findings: list[Problem]) -> None:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return
    first = errors[0]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise ContractViolation(
        first.text + more, code=first.code, where=first.path, line=first.line, column=first.column
    )


def _with_positions(findings: list[Problem], text: str) -> list[Problem]:
    """Line and column of each finding's JSON pointer (or of its nearest ancestor) in ``text``."""
    if not findings:
        return findings
    table = positions(text)
    return [dataclasses.replace(f, line=(at := locate(table, f.path))[0], column=at[1]) for f in findings]


def check_json(raw: bytes) -> tuple[IpExport | None, list[Problem]]:
    """The typed export (None when the schema fails) and every finding: JSON pointer as ``xpath``,
    with the line and column where that value starts."""
    data, text = _load_json(raw)
    findings = json_schema_findings(data)
    if findings:
        return None, _with_positions(findings, text)
    export = from_dict(IpExport, data)
    return export, _with_positions(_invariant_findings(export, None), text)


def check_xml(raw: bytes) -> tuple[IpExport | None, list[Problem]]:
    """The typed export (None when the XSD fails) and every finding with line and XPath."""
    root = safe_parse_xml(raw)
    findings = xml_schema_findings(root)
    if findings:
        return None, findings
    export = from_dict(IpExport, xml_to_dict(IpExport, root))
    return export, _invariant_findings(export, root)


def _checked(result: tuple[IpExport | None, list[Problem]], invariants: bool) -> IpExport:
    export, findings = result
    if not invariants:
        findings = [f for f in findings if not f.code.startswith("ip-export.invariant.")]
    _raise_first(findings)
    assert export is not None
    return export


def parse_json(raw: bytes, *, invariants: bool = True) -> IpExport:
    """JSON ip-export → typed model; ``ContractViolation`` with the JSON pointer of the problem."""
    return _checked(check_json(raw), invariants)


def parse_xml(raw: bytes, *, invariants: bool = True) -> IpExport:
    """XML ip-export → typed model; ``ContractViolation`` (or a safe-XML refusal) with XPath and line."""
    return _checked(check_xml(raw), invariants)


def is_xml(raw: bytes) -> bool:
    return raw.lstrip(_BOM + b" \t\r\n").startswith(b"<")


def parse(raw: bytes, *, invariants: bool = True) -> IpExport:
    """Either encoding, told apart by the first byte."""
    return parse_xml(raw, invariants=invariants) if is_xml(raw) else parse_json(raw, invariants=invariants)


def validate_iplan(raw: bytes) -> list[Problem]:
    """Every schema and invariant problem of an ip-export document (JSON or XML); [] when valid."""
    try:
        _export, findings = check_xml(raw) if is_xml(raw) else check_json(raw)
    except GatewayError as exc:
        return [
            Problem(exc.code, Severity.ERROR, exc.detail, line=exc.line, column=exc.column, path=exc.where)
        ]
    return findings


def _refuse_invalid(export: IpExport, data: dict[str, Any]) -> None:
    findings = json_schema_findings(data) + _invariant_findings(export, None)
    _raise_first(findings)


def serialize_json(export: IpExport, *, strict: bool = True) -> bytes:
    """Typed model → JSON bytes (UTF-8, two-space indent); refuses a document that breaks the contract.

    ``strict=False`` writes it anyway: only for making negative test documents.
    """
    data = to_dict(export)
    if strict:
        _refuse_invalid(export, data)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def serialize_xml(export: IpExport, *, strict: bool = True) -> bytes:
    """Typed model → XML bytes in ``urn:no:samband:ip-export:1``; checked against the XSD before return."""
    data = to_dict(export)
    if strict:
        _refuse_invalid(export, data)
    root = dict_to_xml(IpExport, data, ROOT_ELEMENT, XML_NAMESPACE)
    if strict:
        _raise_first(xml_schema_findings(root))
    body: bytes = etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    return body
