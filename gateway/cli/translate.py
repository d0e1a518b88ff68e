"""``samband translate PATH --to fhir|plo|dialogmelding|ip-export``: one document through the FHIR pivot.

What the document is comes from ``FORMATS``, the translation from ``MAPPINGS``; a pair without a
mapping is refused with code ``mapping.no-pair``. An ebXML message (HTTP body, bare SOAP or a whole
mail) is translated as the Hodemelding it carries. The result goes to stdout (or ``-o OUT``), each
translation issue to stderr as one line.
A refusal is two lines on stderr: ``samband translate: [code] text (file:line:column, where)`` and
the refusal as JSON; nesting too deep is ``document.too-deep``, anything unexpected
``internal.error`` with its type, never a traceback.
Exit codes (INTERFACE.md): 0 translated, 1 the document could not be translated, 2 usage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from samband.adapters.formats import source_format, translatable
from samband.gateway.cli.guard import document_error, error_line, one_line
from samband.kernel.formats import TRANSLATABLE
from samband.kernel.problems import Problem
from samband.mappings.base import Context
from samband.mappings.registry import mapping_for

EXIT_OK, EXIT_FATAL, EXIT_USAGE = 0, 1, 2
PROG = "samband translate"


def _report(issues: list[Problem]) -> None:
    for issue in issues:
        sys.stderr.write(f"{issue.severity} {issue.code} {issue.path}: {issue.text}\n")


def run_translate(path: Path, to: str, out: Path | None) -> int:
    """Translate ``path`` to ``to``; returns the exit code."""
    if to not in TRANSLATABLE:
        sys.stderr.write(
            f"{PROG}: [cli.usage] cannot translate to {to!r}; "
            f"choose one of {', '.join(sorted(TRANSLATABLE))}\n"
        )
        return EXIT_USAGE
    if not path.is_file():
        sys.stderr.write(f"{PROG}: [cli.usage] not a file: {path}\n")
        return EXIT_USAGE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        sys.stderr.write(f"{PROG}: [cli.unreadable-file] {one_line(str(exc))} ({path})\n")
        return EXIT_USAGE
    ctx = Context(gateway_her=os.environ.get("SAMBAND_HER_ID"))
    try:
        document = translatable(raw)
        done = mapping_for(source_format(document), to).translate(document, ctx)
    except Exception as exc:
        refused = document_error(exc)
        sys.stderr.write(error_line(refused, path, PROG) + "\n")
        sys.stderr.write(json.dumps(refused.as_dict(), ensure_ascii=False) + "\n")
        return EXIT_FATAL
    _report(done.issues)
    if out is None:
        sys.stdout.buffer.write(done.result)
        sys.stdout.flush()
        return EXIT_OK
    try:
        out.write_bytes(done.result)
    except OSError as exc:
        sys.stderr.write(f"{PROG}: [cli.unwritable-file] {one_line(str(exc))} ({out})\n")
        return EXIT_USAGE
    return EXIT_OK
