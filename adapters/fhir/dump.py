"""FHIR JSON of a validated R4B model, in FHIR element order and without empty fields.

``dump`` gives what ``model.model_dump(mode="json", exclude_none=True)`` gives (fhir_core's
serializer: element sequence, ``_field`` extension siblings, empty lists dropped), read through a
plan per model class made once; anything the plan does not cover goes back to ``model_dump``.
"""

from __future__ import annotations

import decimal
import math
import uuid
from typing import Any

from fhir_core.fhirabstractmodel import FHIR_COMMENTS_FIELD_NAME, FHIRAbstractModel
from fhir_core.utils import is_primitive_type
from pydantic_core import to_jsonable_python

Step = tuple[str, str, bool, str | None]
"""(JSON key, field name, primitive?, JSON key of the ``<field>__ext`` sibling or None)."""
PLANS: dict[type[FHIRAbstractModel], tuple[bool, tuple[Step, ...]]] = {}
PLAIN = frozenset({str, bool, int})


class _Unplanned(Exception):
    """A value the plan does not cover: the caller falls back to ``model_dump``."""


def dump(model: FHIRAbstractModel) -> dict[str, Any]:
    """``model`` as FHIR JSON (dict), the same as ``model.model_dump(mode="json", exclude_none=True)``."""
    try:
        return _model(model)
    except _Unplanned:
        return dict(model.model_dump(mode="json", exclude_none=True))


def _plan(cls: type[FHIRAbstractModel]) -> tuple[bool, tuple[Step, ...]]:
    found = PLANS.get(cls)
    if found is None:
        aliases, fields = cls.get_alias_mapping(), cls.model_fields
        steps: list[Step] = []
        for prop in cls.elements_sequence():
            key = aliases[prop]
            info = fields[key]
            primitive = is_primitive_type(info)
            ext = fields.get(f"{key}__ext")
            ext_alias = (ext.alias or f"{key}__ext") if primitive and ext is not None else None
            steps.append((info.alias or key, key, primitive, ext_alias))
        found = PLANS[cls] = (cls.has_resource_base(), tuple(steps))
    return found


def _model(model: FHIRAbstractModel) -> dict[str, Any]:
    if model.__fhir_serialization_summary_only__ or model.__fhir_serialization_exclude_comment__:
        raise _Unplanned
    resource, steps = _plan(type(model))
    data = model.__dict__
    out: dict[str, Any] = {"resourceType": model.__resource_type__} if resource else {}
    for json_key, key, primitive, ext_alias in steps:
        value = data.get(key)
        value = _complex(value) if not primitive and value is not None else _primitive(value)
        if value is not None and not (isinstance(value, list) and not value):
            out[json_key] = value
        if primitive and (ext := data.get(f"{key}__ext")) is not None:
            ext_value = _complex(ext)
            if ext_value is not None and len(ext_value) > 0:
                if ext_alias is None:
                    raise _Unplanned
                out[ext_alias] = ext_value
    comments = data.get(FHIR_COMMENTS_FIELD_NAME)
    if comments is not None:
        out[FHIR_COMMENTS_FIELD_NAME] = to_jsonable_python(comments)
    return out


def _complex(value: Any) -> Any:
    if isinstance(value, list):
        return [_complex(item) for item in value]
    if value is None:
        return None
    if isinstance(value, FHIRAbstractModel):
        return _model(value)
    raise _Unplanned


def primitive_json(value: Any) -> Any:
    """A validated primitive as FHIR JSON (what ``dump`` writes for it); ``ValueError`` for one only
    ``model_dump`` writes (base64, inf/NaN)."""
    try:
        return _primitive(value)
    except _Unplanned as exc:
        raise ValueError("a primitive only model_dump writes") from exc


def _primitive(value: Any) -> Any:
    """fhir_core's primitive step (uuid → ``urn:uuid:``, whole Decimal → int), then pydantic's JSON."""
    if isinstance(value, list):
        return [_primitive(item) for item in value]
    if value is None or type(value) in PLAIN:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, bytes | bytearray | float):  # base64 fields and inf/NaN: left to model_dump
        raise _Unplanned
    if isinstance(value, uuid.UUID):
        return f"urn:uuid:{value}"
    if isinstance(value, decimal.Decimal):
        exp = value.as_tuple().exponent
        if value.is_finite() and value == value.to_integral_value() and isinstance(exp, int) and exp >= 0:
            return int(value)
        return _primitive(float(value))
    return to_jsonable_python(value)
