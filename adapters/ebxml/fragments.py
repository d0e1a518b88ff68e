"""Opaque XML fragments (ds:Signature, copied ds:Reference, unknown header children) as stable bytes.

A fragment is cut out with only the namespace declarations it uses (plus prefixes its text refers
to, as the ebMS XPath transform does with ``SOAP-ENV:``), so it reads the same wherever it sits.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from samband.adapters.xml.safe import parse_xml

_PREFIX_IN_TEXT = re.compile(r"([A-Za-z_][\w.-]*):[A-Za-z_]")


def _text_prefixes(element: etree._Element) -> list[str]:
    found: set[str] = set()
    for node in element.iter():
        if isinstance(node.tag, str) and node.text:
            found.update(match.group(1) for match in _PREFIX_IN_TEXT.finditer(node.text))
    return sorted(found)


def fragment_bytes(element: etree._Element) -> bytes:
    """``element`` as a standalone document, verbatim apart from unused namespace declarations."""
    clone = copy.deepcopy(element)
    clone.tail = None
    etree.cleanup_namespaces(clone, keep_ns_prefixes=_text_prefixes(clone))
    return bytes(etree.tostring(clone, encoding="utf-8", xml_declaration=False))


def requalified(element: etree._Element, namespace: str) -> etree._Element:
    """A copy of ``element`` with every namespace-less element moved into ``namespace``.

    Used for the unqualified ``Reference`` some senders copy into eb:Acknowledgment.
    """

    def rebuild(node: etree._Element, parent: etree._Element | None) -> etree._Element:
        qname = etree.QName(node)
        tag = f"{{{namespace}}}{qname.localname}" if qname.namespace is None else node.tag
        own = {k: v for k, v in node.nsmap.items() if k is not None}
        if parent is None:
            made = etree.Element(tag, attrib=dict(node.attrib), nsmap={None: namespace, **own})
        else:
            made = etree.SubElement(parent, tag, attrib=dict(node.attrib), nsmap=own)
        made.text, made.tail = node.text, node.tail
        for child in node:
            if isinstance(child.tag, str):
                rebuild(child, made)
        return made

    return rebuild(element, None)


def embed(parent: etree._Element, fragment: bytes) -> etree._Element:
    """Parse ``fragment`` safely and append it under ``parent``."""
    node = parse_xml(fragment)
    parent.append(node)
    return node
