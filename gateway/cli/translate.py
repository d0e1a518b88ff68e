"""``samband translate PATH --to fhir|plo|dialogmelding``: one document through the FHIR pivot.

The result goes to stdout (or ``-o OUT``), each translation issue to stderr as one line.
Exit codes (INTERFACE.md): 0 translated, 1 the document could not be translated, 2 usage.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from samband.adapters.fhir import parse_json, serialize_bundle
from samband.adapters.iplan import looks_like_ip_export
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem
from samband.mappings.base import Context, Translation
from samband.mappings.iplan_fhir.facade import fhir_to_ip_export, ip_export_to_fhir
from samband.mappings.pivot import from_fhir, to_fhir

EXIT_OK, EXIT_FATAL, EXIT_USAGE = 0, 1, 2
Translate = Callable[[bytes, Context], Translation[bytes]]


def _is_json(raw: bytes) -> bool:
    return raw.lstrip()[:1] in (b"{", b"[")


def _to_fhir(raw: bytes, ctx: Context) -> Translation[bytes]:
    if looks_like_ip_export(raw):
        return ip_export_to_fhir(raw, ctx)
    if _is_json(raw):
        bundle = parse_json(raw)
        return Translation(serialize_bundle(bundle), [])
    done = to_fhir(raw, ctx)
    return Translation(serialize_bundle(done.result), done.issues)


def _native(target: str) -> Translate:
    def run(raw: bytes, ctx: Context) -> Translation[bytes]:
        issues: list[Problem] = []
        if _is_json(raw):
            bundle = parse_json(raw)
        else:
            pivot = to_fhir(raw, ctx)
            bundle, issues = pivot.result, pivot.issues
        done = from_fhir(bundle, target, ctx)
        return Translation(done.result, issues + done.issues)

    return run


TARGETS: dict[str, Translate] = {
    "fhir": _to_fhir,
    "plo": _native("plo"),
    "dialogmelding": _native("dialogmelding"),
    "ip-export": fhir_to_ip_export,
}
"""Target name → translation (``ip-export`` adds its line here)."""


def _report(issues: list[Problem]) -> None:
    for issue in issues:
        sys.stderr.write(f"{issue.severity} {issue.code} {issue.path}: {issue.text}\n")


def run_translate(path: Path, to: str, out: Path | None) -> int:
    """Translate ``path`` to ``to``; returns the exit code."""
    translate = TARGETS.get(to)
    if translate is None:
        sys.stderr.write(f"error: cannot translate to {to!r}; choose one of {', '.join(sorted(TARGETS))}\n")
        return EXIT_USAGE
    if not path.is_file():
        sys.stderr.write(f"error: {path} is not a file\n")
        return EXIT_USAGE
    ctx = Context(gateway_her=os.environ.get("SAMBAND_HER_ID"))
    try:
        done = translate(path.read_bytes(), ctx)
    except GatewayError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.stderr.write(json.dumps(exc.as_dict(), ensure_ascii=False) + "\n")
        return EXIT_FATAL
    _report(done.issues)
    if out is None:
        sys.stdout.buffer.write(done.result)
        sys.stdout.flush()
    else:
        out.write_bytes(done.result)
    return EXIT_OK
