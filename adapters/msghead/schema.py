"""XSD validation of a Hodemelding tree: the MsgHead 1.2 schema plus the schema of each payload.

RefDoc/Content is ``xs:any processContents="strict"``, so the payload schema must be loaded too.
A payload whose namespace has no schema in the catalog is taken out before validating (the rest
is still checked) and reported by namespace, so the caller can say what was not validated.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from samband.adapters.kith.datatypes import children, xpath_of
from samband.adapters.msghead.model import MSGHEAD_NS
from samband.adapters.xml.schemas import (
    compiled_schema,
    document_namespaces,
    schema_for_namespace,
    xsd_findings,
)
from samband.kernel.problems import Problem


def strip_unschematised(root: etree._Element) -> list[tuple[str, int | None]]:
    """Remove Content children whose namespace has no schema; return (namespace, line) of each."""
    removed: list[tuple[str, int | None]] = []
    for content in root.iter(f"{{{MSGHEAD_NS}}}Content"):
        for element in [el for el in content if isinstance(el.tag, str)]:
            namespace = etree.QName(element).namespace or ""
            if schema_for_namespace(namespace) is None:
                removed.append((namespace, element.sourceline))
                content.remove(element)
    return removed


def xsd_errors(root: etree._Element) -> list[Problem]:
    """Schema findings (rule ``xsd``) for a tree already stripped of unschematised payloads."""
    namespaces = {ns for ns in document_namespaces(root) if schema_for_namespace(ns) is not None}
    namespaces.add(MSGHEAD_NS)
    return readable_all(root, xsd_findings(root, compiled_schema(namespaces)))


READABLE = 100  # findings whose path is rewritten; each rewrite walks siblings, so not thousands


def readable_all(root: etree._Element, findings: list[Problem]) -> list[Problem]:
    """``readable`` for the first ``READABLE`` findings; the rest keep lxml's positional path (a
    document with thousands of schema errors is refused by the first, and is not worth seconds)."""
    return [readable(root, f) if i < READABLE else f for i, f in enumerate(findings)]


def readable(root: etree._Element, finding: Problem) -> Problem:
    """Replace lxml's positional path (``/*/*[1]/*[7]``) by local names (``/MsgHead/MsgInfo/…``)."""
    if not finding.path:
        return finding
    try:
        found = root.getroottree().xpath(finding.path)
    except etree.XPathError:
        return finding
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return replace(finding, path=xpath_of(found[0]))
    return finding


def content_elements(root: etree._Element) -> list[etree._Element]:
    """Every payload element (first element child of each RefDoc/Content)."""
    found: list[etree._Element] = []
    for document in children(root, MSGHEAD_NS, "Document"):
        for content in document.iter(f"{{{MSGHEAD_NS}}}Content"):
            found.extend(el for el in content if isinstance(el.tag, str))
    return found
