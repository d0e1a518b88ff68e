"""Typed model ↔ the JSON-shaped dict of ip-export v1, and the XML tree ↔ that same dict.

Both directions are driven by ``adapters.iplan.spec``: one model, two encodings. Input is
schema-valid by the time it gets here, so conversion cannot fail on shape.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from lxml import etree

from samband.adapters.iplan.spec import FieldSpec, fields_of

T = TypeVar("T")
JsonDict = dict[str, Any]


def _scalar_out(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_dict(obj: Any) -> JsonDict:
    """Contract dict of a model object: camelCase keys, ISO dates, no None, no empty lists."""
    out: JsonDict = {}
    for fld in fields_of(type(obj)):
        value = getattr(obj, fld.name)
        if value is None or (fld.is_list and not value):
            continue
        if fld.is_list:
            out[fld.json] = [to_dict(v) if fld.is_object else _scalar_out(v) for v in value]
        else:
            out[fld.json] = to_dict(value) if fld.is_object else _scalar_out(value)
    return out


def _scalar_in(fld: FieldSpec, value: Any) -> Any:
    if fld.base is datetime:
        return datetime.fromisoformat(value)
    if fld.base is date:
        return date.fromisoformat(value)
    if fld.base is float:
        return float(value)
    return value


def from_dict(cls: type[T], data: JsonDict) -> T:
    """Model object from a schema-valid contract dict."""
    kwargs: dict[str, Any] = {}
    for fld in fields_of(cls):
        if fld.json not in data:
            continue
        value = data[fld.json]
        if fld.is_list:
            kwargs[fld.name] = tuple(
                from_dict(fld.base, v) if fld.is_object else _scalar_in(fld, v) for v in value
            )
        else:
            kwargs[fld.name] = from_dict(fld.base, value) if fld.is_object else _scalar_in(fld, value)
    return cls(**kwargs)


def _text_in(fld: FieldSpec, text: str) -> Any:
    if fld.base is bool:
        return text.strip() in ("true", "1")
    if fld.base is int:
        return int(text.strip())
    if fld.base is float:
        return float(text.strip())
    return text


def _xml_scalar(fld: FieldSpec, element: etree._Element) -> Any:
    if fld.xml == "ref":
        return element.get("ref")
    return _text_in(fld, element.text or "")


def xml_to_dict(cls: type, element: etree._Element) -> JsonDict:
    """Contract dict from a schema-valid XML element of type ``cls``."""
    out: JsonDict = {}
    children: dict[str, list[etree._Element]] = {}
    for child in element:
        if isinstance(child.tag, str):
            children.setdefault(etree.QName(child).localname, []).append(child)
    for fld in fields_of(cls):
        if fld.xml == "attr":
            if (value := element.get(fld.json)) is not None:
                out[fld.json] = _text_in(fld, value)
        elif fld.is_list and fld.is_object:
            for container in children.get(fld.json, []):
                out[fld.json] = [
                    xml_to_dict(fld.base, item) for item in container if isinstance(item.tag, str)
                ]
        elif fld.is_list:
            items = children.get(fld.item, [])
            if items:
                out[fld.json] = [_xml_scalar(fld, item) for item in items]
        elif found := children.get(fld.json):
            out[fld.json] = xml_to_dict(fld.base, found[0]) if fld.is_object else _xml_scalar(fld, found[0])
    return out


def _text_out(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(_scalar_out(value))


def _append_scalar(parent: etree._Element, tag: str, fld: FieldSpec, value: Any) -> None:
    child = etree.SubElement(parent, tag)
    if fld.xml == "ref":
        child.set("ref", str(value))
    else:
        child.text = _text_out(value)


def dict_to_xml(cls: type, data: JsonDict, tag: str, namespace: str) -> etree._Element:
    """XML element of type ``cls`` from a contract dict, children in schema order."""
    element = etree.Element(f"{{{namespace}}}{tag}", nsmap={None: namespace})
    _fill(element, cls, data, namespace)
    return element


def _fill(element: etree._Element, cls: type, data: JsonDict, ns: str) -> None:
    for fld in fields_of(cls):
        if fld.json not in data:
            continue
        value = data[fld.json]
        if fld.xml == "attr":
            element.set(fld.json, _text_out(value))
        elif fld.is_list and fld.is_object:
            container = etree.SubElement(element, f"{{{ns}}}{fld.json}")
            for item in value:
                _fill(etree.SubElement(container, f"{{{ns}}}{fld.item}"), fld.base, item, ns)
        elif fld.is_list:
            for item in value:
                _append_scalar(element, f"{{{ns}}}{fld.item}", fld, item)
        elif fld.is_object:
            _fill(etree.SubElement(element, f"{{{ns}}}{fld.json}"), fld.base, value, ns)
        else:
            _append_scalar(element, f"{{{ns}}}{fld.json}", fld, value)
