"""Semantic comparison for golden files: JSON by value, XML by canonical form, with a printed diff."""

from __future__ import annotations

import difflib
import json

from lxml import etree

from samband.adapters.xml.safe import parse_xml


def _strip(element: etree._Element) -> None:
    for node in element.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None


def canonical_xml(raw: bytes) -> str:
    """Whitespace between elements dropped, namespaces and attributes in C14N order, indented."""
    root = parse_xml(raw)
    _strip(root)
    canonical = etree.tostring(root, method="c14n")
    pretty = parse_xml(canonical)
    etree.indent(pretty, space="  ")
    return str(etree.tostring(pretty, encoding="unicode"))


def canonical_json(raw: bytes) -> str:
    return json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True)


def canonical(raw: bytes, suffix: str) -> str:
    return canonical_xml(raw) if suffix == ".xml" else canonical_json(raw)


def diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), f"{name} (expected)", f"{name} (actual)", lineterm="", n=3
    )
    return "\n".join(lines)
