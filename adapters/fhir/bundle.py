"""FHIR R4 JSON ↔ ``fhir.resources.R4B`` Bundle: the only place the pivot touches pydantic models.

R4B parses every R4 resource the gateway uses (shared/research/fhir.md §1, §6.1). Structural errors
become coded ``SchemaInvalid``/``ParseError`` with the JSON pointer of the first failing field.
``read_fhir`` is the one way in for FHIR text: JSON as it is, XML (``from_xml``) as the same dict.
"""

from __future__ import annotations

import json
from typing import Any, cast

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from samband.adapters.fhir.dump import dump
from samband.adapters.fhir.from_xml import read_fhir_xml
from samband.adapters.fhir.order import Unsure, Watch, ordered
from samband.adapters.json.safe import NOT_JSON, read_json
from samband.kernel.errors import ParseError, SchemaInvalid

JsonDict = dict[str, object]
XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
"""How an XML document begins once a UTF-8 BOM and blanks are skipped: ``<`` or a UTF-16/32 BOM."""


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part) for part in loc)


def parse_json(raw: bytes | str) -> JsonDict:
    """FHIR JSON text → dict; not JSON, or not an object, is a coded ``ParseError``."""
    try:
        data = read_json(raw)
    except ParseError as exc:
        if exc.code not in NOT_JSON:  # a limit of the safe read: its own code
            raise
        raise ParseError(
            f"not JSON: {exc.detail}",
            code="fhir.not-json",
            line=exc.line,
            column=exc.column,
            expected="a FHIR JSON Bundle",
        ) from exc
    if not isinstance(data, dict):
        raise ParseError("a FHIR resource is a JSON object", code="fhir.not-object", where="/")
    return cast(JsonDict, data)


def is_xml(raw: bytes | str) -> bool:
    """True when ``raw`` is XML text rather than JSON (the FHIR XML form)."""
    head = raw.encode("utf-8") if isinstance(raw, str) else raw
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(XML_STARTS)


def read_fhir(raw: bytes | str) -> JsonDict:
    """FHIR text in JSON or XML → the FHIR JSON dict; coded errors for anything else."""
    if is_xml(raw):
        return read_fhir_xml(raw.encode("utf-8") if isinstance(raw, str) else raw)
    return parse_json(raw)


def parse_bundle(data: JsonDict | bytes | str) -> Bundle:
    """A FHIR R4 Bundle (JSON or XML text, or a dict) → validated R4B model; structure only, see ``rules``."""
    obj = read_fhir(data) if isinstance(data, bytes | str) else data
    if obj.get("resourceType") != "Bundle":
        raise SchemaInvalid(
            "expected a Bundle",
            code="fhir.not-bundle",
            where="/resourceType",
            expected="Bundle",
            received=str(obj.get("resourceType")),
        )
    try:
        return Bundle.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SchemaInvalid(
            f"FHIR Bundle does not validate: {first['msg']} ({exc.error_count()} error(s))",
            code="fhir.structure",
            where=_pointer(tuple(first["loc"])),
            expected=str(first.get("type")),
        ) from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise SchemaInvalid(f"FHIR Bundle does not validate: {exc}", code="fhir.structure") from exc


def normalize(data: JsonDict) -> JsonDict:
    """Validate a Bundle dict and return it in FHIR element order, without empty fields."""
    return cast(JsonDict, dump(parse_bundle(data)))


def own_bundle(data: JsonDict, validate: bool, watch: Watch | None = None) -> JsonDict:
    """A Bundle the gateway's own mapping wrote, normalised: validated (``normalize``) when
    ``validate``, else put in element order by ``order.ordered`` (the same dict, without building
    models, noting the keys ``watch`` names); what ``ordered`` is unsure of is validated all the same."""
    if not validate:
        try:
            return ordered(data, watch)
        except Unsure:
            pass
    return normalize(data)


def write_bundle(normalized: JsonDict) -> bytes:
    """A normalised Bundle dict → pretty, stable FHIR JSON bytes."""
    data: Any = normalized
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def serialize_bundle(data: JsonDict) -> bytes:
    """A Bundle dict → pretty, stable FHIR JSON bytes (validated first)."""
    return write_bundle(normalize(data))
