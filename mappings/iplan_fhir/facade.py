"""Bytes in, bytes out: what ``samband translate`` and the gateway call for ip-export documents.

``ip_export_to_fhir`` parses an ip-export (JSON or XML, checked) and returns the FHIR Bundle JSON;
``fhir_to_ip_export`` reads a FHIR Bundle (or an ip-export in the other encoding) and returns
ip-export JSON (or XML with ``xml=True``).
"""

from __future__ import annotations

from samband.adapters.fhir import parse_json, serialize_bundle
from samband.adapters.iplan import looks_like_ip_export, parse, serialize_json, serialize_xml
from samband.mappings.base import Context, Translation
from samband.mappings.iplan_fhir.from_fhir import from_fhir
from samband.mappings.iplan_fhir.to_fhir import to_fhir


def ip_export_to_fhir(raw: bytes, ctx: Context) -> Translation[bytes]:
    """ip-export bytes → FHIR collection Bundle JSON bytes, with the mapping issues."""
    done = to_fhir(parse(raw), ctx)
    return Translation(serialize_bundle(done.result), done.issues)


def fhir_to_ip_export(raw: bytes, ctx: Context, *, xml: bool = False) -> Translation[bytes]:
    """FHIR Bundle JSON (or an ip-export) bytes → ip-export bytes, schema- and invariant-checked."""
    writer = serialize_xml if xml else serialize_json
    if looks_like_ip_export(raw):
        return Translation(writer(parse(raw)), [])
    done = from_fhir(parse_json(raw), ctx)
    return Translation(writer(done.result), done.issues)
