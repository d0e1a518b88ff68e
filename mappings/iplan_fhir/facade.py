"""Bytes in, bytes out: the ip-export steps ``MAPPINGS`` runs, and what the feedback loop calls.

``into_pivot`` parses an ip-export (JSON or XML, checked) into the FHIR Bundle dict;
``out_of_pivot`` writes a Bundle dict as ip-export JSON; ``rewritten`` writes an ip-export in either
encoding as JSON without the pivot. ``ip_export_to_fhir`` / ``fhir_to_ip_export`` are the same on
bytes (``fhir_to_ip_export`` also takes an ip-export, and writes XML with ``xml=True``).
"""

from __future__ import annotations

from samband.adapters.fhir import read_fhir, write_bundle
from samband.adapters.iplan import looks_like_ip_export, parse, serialize_json, serialize_xml
from samband.mappings.base import Context, Translation
from samband.mappings.iplan_fhir.from_fhir import from_fhir
from samband.mappings.iplan_fhir.to_fhir import to_fhir

JsonDict = dict[str, object]


def into_pivot(raw: bytes, ctx: Context) -> Translation[JsonDict]:
    """ip-export bytes → the FHIR collection Bundle dict (normalised), with the mapping issues."""
    return to_fhir(parse(raw), ctx)


def out_of_pivot(bundle: JsonDict, ctx: Context) -> Translation[bytes]:
    """A FHIR Bundle dict → ip-export JSON bytes, schema- and invariant-checked."""
    done = from_fhir(bundle, ctx)
    return Translation(serialize_json(done.result), done.issues)


def rewritten(raw: bytes, _ctx: Context) -> Translation[bytes]:
    """An ip-export (JSON or XML) → the same export as JSON, checked; no pivot, no issues."""
    return Translation(serialize_json(parse(raw)), [])


def ip_export_to_fhir(raw: bytes, ctx: Context) -> Translation[bytes]:
    """ip-export bytes → FHIR collection Bundle JSON bytes, with the mapping issues."""
    done = to_fhir(parse(raw), ctx)
    return Translation(write_bundle(done.result), done.issues)


def fhir_to_ip_export(raw: bytes, ctx: Context, *, xml: bool = False) -> Translation[bytes]:
    """FHIR Bundle JSON (or an ip-export) bytes → ip-export bytes, schema- and invariant-checked."""
    writer = serialize_xml if xml else serialize_json
    if looks_like_ip_export(raw):
        return Translation(writer(parse(raw)), [])
    done = from_fhir(read_fhir(raw), ctx)
    return Translation(writer(done.result), done.issues)
