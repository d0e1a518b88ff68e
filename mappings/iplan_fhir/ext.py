"""Contract parts with no FHIR element of their own, carried as complex extensions and read back.

Each contract field becomes a sub-extension whose url is the contract field name; values take the
FHIR type of the field (valueString, valueCode, valueDate, valueCoding, valuePeriod …). Driven by
the same model spec as the schemas, so a part round-trips field for field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from samband.adapters.iplan.codec import JsonDict
from samband.adapters.iplan.model_parts import Code, Period
from samband.adapters.iplan.spec import FieldSpec, fields_of


def _value_key(fld: FieldSpec) -> str:
    if fld.base is Code:
        return "valueCoding"
    if fld.base is Period:
        return "valuePeriod"
    if fld.is_enum:
        return "valueCode"
    return {
        bool: "valueBoolean",
        int: "valueInteger",
        float: "valueDecimal",
        date: "valueDate",
        datetime: "valueDateTime",
    }.get(fld.base, "valueString")


def _is_value(fld: FieldSpec) -> bool:
    return not fld.is_object or fld.base in (Code, Period)


def encode(url: str, cls: type, data: JsonDict) -> JsonDict:
    """A complex extension holding the contract dict ``data`` of type ``cls``."""
    parts: list[JsonDict] = []
    for fld in fields_of(cls):
        if fld.json not in data:
            continue
        values = data[fld.json] if fld.is_list else [data[fld.json]]
        for value in values:
            if _is_value(fld):
                parts.append({"url": fld.json, _value_key(fld): value})
            else:
                parts.append(encode(fld.json, fld.base, value))
    return {"url": url, "extension": parts}


def decode(cls: type, extension: JsonDict) -> JsonDict:
    """The contract dict of type ``cls`` an ``encode``d extension holds."""
    out: JsonDict = {}
    parts = [p for p in extension.get("extension", []) if isinstance(p, dict)]
    for fld in fields_of(cls):
        mine = [p for p in parts if p.get("url") == fld.json]
        if not mine:
            continue
        values = [p[_value_key(fld)] if _is_value(fld) else decode(fld.base, p) for p in mine]
        out[fld.json] = values if fld.is_list else values[0]
    return out


def find(resource: Any, url: str) -> list[JsonDict]:
    """Every extension of ``resource`` (a dict) with this url."""
    extensions = resource.get("extension", []) if isinstance(resource, dict) else []
    return [e for e in extensions if isinstance(e, dict) and e.get("url") == url]


def value(resource: Any, url: str, key: str) -> Any:
    """The ``key`` value of the first extension with ``url``, or None."""
    found = find(resource, url)
    return found[0].get(key) if found else None


def decode_value(extension: JsonDict, name: str) -> Any:
    """The value of the sub-extension ``name`` of a complex extension, or None."""
    for part in extension.get("extension", []):
        if isinstance(part, dict) and part.get("url") == name:
            return next((v for k, v in part.items() if k.startswith("value")), None)
    return None
