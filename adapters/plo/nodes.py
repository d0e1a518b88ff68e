"""Typed views over XML that read fields from an element and write changed fields back into it.

A ``Node`` is a frozen dataclass whose ``FIELDS`` say which child element (or attribute) each field
comes from. ``read_node`` fills it and keeps the element's bytes in ``source``; ``write_node`` starts
from those bytes and rewrites only the fields whose value changed, in XSD order (``xsdinfo``), so
everything the model does not name survives untouched. KITH CV/CS/TS/PQ are kith.xsd data types; the
felleskomponent1 persons and organisations are the KITH shared types, read and written by the KITH codec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

from lxml import etree

from samband.adapters.kith import codec as kith
from samband.adapters.kith.datatypes import Code as Code
from samband.adapters.kith.shapes import FK1
from samband.adapters.plo.xsdinfo import ContentModel, element_content, type_content
from samband.adapters.xml.safe import parse_xml

Namespaces = Mapping[str, str | None]
N = TypeVar("N", bound="Node")


@dataclass(frozen=True)
class Quantity:
    """KITH PQ: ``V`` value and ``U`` unit (legemiddel ``Styrke``)."""

    v: str | None = None
    u: str | None = None


@dataclass(frozen=True)
class Field:
    """Where one dataclass field lives: ``tag`` is ``prefix:Local`` or ``@attribute``.

    ``kind`` is one of text, bool, decimal, int, code (kith:CV), cs (kith:CS, V and DN only),
    value (the ``V`` attribute of TS/URL), ts (kith:TS ``V`` in PLO 1.x, xs:dateTime text in 2.0:
    the ``ts`` key of Namespaces), pq, node, kith (a felleskomponent1 ``part``, via the KITH codec),
    attr. ``via`` names a Namespaces key whose value is a container element (PLO 2.0 keeps the
    header inside ``FellesAdministrativeOpplysninger``).
    """

    name: str
    tag: str
    kind: str = "text"
    many: bool = False
    node: type[Node] | None = None
    via: str | None = None
    part: kith.Part[Any] | None = None


@dataclass(frozen=True)
class Node:
    """Base of every typed PLO part; ``source`` holds the element it was read from (not compared)."""

    FIELDS: ClassVar[tuple[Field, ...]] = ()
    XSD_TYPE: ClassVar[str | None] = None
    source: bytes | None = field(default=None, compare=False, repr=False, kw_only=True)


def clark(prefixed: str, ns: Namespaces) -> str:
    prefix, _, local = prefixed.rpartition(":")
    if not prefix:
        return local
    return f"{{{ns[prefix]}}}{local}"


def _decode(spec: Field, el: etree._Element, ns: Namespaces) -> Any:
    kind, text = spec.kind, el.text or ""
    if kind == "text":
        return text
    if kind == "bool":
        return {"true": True, "1": True, "false": False, "0": False}.get(text.strip())
    if kind in ("decimal", "int"):
        try:
            return Decimal(text.strip()) if kind == "decimal" else int(text.strip())
        except (InvalidOperation, ValueError):
            return None
    if kind in ("code", "cs"):
        return Code(v=el.get("V"), dn=el.get("DN"), s=el.get("S"), ot=el.get("OT"))
    if kind == "value":
        return el.get("V")
    if kind == "ts":
        return el.get("V") if ns.get("ts") != "text" else text
    if kind == "pq":
        return Quantity(v=el.get("V"), u=el.get("U"))
    if kind == "kith":
        assert spec.part is not None, f"field {spec.name} names no KITH part"
        return kith.read(FK1, spec.part, el)
    assert spec.node is not None, f"field kind {kind} needs a node class"
    return read_node(spec.node, el, ns)


def _container(el: etree._Element, spec: Field, ns: Namespaces, create: bool) -> etree._Element | None:
    if spec.via is None or ns.get(spec.via) is None:
        return el
    tag = clark(str(ns[spec.via]), ns)
    found = el.find(tag)
    if found is None and create:
        found = _insert(el, tag, element_content(el.tag) if isinstance(el.tag, str) else None)
    return found


def read_field(el: etree._Element, spec: Field, ns: Namespaces) -> Any:
    if spec.kind == "attr":
        return el.get(clark(spec.tag[1:], ns))
    container = _container(el, spec, ns, create=False)
    children = [] if container is None else container.findall(clark(spec.tag, ns))
    values = [_decode(spec, child, ns) for child in children]
    if spec.many:
        return tuple(values)
    return values[0] if values else None


def read_node(cls: type[N], el: etree._Element, ns: Namespaces, **extra: Any) -> N:
    """Fill ``cls`` from ``el``; ``extra`` gives fields that are not read from XML."""
    values = {spec.name: read_field(el, spec, ns) for spec in cls.FIELDS}
    return cls(**values, **extra, source=etree.tostring(el, with_tail=False))


def content_model(cls: type[Node], tag: str, ns: Namespaces) -> ContentModel:
    """Schema order for the element written from ``cls``: its named type, else its global element."""
    return type_content(clark(cls.XSD_TYPE, ns)) if cls.XSD_TYPE else element_content(tag)


def _insert(parent: etree._Element, tag: str, model: ContentModel | None) -> etree._Element:
    """A new child ``tag`` placed where the schema sequence wants it."""
    new = etree.SubElement(parent, tag)
    if model is None:
        return new
    rank = model.position(tag)
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and child is not new and model.position(child.tag) > rank:
            parent.insert(index, new)
            break
    return new


# A kith:CS allows only V and DN; S or OT set on one is written anyway so the XSD check refuses it
# instead of the writer dropping data silently.
_ATTRIBUTES = {"code": ("V", "DN", "S", "OT"), "cs": ("V", "DN", "S", "OT"), "pq": ("V", "U")}


def _encode(kind: str, el: etree._Element, value: Any, ns: Namespaces) -> None:
    if kind == "text":
        el.text = str(value)
    elif kind == "bool":
        el.text = "true" if value else "false"
    elif kind == "decimal":
        el.text = format(value, "f")
    elif kind == "int":
        el.text = str(value)
    elif kind in _ATTRIBUTES:
        attributes = _ATTRIBUTES[kind]
        for name in attributes:
            if getattr(value, name.lower()) is not None:
                el.set(name, getattr(value, name.lower()))
    elif kind == "value" or (kind == "ts" and ns.get("ts") != "text"):
        el.set("V", str(value))
    elif kind == "ts":
        el.text = str(value)


def write_field(el: etree._Element, spec: Field, value: Any, model: ContentModel, ns: Namespaces) -> None:
    """Replace the children (or attribute) of ``spec`` in ``el`` with ``value``."""
    if spec.kind == "attr":
        name = clark(spec.tag[1:], ns)
        if value is None:
            el.attrib.pop(name, None)
        else:
            el.set(name, str(value))
        return
    items = list(value) if spec.many else ([] if value is None else [value])
    container = _container(el, spec, ns, create=bool(items))
    if container is None:
        return
    if container is not el:
        model = element_content(container.tag)
    tag = clark(spec.tag, ns)
    tails = [old.tail for old in container.findall(tag)]
    for old in container.findall(tag):
        container.remove(old)
    anchor: etree._Element | None = None
    for index, item in enumerate(items):
        if spec.kind == "node":
            new = write_node(item, tag, ns, parent=container, model=model)
        elif spec.kind == "kith":
            assert spec.part is not None, f"field {spec.name} names no KITH part"
            new = _insert(container, tag, model)
            kith.fill(FK1, spec.part, item, new)
        else:
            new = _insert(container, tag, model)
            _encode(spec.kind, new, item, ns)
        if anchor is not None:
            anchor.addnext(new)
        if tails:
            new.tail = tails[min(index, len(tails) - 1)]
        anchor = new


def write_node(
    node: Node,
    tag: str,
    ns: Namespaces,
    *,
    parent: etree._Element | None = None,
    model: ContentModel | None = None,
) -> etree._Element:
    """The element for ``node``: its ``source`` with changed fields rewritten, or a new element.

    With ``parent`` the element is placed inside it at its schema position.
    """
    own = content_model(type(node), tag, ns)
    original: Node | None = None
    if node.source is not None:
        el = parse_xml(node.source)
        original = read_node(type(node), el, ns)
        el.tag = tag  # a part read in one place may be written in another (Kontaktperson → AnsvarligRapport)
        if parent is not None:
            _insert(parent, tag, model).addnext(el)
            parent.remove(el.getprevious())
    else:
        el = etree.Element(tag) if parent is None else _insert(parent, tag, model)
        for name, fixed in own.fixed_attributes:
            el.set(name, fixed)
    for spec in type(node).FIELDS:
        value = getattr(node, spec.name)
        if original is None or getattr(original, spec.name) != value:
            write_field(el, spec, value, own, ns)
    return el


def without_source(node: N) -> N:
    """``node`` with ``source`` cleared at every level, so it is written fresh from its typed fields
    (e.g. to move parts into a message of another version); unmodelled content is then left out."""
    changes: dict[str, Any] = {}
    for spec in type(node).FIELDS:
        value = getattr(node, spec.name)
        if spec.kind != "node" or value is None:
            continue
        changes[spec.name] = tuple(without_source(v) for v in value) if spec.many else without_source(value)
    extra = getattr(node, "logistikk", None)
    if isinstance(extra, Node):
        changes["logistikk"] = without_source(extra)
    return replace(node, source=None, **changes)
