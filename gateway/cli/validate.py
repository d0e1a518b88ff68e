"""`samband validate PATH...`: one finding per line (or JSON), exit 0 all valid, 1 any invalid, 2 usage.

Folders are walked (recursively) for *.xml and *.json; each document is detected and validated by
its adapter, file by file: whatever one file raises becomes a coded finding of that file (a file
that cannot be read ``cli.unreadable-file``, past a limit of the safe reads its code
(``json.too-deep`` …), a reader that recursed too far ``document.too-deep``, anything
unexpected ``internal.error`` with the exception's type) and the run goes on with the next. The
summary (files, valid, invalid, error findings by code) ends the run on stderr.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from samband.adapters.formats import validate
from samband.gateway.cli.guard import document_error
from samband.kernel.errors import ConfigurationError
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
    """One file's findings; never raises (a failure is the file's coded finding)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        unreadable = ConfigurationError(
            f"cannot read the file: {exc.strerror or type(exc).__name__}", code="cli.unreadable-file"
        )
        return FileResult(path, None, [unreadable.problem()])
    try:
        kind, findings = validate(raw)
    except Exception as exc:
        return FileResult(path, None, [document_error(exc).problem()])
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


def summary(results: list[FileResult]) -> str:
    """``N document(s): V valid, I invalid; E error(s), W warning(s)[; by code: code n, …]``."""
    codes = Counter(f.code for r in results for f in r.findings if f.severity is Severity.ERROR)
    warnings = sum(f.severity is Severity.WARNING for r in results for f in r.findings)
    invalid = sum(not r.valid for r in results)
    line = (
        f"{len(results)} document(s): {len(results) - invalid} valid, {invalid} invalid; "
        f"{codes.total()} error(s), {warnings} warning(s)"
    )
    if codes:
        line += "; by code: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items()))
    return line


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
    results: list[FileResult] = []
    for path in iter_documents(paths):
        result = validate_file(path)
        results.append(result)
        if not json_output:
            for finding in result.findings:
                sys.stdout.write(format_finding(result.path, finding) + "\n")
            sys.stdout.flush()
    if json_output:
        sys.stdout.write(_as_json(results) + "\n")
    sys.stderr.write(summary(results) + "\n")
    return 0 if all(r.valid for r in results) else 1
