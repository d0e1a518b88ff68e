"""The report a vendor hands in: a header (Samband version, date, folder, the documents the rules
come from), a table per message type folder (case file, case, expected, got, AppRec, result) and a
summary; as Markdown (the text report) or JSON, one row per file.
"""

from __future__ import annotations

import json
from typing import Any

from samband import __version__
from samband.gateway.acceptance.cases import Expectation, document_of, source_document
from samband.gateway.acceptance.gateways import Got
from samband.gateway.acceptance.run import FAIL, NO_EXPECTATION, PASS, Row, Run

TITLE = "Samband acceptance report"
COLUMNS = ("#", "case file", "case", "expected", "got", "AppRec", "result")
TEXT_LIMIT = 160


def header(run: Run) -> list[tuple[str, str]]:
    """The facts the report starts with, as (label, value); the documents follow (``documents``)."""
    return [
        ("Samband", __version__),
        ("Date", run.started.isoformat(timespec="seconds")),
        ("Folder", str(run.folder.resolve())),
        ("Rules from", "" if documents(run) else "(no file has an expectation)"),
    ]


def documents(run: Run) -> list[str]:
    """The receive test documents the expectations of this run come from (title and file)."""
    keys = {document_of(row.path) for row in run.rows if row.expected is not None}
    return sorted(source_document(key) for key in keys if key is not None)


def summary(run: Run) -> str:
    return (
        f"{len(run.rows)} file(s): {run.count(PASS)} passed, {run.count(FAIL)} failed, "
        f"{run.count(NO_EXPECTATION)} without expectation"
    )


def by_folder(run: Run) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in run.rows:
        grouped.setdefault(row.folder, []).append(row)
    return grouped


def expected_cell(expected: Expectation | None) -> str:
    if expected is None:
        return "-"
    codes = (expected.error_code,) if expected.error_code else ()
    warned = expected.verdict == "warn" and expected.code
    verdict = f"{expected.verdict} ({expected.code})" if warned else expected.verdict
    return _answer(verdict, expected.apprec_status, codes)


def got_cell(got: Got) -> str:
    """The verdict (with the warnings it was taken in with), the AppRec status and its error codes."""
    verdict = f"{got.verdict} ({', '.join(got.warnings)})" if got.warnings else got.verdict
    return _answer(verdict, got.apprec_status, got.error_codes)


def apprec_cell(got: Got, limit: int = TEXT_LIMIT) -> str:
    """The AppRec as the sender's user sees it: status, then each error code with its text."""
    if got.apprec_status is None:
        return "none"
    errors = "; ".join(f"{code}: {text}" for code, text in zip(got.error_codes, got.texts, strict=False))
    cell = f"{got.apprec_status} {errors}".strip()
    return cell if len(cell) <= limit else cell[: limit - 1] + "…"


def cells(index: int, row: Row, limit: int = TEXT_LIMIT) -> tuple[str, ...]:
    """One table row, in the order of ``COLUMNS``."""
    case = row.expected.case if row.expected else "-"
    return (
        str(index),
        row.path.name,
        case,
        expected_cell(row.expected),
        got_cell(row.got),
        apprec_cell(row.got, limit),
        row.result,
    )


def as_markdown(run: Run) -> str:
    lines = [f"# {TITLE}", ""]
    lines += [f"- **{label}**: {value}".rstrip() for label, value in header(run)]
    lines += [f"  - {document}" for document in documents(run)]
    for folder, rows in by_folder(run).items():
        lines += ["", f"## {folder or '.'}", "", _md_row(COLUMNS), _md_row(("---",) * len(COLUMNS))]
        lines += [_md_row(cells(i, row)) for i, row in enumerate(rows, 1)]
    lines += ["", "## Summary", "", summary(run), ""]
    return "\n".join(lines)


def as_json(run: Run) -> str:
    report = {
        "samband": __version__,
        "date": run.started.isoformat(timespec="seconds"),
        "folder": str(run.folder.resolve()),
        "documents": documents(run),
        "rows": [_row_json(row) for row in run.rows],
        "summary": {
            "files": len(run.rows),
            "passed": run.count(PASS),
            "failed": run.count(FAIL),
            "no_expectation": run.count(NO_EXPECTATION),
        },
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _row_json(row: Row) -> dict[str, Any]:
    expected = row.expected
    return {
        "folder": row.folder,
        "file": row.path.name,
        "case": expected.case if expected else None,
        "expected": None
        if expected is None
        else {
            "verdict": expected.verdict,
            "apprec_status": expected.apprec_status,
            "error_code": expected.error_code,
            "warning": expected.code if expected.verdict == "warn" else None,
            "text_no": expected.text_no,
            "requirement": expected.requirement,
        },
        "got": {
            "verdict": row.got.verdict,
            "status": row.got.status,
            "apprec_status": row.got.apprec_status,
            "error_codes": list(row.got.error_codes),
            "texts": list(row.got.texts),
            "warnings": list(row.got.warnings),
        },
        "result": row.result,
    }


def _answer(verdict: str, status: str | None, codes: tuple[str, ...]) -> str:
    parts = [verdict, f"AppRec {status}" if status else "no AppRec", *codes]
    return ", ".join(parts)


def _md_row(values: tuple[str, ...]) -> str:
    return "| " + " | ".join(v.replace("|", "\\|").replace("\n", " ") for v in values) + " |"
