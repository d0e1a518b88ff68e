"""The gateway's own FHIR JSON put in FHIR element order without building R4B models.

``ordered`` gives what ``normalize`` (``Bundle.model_validate`` then ``dump``) gives for a Bundle the
mappings wrote, at a fraction of the cost: a plan per R4B model class (element sequence, which key is
a list, which holds a nested element or resource, which a primitive) walks the plain dict. It checks
nothing a model would: it is for output the gateway built itself, on the service's hot path.
Anything the plan is not sure of (an unknown key, an empty value, a number where text belongs, a
resource without ``resourceType``) sends the whole Bundle back through ``normalize``, so the result is
the same bytes either way, and foreign or odd data is always validated.

Primitives kept as they are: text in a text-typed element, booleans, whole numbers in integer types.
Dates, times, decimals and base64 go through their own fhir_core type (one primitive validation
each) and what R4B writes for the result, since it writes them back in its canonical form.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirBase
from fhir_core.utils import get_base64_encoder, is_primitive_type
from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

from samband.adapters.fhir.dump import primitive_json

JsonDict = dict[str, object]


class Unsure(Exception):
    """The plan cannot tell what validation would give: the caller validates instead."""


@dataclass(frozen=True)
class Step:
    """One element of a model class: JSON key, list or not, and what its values are."""

    key: str
    many: bool
    child: type[FHIRAbstractModel] | None  # a nested element or resource; None for a primitive
    base: type | None  # a primitive's Python type (str, bool, int, date, Decimal …)
    adapter: TypeAdapter[Any] | None  # the primitive's own validation, when R4B rewrites the value
    encoder: Any  # base64Binary: how R4B writes the decoded bytes back
    ext: str | None  # JSON key of the ``_key`` sibling of a primitive
    ext_many: bool


@dataclass(frozen=True)
class Plan:
    resource: str | None
    steps: tuple[Step, ...]
    known: frozenset[str]


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is a list, the item annotation) of an ``Optional[List[X]]`` / ``Optional[X]`` field."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"unexpected union {annotation!r}")
            annotation = args[0]
        elif origin is list:
            many = True
            annotation = typing.get_args(annotation)[0]
        else:
            return many, annotation


def _base(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _model_of(annotation: Any) -> type[FHIRAbstractModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, FhirBase):
        return annotation.get_model_klass()
    if isinstance(annotation, type) and issubclass(annotation, FHIRAbstractModel):
        return annotation
    return None


PASS = (str, bool, int)


@cache
def plan(cls: type[FHIRAbstractModel]) -> Plan:
    """The ordering plan of one R4B model class, made once."""
    aliases, fields = cls.get_alias_mapping(), cls.model_fields
    steps: list[Step] = []
    known: set[str] = set()
    for prop in cls.elements_sequence():
        name = aliases[prop]
        info = fields[name]
        many, item = _unwrap(info.annotation)
        key = info.alias or name
        known.add(key)
        if is_primitive_type(info):
            base = _base(item)
            adapter = None if base in PASS else TypeAdapter(item)
            encoder = get_base64_encoder(info)
            ext_info = fields.get(f"{name}__ext")
            ext = ext_many = None
            if ext_info is not None:
                ext = ext_info.alias or f"{name}__ext"
                ext_many = _unwrap(ext_info.annotation)[0]
                known.add(ext)
            steps.append(Step(key, many, None, base, adapter, encoder, ext, bool(ext_many)))
        else:
            child = _model_of(item)
            if child is None:
                raise TypeError(f"{cls.__name__}.{name}: no model for {item!r}")
            steps.append(Step(key, many, child, None, None, None, None, False))
    resource = cls.__resource_type__ if cls.has_resource_base() else None
    if resource is not None:
        known.add("resourceType")
    return Plan(resource, tuple(steps), frozenset(known))


def _primitive(step: Step, value: object) -> object:
    if step.adapter is None:
        if type(value) is not step.base or value == "":  # an empty string: R4B refuses it
            raise Unsure
        return value
    if type(value) is not str and type(value) is not int and type(value) is not float:
        raise Unsure
    try:
        valid = step.adapter.validate_python(value)
        if step.encoder is not None and isinstance(valid, bytes):
            return to_jsonable_python(step.encoder.encode(valid))
        return primitive_json(valid)
    except (ValidationError, ValueError, TypeError) as exc:
        raise Unsure from exc


Layout = tuple[tuple[str, Step, bool], ...]
"""The keys of one dict in element order: (key, its step, True for a primitive's ``_key``)."""
_LAYOUTS: dict[tuple[type[FHIRAbstractModel], object, tuple[str, ...]], tuple[str | None, Layout]] = {}
_LAYOUTS_KEPT = 4096


def _layout(cls: type[FHIRAbstractModel], found: object, keys: tuple[str, ...]) -> tuple[str | None, Layout]:
    """The resourceType and the key order of a dict with ``keys`` (``found`` its resourceType) read
    as ``cls``; ``Unsure`` where the plan cannot place it."""
    if found is not None:
        if type(found) is not str:
            raise Unsure
        try:
            actual = get_fhir_model_class(found)
        except (KeyError, ValueError) as exc:
            raise Unsure from exc
        if not issubclass(actual, cls):
            raise Unsure
        cls = actual
    p = plan(cls)
    if p.resource is not None and found is None:
        raise Unsure  # a resource is named by its resourceType
    if not p.known.issuperset(keys):
        raise Unsure
    present = set(keys)
    layout: list[tuple[str, Step, bool]] = []
    for step in p.steps:
        if step.key in present:
            layout.append((step.key, step, False))
        if step.ext is not None and step.ext in present:
            layout.append((step.ext, step, True))
    return p.resource, tuple(layout)


class Watch:
    """Keys to note while ordering: ``found`` gets (key, value in the result) of each, wherever it
    stands in the Bundle; ``complete`` says the result was put in order here (not validated
    instead), so that ``found`` holds every one of them."""

    __slots__ = ("complete", "found", "keys")

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.found: list[tuple[str, object]] = []
        self.complete = False


def _element(cls: type[FHIRAbstractModel], data: object, watch: Watch | None = None) -> JsonDict:
    if type(data) is not dict or not data:
        raise Unsure
    found = data.get("resourceType")
    if found is not None and type(found) is not str:
        raise Unsure
    keys = tuple(data)
    cache = (cls, found, keys)
    known = _LAYOUTS.get(cache)
    if known is None:
        known = _layout(cls, found, keys)
        if len(_LAYOUTS) >= _LAYOUTS_KEPT:
            _LAYOUTS.clear()
        _LAYOUTS[cache] = known
    resource, layout = known
    out: JsonDict = {"resourceType": resource} if resource is not None else {}
    result: object
    for key, step, ext in layout:  # ``_value`` inline
        value = data[key]
        if value is None:
            continue
        child = step.child
        if ext:
            result = _ext(step, value, watch)
        elif step.many:
            if type(value) is not list or not value:
                raise Unsure
            if child is None:
                result = [_primitive(step, item) for item in value]  # None in a list: Unsure there
            else:
                result = [_element(child, item, watch) for item in value]
        elif type(value) is list:
            raise Unsure
        elif child is not None:
            result = _element(child, value, watch)
        elif step.adapter is None:  # ``_primitive`` of a text, boolean or whole number
            if type(value) is not step.base or value == "":
                raise Unsure
            result = value
        else:
            result = _primitive(step, value)
        out[key] = result
        if watch is not None and key in watch.keys:
            watch.found.append((key, result))
    return out


def _ext(step: Step, ext: object, watch: Watch | None) -> object:
    """The ``_key`` sibling of a primitive: its id and extensions (a list beside a list)."""
    if step.ext_many:
        if type(ext) is not list or not ext or all(item is None for item in ext):
            raise Unsure
        return [None if item is None else _element(FHIRPrimitiveExtension, item, watch) for item in ext]
    return _element(FHIRPrimitiveExtension, ext, watch)


def ordered(bundle: JsonDict, watch: Watch | None = None) -> JsonDict:
    """A Bundle the gateway wrote, in FHIR element order (what ``normalize`` gives, unvalidated),
    noting the keys ``watch`` names on the way.

    ``Unsure`` when the plan cannot be sure of the result: the caller validates instead."""
    if bundle.get("resourceType") != "Bundle":
        raise Unsure
    done = _element(Bundle, bundle, watch)
    if watch is not None:
        watch.complete = True
    return done
