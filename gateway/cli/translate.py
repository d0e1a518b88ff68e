"""``samband translate PATH --to fhir|plo|dialogmelding|ip-export``: one document through the FHIR pivot.

What the document is comes from ``FORMATS``, the translation from ``MAPPINGS``; a pair without a
mapping is refused with code ``mapping.no-pair``. An ebXML message (HTTP body, bare SOAP or a whole
mail) is translated as the Hodemelding it carries. The result goes to stdout (or ``-o OUT``), each
translation issue to stderr as one line.
Exit codes (INTERFACE.md): 0 translated, 1 the document could not be translated, 2 usage.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from samband.adapters.formats import source_format, translatable
from samband.kernel.errors import GatewayError
from samband.kernel.formats import TRANSLATABLE
from samband.kernel.problems import Problem
from samband.mappings.base import Context
from samband.mappings.registry import mapping_for

EXIT_OK, EXIT_FATAL, EXIT_USAGE = 0, 1, 2


def _report(issues: list[Problem]) -> None:
    for issue in issues:
        sys.stderr.write(f"{issue.severity} {issue.code} {issue.path}: {issue.text}\n")


def run_translate(path: Path, to: str, out: Path | None) -> int:
    """Translate ``path`` to ``to``; returns the exit code."""
    if to not in TRANSLATABLE:
        sys.stderr.write(
            f"error: cannot translate to {to!r}; choose one of {', '.join(sorted(TRANSLATABLE))}\n"
        )
        return EXIT_USAGE
    if not path.is_file():
        sys.stderr.write(f"error: {path} is not a file\n")
        return EXIT_USAGE
    ctx = Context(gateway_her=os.environ.get("SAMBAND_HER_ID"))
    try:
        document = translatable(path.read_bytes())
        done = mapping_for(source_format(document), to).translate(document, ctx)
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
