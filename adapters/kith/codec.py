"""One reader and one writer for KITH parts described as data: a ``Shape`` lists, in schema order, which
child element fills which field of the model, with its kind and cardinality.

A ``Dialect`` says, per part, which shape a message family uses and the namespace its children are
in (MsgHead, felleskomponent1, Dialogmelding, AppRec: ``adapters.kith.shapes``). A part's own element
is named in the namespace of the part that contains it. Reading is tolerant (children by name, any
order); writing follows the shape, so output keeps the schema's sequence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lxml import etree

from samband.adapters.kith.datatypes import add_cs, add_cv, add_text, add_v, children, code_of, pad_date, sub

M = TypeVar("M")


@dataclass(frozen=True)
class Part(Generic[M]):
    """A KITH part (``Ident``, ``Organisation`` …) and the model class it reads into."""

    name: str
    model: type[M]


@dataclass(frozen=True)
class Slot:
    """One child element: ``field`` of the model ← ``element``.

    ``kind``: ``text``, ``date`` (text, unpadded dates padded on read), ``cs`` (kith:CS: V, DN),
    ``cv`` (kith:CV: V, S, DN, OT), ``url`` (kith:URL/TS, the value in ``V``) or ``part`` (another
    part, read and written by its own shape). ``default`` stands in for an absent element.
    """

    field: str
    element: str
    kind: str = "text"
    many: bool = False
    part: Part[Any] | None = None
    default: Any = None


@dataclass(frozen=True)
class Shape:
    """The children of a part in schema order; ``written_when`` names fields of which one must be set
    for the children to be written at all (an empty ``<Organisation/>`` stays empty)."""

    slots: tuple[Slot, ...]
    written_when: tuple[str, ...] = ()


Dialect = Mapping[str, tuple[Shape, str]]
"""Part name → (its shape, the namespace of its children) for one message family."""


def read(dialect: Dialect, part: Part[M], element: etree._Element) -> M:
    """The model of ``part`` read from ``element`` (children looked up by name)."""
    shape, ns = dialect[part.name]
    return part.model(**{slot.field: _read_slot(dialect, slot, element, ns) for slot in shape.slots})


def _read_slot(dialect: Dialect, slot: Slot, element: etree._Element, ns: str) -> Any:
    values = [_decode(dialect, slot, child) for child in children(element, ns, slot.element)]
    values = [slot.default if value is None else value for value in values]
    if slot.many:
        return tuple(values)
    return values[0] if values else slot.default


def _decode(dialect: Dialect, slot: Slot, element: etree._Element) -> Any:
    if slot.kind == "part":
        assert slot.part is not None, f"slot {slot.field} names no part"
        return read(dialect, slot.part, element)
    if slot.kind in ("cs", "cv"):
        return code_of(element)
    if slot.kind == "url":
        value = element.get("V")
        return value.strip() if value is not None else None
    text = (element.text or "").strip() or None
    return pad_date(text) if slot.kind == "date" else text


def write(
    dialect: Dialect, part: Part[M], value: M, parent: etree._Element, tag: str, tag_ns: str
) -> etree._Element:
    """A new child ``{tag_ns}tag`` of ``parent`` holding ``value`` in the order of its shape."""
    element = sub(parent, tag_ns, tag)
    fill(dialect, part, value, element)
    return element


def fill(dialect: Dialect, part: Part[M], value: M, element: etree._Element) -> None:
    """Write the children of ``value`` into ``element`` (which is empty)."""
    shape, ns = dialect[part.name]
    if shape.written_when and not any(_is_set(getattr(value, name)) for name in shape.written_when):
        return
    for slot in shape.slots:
        found = getattr(value, slot.field)
        for item in found if slot.many else (found,):
            if item is not None:
                _encode(dialect, slot, item, element, ns)


def _is_set(value: object) -> bool:
    return value is not None and value != ()


def _encode(dialect: Dialect, slot: Slot, item: Any, element: etree._Element, ns: str) -> None:
    if slot.kind == "part":
        assert slot.part is not None, f"slot {slot.field} names no part"
        write(dialect, slot.part, item, element, slot.element, ns)
    elif slot.kind == "cs":
        add_cs(element, ns, slot.element, item)
    elif slot.kind == "cv":
        add_cv(element, ns, slot.element, item)
    elif slot.kind == "url":
        add_v(element, ns, slot.element, item)
    else:
        add_text(element, ns, slot.element, item)
