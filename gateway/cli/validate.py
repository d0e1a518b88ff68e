"""`samband validate PATH...`: one finding per line (or JSON), exit 0 all valid, 1 any invalid, 2 usage.

Folders are walked for *.xml and *.json; each document is detected and validated by its adapter.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from samband.adapters.formats import validate
from samband.kernel.formats import Format
from samband.kernel.problems import Problem, Severity, has_errors

DOCUMENT_SUFFIXES = {".xml", ".json"}


@dataclass(frozen=True)
class FileResult:
    path: Path
    kind: Format | None
    findings: list[Problem]

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)


def iter_documents(paths: list[Path]) -> Iterator[Path]:
    """Files as given, folders walked in sorted order for documents."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
            )
        else:
            yield path


def validate_file(path: Path) -> FileResult:
    kind, findings = validate(path.read_bytes())
    return FileResult(path, kind, findings)


def format_finding(path: Path, finding: Problem) -> str:
    """``file:line:column severity rule xpath message`` — stable, greppable, one line."""
    message = " ".join(finding.text.split())
    return f"{path}:{finding.location()} {finding.severity} {finding.code} {finding.path or '-'} {message}"


def finding_json(finding: Problem) -> dict[str, object]:
    """The ``--format json`` keys of one finding (``rule``, ``message``, ``xpath`` as published)."""
    return {
        "rule": finding.code,
        "severity": str(finding.severity),
        "message": finding.text,
        "line": finding.line,
        "column": finding.column,
        "xpath": finding.path,
    }


def _summary(results: list[FileResult]) -> str:
    errors = sum(f.severity is Severity.ERROR for r in results for f in r.findings)
    warnings = sum(f.severity is Severity.WARNING for r in results for f in r.findings)
    invalid = sum(not r.valid for r in results)
    return (
        f"{len(results)} document(s): {len(results) - invalid} valid, {invalid} invalid; "
        f"{errors} error(s), {warnings} warning(s)"
    )


def _as_json(results: list[FileResult]) -> str:
    return json.dumps(
        [
            {
                "file": str(r.path),
                "kind": str(r.kind) if r.kind else None,
                "valid": r.valid,
                "findings": [finding_json(f) for f in r.findings],
            }
            for r in results
        ],
        indent=2,
        ensure_ascii=False,
    )


def run_validate(paths: list[Path], *, json_output: bool) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        sys.stderr.write(f"samband validate: no such file or folder: {', '.join(map(str, missing))}\n")
        return 2
    results = [validate_file(path) for path in iter_documents(paths)]
    if json_output:
        sys.stdout.write(_as_json(results) + "\n")
    else:
        for result in results:
            for finding in result.findings:
                sys.stdout.write(format_finding(result.path, finding) + "\n")
        sys.stderr.write(_summary(results) + "\n")
    return 0 if all(r.valid for r in results) else 1
