"""Child order and fixed attributes read from the official PLO schemas, so writing follows the XSD.

When a typed field is written back into a document, the new element is inserted where the schema's
``xs:sequence`` puts it; EPJ components get their required fixed ``m1:`` attributes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lxml import etree

from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import XSD_NS, schema_for_namespace

_X = f"{{{XSD_NS}}}"
_GROUPS = {f"{_X}sequence", f"{_X}choice", f"{_X}all"}


@dataclass(frozen=True)
class ContentModel:
    """Children of an element in schema order (Clark names) and its required fixed attributes."""

    children: tuple[str, ...]
    fixed_attributes: tuple[tuple[str, str], ...]
    required: tuple[str, ...] = ()
    """Children the top ``xs:sequence`` requires (minOccurs not 0)."""

    def position(self, tag: str) -> int:
        """Index of ``tag`` in the sequence; unknown tags sort last."""
        try:
            return self.children.index(tag)
        except ValueError:
            return len(self.children)


EMPTY = ContentModel((), ())


@functools.cache
def _schema(namespace: str) -> etree._Element | None:
    path = schema_for_namespace(namespace)
    if path is None:
        return None
    return parse_xml(path.read_bytes())


def _resolve(node: etree._Element, prefixed: str) -> str:
    prefix, _, local = prefixed.rpartition(":")
    namespace = node.nsmap.get(prefix or None, "")
    return f"{{{namespace}}}{local}"


def _find_global(clark: str, kind: str) -> etree._Element | None:
    qname = etree.QName(clark)
    schema = _schema(qname.namespace or "")
    if schema is None:
        return None
    for node in schema.iterchildren(f"{_X}{kind}"):
        if node.get("name") == qname.localname:
            return node
    return None


def _children(group: etree._Element, target: str) -> list[str]:
    names: list[str] = []
    for node in group:
        if node.tag in _GROUPS:
            names.extend(_children(node, target))
        elif node.tag == f"{_X}element":
            ref = node.get("ref")
            names.append(_resolve(node, ref) if ref else f"{{{target}}}{node.get('name')}")
    return names


def _model(complex_type: etree._Element | None, target: str) -> ContentModel:
    if complex_type is None:
        return EMPTY
    children: list[str] = []
    for group in complex_type.iterchildren(*_GROUPS):
        children.extend(_children(group, target))
    fixed = tuple(
        (_resolve(node, node.get("ref") or node.get("name") or ""), node.get("fixed") or "")
        for node in complex_type.iterchildren(f"{_X}attribute")
        if node.get("use") == "required" and node.get("fixed") is not None
    )
    required = [
        _resolve(node, node.get("ref") or "") if node.get("ref") else f"{{{target}}}{node.get('name')}"
        for sequence in complex_type.iterchildren(f"{_X}sequence")
        for node in sequence.iterchildren(f"{_X}element")
        if node.get("minOccurs") != "0"
    ]
    return ContentModel(tuple(children), fixed, tuple(required))


@functools.cache
def element_content(clark: str) -> ContentModel:
    """Content model of a global element such as ``{…poKomponent…}EksisterendeTjeneste``."""
    element = _find_global(clark, "element")
    if element is None:
        return EMPTY
    target = etree.QName(clark).namespace or ""
    type_name = element.get("type")
    if type_name:
        return type_content(_resolve(element, type_name))
    return _model(element.find(f"{_X}complexType"), target)


@functools.cache
def type_content(clark: str) -> ContentModel:
    """Content model of a named complex type such as ``{…felleskomponent1}HealthcareProfessional``."""
    node = _find_global(clark, "complexType")
    return _model(node, etree.QName(clark).namespace or "")


def _target(node: etree._Element) -> str:
    return str(node.getroottree().getroot().get("targetNamespace") or "")


def _complex_type(declaration: etree._Element) -> tuple[etree._Element | None, str]:
    """The complexType of an element declaration (a ref, a named type or an inline type) and the
    namespace its local children are in."""
    ref = declaration.get("ref")
    if ref:
        found = _find_global(_resolve(declaration, ref), "element")
        return _complex_type(found) if found is not None else (None, "")
    type_name = declaration.get("type")
    if type_name:
        clark = _resolve(declaration, type_name)
        return _find_global(clark, "complexType"), etree.QName(clark).namespace or ""
    return declaration.find(f"{_X}complexType"), _target(declaration)


def _child_declaration(complex_type: etree._Element, target: str, tag: str) -> etree._Element | None:
    stack = list(complex_type.iterchildren(*_GROUPS))
    while stack:
        group = stack.pop(0)
        for node in group:
            if node.tag in _GROUPS:
                stack.append(node)
            elif node.tag == f"{_X}element":
                ref = node.get("ref")
                name = _resolve(node, ref) if ref else f"{{{target}}}{node.get('name')}"
                if name == tag:
                    return node
    return None


@functools.cache
def content_at(path: tuple[str, ...]) -> ContentModel:
    """Content model of the element reached by ``path`` (Clark names from a global element down
    through its local and referenced children); ``EMPTY`` where the schema does not say."""
    declaration = _find_global(path[0], "element") if path else None
    for tag in path[1:]:
        if declaration is None:
            return EMPTY
        complex_type, target = _complex_type(declaration)
        declaration = None if complex_type is None else _child_declaration(complex_type, target, tag)
    if declaration is None:
        return EMPTY
    complex_type, target = _complex_type(declaration)
    return _model(complex_type, target)
