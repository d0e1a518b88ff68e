"""FHIR XML → the FHIR JSON dict the JSON path yields, by FHIR R4's XML and JSON forms (xml.html, json.html).

The bytes go through the project's one XML parser (``adapters/xml/safe.py``: no DTD, no entities,
bounded size and depth). Whether an element repeats, which primitive type its ``value`` has, where a
resource sits inside another: all of it is read from the R4B model classes, so the dict validates
exactly as the same resource written in JSON would, with the same JSON pointers. Nothing is dropped:
an element, attribute, value or text the FHIR XML form does not have is a coded refusal with its line.
Comments are not resource content (JSON has none) and are not carried.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import cast

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.utils import (
    determine_version_prefix_from_class,
    get_fhir_type_name,
    is_list_type,
    is_primitive_type,
)
from lxml import etree

from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.errors import ParseError, SchemaInvalid

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

JsonDict = dict[str, object]
Model = type[FHIRAbstractModel]
Field = tuple[str, bool, bool, str]
"""(JSON name, repeats?, primitive?, FHIR type: ``boolean``, ``decimal``, ``xhtml``, ``Resource`` …)."""

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
INTEGERS = frozenset({"integer", "positiveInt", "unsignedInt", "integer64"})
NUMBERS = INTEGERS | {"decimal"}
PRIMITIVE_CHILDREN = frozenset({"extension"})


def read_fhir_xml(raw: bytes) -> JsonDict:
    """One FHIR resource in XML (a Bundle, a Patient …) → its FHIR JSON dict; coded errors otherwise."""
    root = parse_xml(raw)
    namespace, local = qname(root)
    if namespace != FHIR_NS:
        raise ParseError(
            f"<{local}> is not in the FHIR namespace",
            code="fhir.xml-namespace",
            line=root.sourceline,
            where=f"/{local}",
            expected=FHIR_NS,
            received=namespace or "(no namespace)",
        )
    return _resource(root, "")


def _model(kind: str, element: etree._Element, pointer: str) -> Model:
    try:
        return get_fhir_model_class(kind)
    except (KeyError, ValueError) as exc:
        detail = f"unknown FHIR resource type {kind!r}"
        raise _refusal(
            "fhir.resource-type", detail, element, pointer, "a FHIR R4 resource type", kind
        ) from exc


@cache
def _fields(cls: Model) -> dict[str, Field]:
    """XML element name → how its JSON property is written, for every element of ``cls``."""
    prefix = determine_version_prefix_from_class(cls)
    found: dict[str, Field] = {}
    for key, info in cls.model_fields.items():
        extra = info.json_schema_extra
        if not isinstance(extra, dict) or not extra.get("element_property"):
            continue  # fhir_comments and the ``_field`` extension siblings
        name = info.alias or key
        kind = str(get_fhir_type_name(info, prefix=prefix))
        found[name] = (name, is_list_type(info), is_primitive_type(info), kind)
    return found


def _resource(element: etree._Element, pointer: str) -> JsonDict:
    _namespace, kind = qname(element)
    cls = _model(kind, element, pointer)
    for name in element.attrib:
        if etree.QName(name).namespace != XSI_NS:  # xsi:schemaLocation names the XSD: no content
            raise _attribute(element, str(name), pointer)
    out: JsonDict = {"resourceType": kind}
    _children(element, cls, out, pointer)
    return out


def _complex(element: etree._Element, kind: str, pointer: str) -> JsonDict:
    cls = _model(kind, element, pointer)
    out: JsonDict = {}
    for name, value in element.attrib.items():
        if name == "id" or (name == "url" and kind == "Extension"):
            out[str(name)] = str(value)
        else:
            raise _attribute(element, str(name), pointer)
    _children(element, cls, out, pointer)
    return out


def _children(element: etree._Element, cls: Model, out: JsonDict, pointer: str) -> None:
    _no_text(element.text, element, pointer)
    fields = _fields(cls)
    extensions: dict[str, list[object]] = {}
    for child in element.iterchildren():
        _no_text(child.tail, element, pointer)
        if not isinstance(child.tag, str):
            continue  # a comment or processing instruction: no resource content
        namespace, local = qname(child)
        field = fields.get(local)
        if field is None or namespace != (XHTML_NS if field[3] == "xhtml" else FHIR_NS):
            raise _element(
                child, f"{pointer}/{local}", f"an element of {cls.get_resource_type()}", "is not allowed here"
            )
        name, repeats, primitive, kind = field
        here = f"{pointer}/{name}" + (f"/{len(_list(out, name))}" if repeats else "")
        if not repeats and (name in out or f"_{name}" in out):
            raise _element(child, here, f"one <{local}> only", "occurs more than once")
        value, extension = _value(child, primitive, kind, here)
        if repeats:
            _list(out, name).append(value)
            extensions.setdefault(name, []).append(extension)
        else:
            if value is not None:
                out[name] = value
            if extension is not None:
                out[f"_{name}"] = extension
    for name, found in extensions.items():
        if any(e is not None for e in found):
            out[f"_{name}"] = found


def _list(out: JsonDict, name: str) -> list[object]:
    return cast(list[object], out.setdefault(name, []))


def _value(child: etree._Element, primitive: bool, kind: str, pointer: str) -> tuple[object, JsonDict | None]:
    """The JSON value of one element, and the ``_name`` object of a primitive's id and extensions."""
    if kind == "xhtml":
        return etree.tostring(child, encoding="unicode", with_tail=False), None
    if kind == "Resource":
        inner = [c for c in child.iterchildren() if isinstance(c.tag, str)]
        _no_text(child.text, child, pointer)
        for node in child.iterchildren():
            _no_text(node.tail, child, pointer)
        if len(inner) != 1 or qname(inner[0])[0] != FHIR_NS:
            raise _element(
                child, pointer, "exactly one FHIR resource inside", "holds no single FHIR resource"
            )
        if child.attrib:
            raise _attribute(child, str(next(iter(child.attrib))), pointer)
        return _resource(inner[0], pointer), None
    if not primitive:
        if "value" in child.attrib:
            raise _attribute(child, "value", pointer)
        return _complex(child, kind, pointer), None
    return _primitive(child, kind, pointer)


