"""The one description of the ip-export v1 model that both encodings, both schemas and the docs read.

Each contract type is a frozen dataclass; ``spec_field`` attaches the contract facts (XML form, list
item name, constraints, documentation, regulation item, FHIR round-trip) as field metadata.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

XmlForm = Literal["element", "attr", "ref"]
ScalarType = type[str] | type[int] | type[float] | type[bool] | type[date] | type[datetime]
SCALARS: tuple[type, ...] = (str, int, float, bool, date, datetime)


def spec_field(
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    xml: XmlForm = "element",
    item: str | None = None,
    pattern: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    min_items: int = 0,
    max_items: int | None = None,
    reg: str | None = None,
    roundtrip: bool = True,
) -> Any:
    """A contract field: ``doc`` is the reference text, ``roundtrip`` whether FHIR keeps it."""
    meta = {
        "doc": doc,
        "xml": xml,
        "item": item,
        "pattern": pattern,
        "minimum": minimum,
        "maximum": maximum,
        "min_items": min_items,
        "max_items": max_items,
        "reg": reg,
        "roundtrip": roundtrip,
    }
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=meta)
    if isinstance(default, list | tuple):
        return dataclasses.field(default=(), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def camel(name: str) -> str:
    """Python snake_case → contract camelCase (``psfs_assessments`` → ``psfsAssessments``)."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class FieldSpec:
    """One contract field, resolved: its names, its shape and its metadata."""

    name: str
    json: str
    base: Any
    is_list: bool
    optional: bool
    meta: dict[str, Any]

    @property
    def xml(self) -> XmlForm:
        form: XmlForm = self.meta["xml"]
        return form

    @property
    def item(self) -> str:
        return str(self.meta["item"] or self.json)

    @property
    def is_object(self) -> bool:
        return is_contract_type(self.base)

    @property
    def is_enum(self) -> bool:
        return typing.get_origin(self.base) is Literal

    @property
    def required(self) -> bool:
        return not self.optional and not (self.is_list and self.meta["min_items"] == 0)


def is_contract_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _unwrap(tp: Any) -> tuple[Any, bool, bool]:
    """(base type, is list, optional) of an annotation such as ``tuple[Goal, ...]`` or ``str | None``."""
    optional = False
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        optional = len(args) < len(typing.get_args(tp))
        tp = args[0]
    if typing.get_origin(tp) is tuple:
        return typing.get_args(tp)[0], True, optional
    return tp, False, optional


_FIELDS: dict[type, tuple[FieldSpec, ...]] = {}


def fields_of(cls: type) -> tuple[FieldSpec, ...]:
    """The contract fields of ``cls`` in contract order."""
    if cls not in _FIELDS:
        _FIELDS[cls] = _resolve(cls)
    return _FIELDS[cls]


def _resolve(cls: type) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(cls)
    specs = []
    for fld in dataclasses.fields(cls):
        base, is_list, optional = _unwrap(hints[fld.name])
        specs.append(FieldSpec(fld.name, camel(fld.name), base, is_list, optional, dict(fld.metadata)))
    return tuple(specs)


def field_by_json(cls: type, json_name: str) -> FieldSpec | None:
    return next((f for f in fields_of(cls) if f.json == json_name), None)


def enum_values(tp: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in typing.get_args(tp))


def contract_types(root: type) -> list[type]:
    """Every contract dataclass reachable from ``root``, in first-seen order."""
    seen: list[type] = []

    def walk(cls: type) -> None:
        if cls in seen:
            return
        seen.append(cls)
        for fld in fields_of(cls):
            if fld.is_object:
                walk(fld.base)

    walk(root)
    return seen


def enum_name(tp: Any, namespace: dict[str, Any]) -> str:
    """The alias name of a Literal enum as declared in the model module."""
    for name, value in namespace.items():
        if typing.get_origin(value) is Literal and value == tp and name[:1].isupper():
            return name
    raise LookupError(f"enum {tp!r} has no name in the model module")


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
_DATETIME_RE = re.compile(DATETIME_PATTERN)