def _primitive(child: etree._Element, kind: str, pointer: str) -> tuple[object, JsonDict | None]:
    extra: JsonDict = {}
    raw: str | None = None
    for name, text in child.attrib.items():
        if name == "value":
            raw = str(text)
        elif name == "id":
            extra["id"] = str(text)
        else:
            raise _attribute(child, str(name), pointer)
    _no_text(child.text, child, pointer)
    extensions: list[object] = []
    for node in child.iterchildren():
        _no_text(node.tail, child, pointer)
        if not isinstance(node.tag, str):
            continue
        namespace, local = qname(node)
        if namespace != FHIR_NS or local not in PRIMITIVE_CHILDREN:
            raise _element(
                node,
                f"{pointer}/{local}",
                "only <extension> inside a primitive element",
                "is not allowed here",
            )
        extensions.append(_complex(node, "Extension", f"{pointer}/extension/{len(extensions)}"))
    if extensions:
        extra["extension"] = extensions
    if raw is None and not extra:
        detail = "a primitive element has a value, an extension or both"
        raise _refusal("fhir.xml-value", detail, child, pointer, f'<{qname(child)[1]} value="…"/>')
    value = None if raw is None else _typed(raw, kind, child, pointer)
    return value, extra or None


def _typed(raw: str, kind: str, child: etree._Element, pointer: str) -> object:
    """The JSON value of a ``value`` attribute: booleans and numbers as JSON has them, the rest text."""
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if kind not in NUMBERS | {"boolean"}:
        return raw
    try:
        if kind in INTEGERS and _INTEGER.fullmatch(raw):
            return int(raw)
        if kind == "decimal" and _DECIMAL.fullmatch(raw):
            return json.loads(raw)  # the number JSON would carry: int for 2, float for 2.5
    except ValueError:  # more digits than Python reads as a number
        pass
    raise _refusal(
        "fhir.xml-value", f"value {raw[:40]!r} is not a FHIR {kind}", child, pointer, f"a {kind}", raw[:40]
    )


def _no_text(text: str | None, element: etree._Element, pointer: str) -> None:
    if text is not None and text.strip():
        detail = f"text {text.strip()[:40]!r} inside <{qname(element)[1]}>: FHIR XML has values in attributes"
        raise _refusal(
            "fhir.xml-element", detail, element, pointer, "elements and value attributes", text.strip()[:40]
        )


def _element(element: etree._Element, pointer: str, expected: str, what: str) -> SchemaInvalid:
    namespace, local = qname(element)
    received = f"{{{namespace}}}{local}" if namespace else local
    return _refusal("fhir.xml-element", f"<{local}> {what}", element, pointer, expected, received)


def _attribute(element: etree._Element, name: str, pointer: str) -> SchemaInvalid:
    detail = f"attribute {name!r} is not allowed on <{qname(element)[1]}>"
    return _refusal(
        "fhir.xml-attribute", detail, element, pointer, "value and id (url on an extension)", name
    )


def _refusal(
    code: str, detail: str, element: etree._Element, pointer: str, expected: str, received: str | None = None
) -> SchemaInvalid:
    """A coded refusal at ``element``'s line and the JSON pointer the same element has in FHIR JSON."""
    return SchemaInvalid(
        detail, code=code, line=element.sourceline, where=pointer or "/", expected=expected, received=received
    )
