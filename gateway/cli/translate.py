"""``samband translate PATH... --to fhir|plo|dialogmelding|ip-export``: documents through the FHIR pivot.

What a document is comes from ``FORMATS``, the translation from ``MAPPINGS``; a pair without a
mapping is refused with code ``mapping.no-pair``. An ebXML message (HTTP body, bare SOAP or a whole
mail) is translated as the Hodemelding it carries. FHIR is read in JSON or XML and written as JSON.

One file: the result goes to stdout (or ``-o OUT``), each translation issue to stderr as one line.
A refusal is two lines on stderr: ``samband translate: [code] text (file:line:column, where)`` and
the refusal as JSON; past a limit of the safe reads its code (``json.too-deep`` …), a reader that
recursed too far ``document.too-deep``, anything unexpected
``internal.error`` with its type, never a traceback.
Exit codes (INTERFACE.md): 0 translated, 1 the document could not be translated, 2 usage.

A batch (several paths, a folder among them, or ``-o`` an existing folder): ``-o OUTDIR`` is
required; folders are walked recursively for *.xml and *.json; each input is written to OUTDIR
under the same relative path (a folder's own name first), with the target's extension (``.json``
for FHIR and ip-export, ``.xml`` for PLO and Dialogmelding). A refused file is counted by its code
and the batch goes on. A progress bar shows on a terminal (not with ``--quiet``); the summary
(translated, refused by code, issues by code) ends the run on stdout, as JSON with ``--format json``
(and then each file: input, output, status, code, issues). Exit 0 all translated, 1 any refused,
2 usage (several inputs without ``-o``, OUTDIR a file, two inputs writing the same output) or an
output that cannot be written (``cli.unwritable-file``).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from samband.adapters.formats import source_format, translatable
from samband.gateway.cli.guard import document_error, error_line, one_line
from samband.gateway.cli.validate import DOCUMENT_SUFFIXES
from samband.kernel.errors import ConfigurationError, GatewayError
from samband.kernel.formats import TRANSLATABLE, Format
from samband.kernel.problems import Problem
from samband.mappings.base import Context, Translation
from samband.mappings.registry import mapping_for

EXIT_OK, EXIT_FATAL, EXIT_USAGE = 0, 1, 2
PROG = "samband translate"
SUFFIXES = {Format.FHIR: ".json", Format.IP_EXPORT: ".json", Format.PLO: ".xml", Format.DIALOGMELDING: ".xml"}
"""The extension of what each target is written as (FHIR and ip-export as JSON)."""
TRANSLATED, REFUSED, UNWRITTEN = "translated", "refused", "unwritten"


class UsageError(Exception):
    """A batch that cannot start as given (one line for the operator, exit 2)."""


def translate_document(raw: bytes, to: str, ctx: Context) -> Translation[bytes]:
    """One document written as ``to``, through ``MAPPINGS`` (an ebXML message as its Hodemelding)."""
    document = translatable(raw)
    return mapping_for(source_format(document), to).translate(document, ctx)


def _context() -> Context:
    return Context(gateway_her=os.environ.get("SAMBAND_HER_ID"))


def _usage(text: str) -> int:
    sys.stderr.write(f"{PROG}: [cli.usage] {text}\n")
    return EXIT_USAGE


def _report(issues: list[Problem]) -> None:
    for issue in issues:
        sys.stderr.write(f"{issue.severity} {issue.code} {issue.path}: {issue.text}\n")


def run(
    paths: list[Path], to: str, out: Path | None, *, quiet: bool = False, json_output: bool = False
) -> int:
    """The ``samband translate`` command: one file as before, or a batch into a folder."""
    if to not in TRANSLATABLE:
        return _usage(f"cannot translate to {to!r}; choose one of {', '.join(sorted(TRANSLATABLE))}")
    folder_out = out is not None and out.is_dir()
    if len(paths) == 1 and not paths[0].is_dir() and not folder_out and not json_output:
        return run_translate(paths[0], to, out, quiet=quiet)
    return run_batch(paths, to, out, quiet=quiet, json_output=json_output)


def run_translate(path: Path, to: str, out: Path | None, *, quiet: bool = False) -> int:
    """Translate one file ``path`` to ``to`` (stdout or ``out``); returns the exit code."""
    if to not in TRANSLATABLE:
        return _usage(f"cannot translate to {to!r}; choose one of {', '.join(sorted(TRANSLATABLE))}")
    if not path.is_file():
        return _usage(f"not a file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        sys.stderr.write(f"{PROG}: [cli.unreadable-file] {one_line(str(exc))} ({path})\n")
        return EXIT_USAGE
    try:
        done = translate_document(raw, to, _context())
    except Exception as exc:
        refused = document_error(exc)
        sys.stderr.write(error_line(refused, path, PROG) + "\n")
        sys.stderr.write(json.dumps(refused.as_dict(), ensure_ascii=False) + "\n")
        return EXIT_FATAL
    if not quiet:
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


@dataclass(frozen=True)
class Job:
    """One input of a batch and the file its translation is written to."""

    source: Path
    output: Path


@dataclass(frozen=True)
class Outcome:
    """What became of one input: translated (with its issues), refused or not written (with the code)."""

    job: Job
    status: str
    error: GatewayError | None = None
    issues: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The ``--format json`` entry of one file: input, output, status, code, error, issues."""
        return {
            "input": str(self.job.source),
            "output": str(self.job.output) if self.status == TRANSLATED else None,
            "status": self.status,
            "code": self.error.code if self.error is not None else None,
            "error": self.error.as_dict() if self.error is not None else None,
            "issues": [issue.as_dict() for issue in self.issues],
        }


def _named(folder: Path) -> Path:
    """A folder's own name, also for ``.`` and ``..`` (the name of the folder they stand for)."""
    return Path(Path(os.path.normpath(folder.absolute())).name)


def plan_jobs(paths: list[Path], out: Path, suffix: str) -> list[Job]:
    """Every input with its output: a file as ``OUTDIR/<name>``, a folder's documents (walked
    recursively, sorted, not those under OUTDIR) as ``OUTDIR/<folder>/<path inside>``, with ``suffix``.
    A file named twice is one job; two inputs writing one output, or an input its own output, is
    a ``UsageError``."""
    outdir = out.resolve()
    jobs: dict[Path, Job] = {}
    for given in paths:
        if given.is_dir():
            found = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DOCUMENT_SUFFIXES
                and not p.resolve().is_relative_to(outdir)
            )
            pairs = [(p, _named(given) / p.relative_to(given)) for p in found]
        else:
            pairs = [(given, Path(given.name))]
        for source, relative in pairs:
            job = Job(source, out / relative.with_suffix(suffix))
            key = job.output.resolve()
            if key == source.resolve():
                raise UsageError(f"{source} would be overwritten by its own translation")
            earlier = jobs.setdefault(key, job)
            if earlier.source.resolve() != source.resolve():
                raise UsageError(f"{earlier.source} and {source} would both be written to {job.output}")
    return list(jobs.values())


def translate_job(job: Job, to: str, ctx: Context) -> Outcome:
    """Read, translate and write one input; whatever goes wrong is its coded outcome, never raised."""
    try:
        raw = job.source.read_bytes()
    except OSError as exc:
        detail = f"cannot read the file: {exc.strerror or type(exc).__name__}"
        return Outcome(job, REFUSED, ConfigurationError(detail, code="cli.unreadable-file"))
    try:
        done = translate_document(raw, to, ctx)
    except Exception as exc:
        return Outcome(job, REFUSED, document_error(exc))
    try:
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_bytes(done.result)
    except OSError as exc:
        detail = f"cannot write {job.output}: {exc.strerror or type(exc).__name__}"
        return Outcome(job, UNWRITTEN, ConfigurationError(detail, code="cli.unwritable-file"), done.issues)
    return Outcome(job, TRANSLATED, None, done.issues)


def run_batch(paths: list[Path], to: str, out: Path | None, *, quiet: bool, json_output: bool) -> int:
    """Translate every input into ``out``; a progress bar on a terminal, the summary at the end."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _usage(f"no such file or folder: {', '.join(missing)}")
    if out is None:
        return _usage("several inputs, a folder or --format json write into a folder: give -o OUTDIR")
    if out.exists() and not out.is_dir():
        return _usage(f"-o {out} is a file; a batch writes into a folder")
    try:
        jobs = plan_jobs(paths, out, SUFFIXES[Format(to)])
    except UsageError as exc:
        return _usage(str(exc))
    ctx = _context()
    console = Console(stderr=True, soft_wrap=True)
    outcomes: list[Outcome] = []
    with Progress(console=console, disable=quiet or not console.is_terminal) as progress:
        task = progress.add_task(f"translating to {to}", total=len(jobs))
        for job in jobs:
            outcome = translate_job(job, to, ctx)
            outcomes.append(outcome)
            if outcome.error is not None and not quiet:
                progress.console.print(
                    error_line(outcome.error, job.source, PROG), markup=False, highlight=False
                )
            progress.advance(task)
    summary = Summary(to, out, outcomes)
    sys.stdout.write((summary.as_json() if json_output else summary.as_text()) + "\n")
    sys.stdout.flush()
    return summary.exit_code()


@dataclass(frozen=True)
class Summary:
    """The end of a batch: how many were translated, refused (by code), and the issues by code."""

    to: str
    out: Path
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def refused_by_code(self) -> Counter[str]:
        return Counter(o.error.code for o in self.outcomes if o.error is not None)

    def issues_by_code(self) -> Counter[str]:
        return Counter(issue.code for o in self.outcomes for issue in o.issues)

    def exit_code(self) -> int:
        if self.count(UNWRITTEN):
            return EXIT_USAGE
        return EXIT_FATAL if self.count(REFUSED) else EXIT_OK

    def as_text(self) -> str:
        """``N document(s) to T in OUT: n translated, n refused``, then the counts by code."""
        head = f"{len(self.outcomes)} document(s) to {self.to} in {self.out}: "
        head += f"{self.count(TRANSLATED)} translated, {self.count(REFUSED)} refused"
        if self.count(UNWRITTEN):
            head += f", {self.count(UNWRITTEN)} not written"
        lines = [head]
        for title, counts in (
            ("refused by code", self.refused_by_code()),
            ("issues by code", self.issues_by_code()),
        ):
            if counts:
                lines.append(f"{title}: " + ", ".join(f"{code} {n}" for code, n in sorted(counts.items())))
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "to": self.to,
                "out": str(self.out),
                "documents": len(self.outcomes),
                "translated": self.count(TRANSLATED),
                "refused": self.count(REFUSED),
                "unwritten": self.count(UNWRITTEN),
                "refused_by_code": dict(sorted(self.refused_by_code().items())),
                "issues_by_code": dict(sorted(self.issues_by_code().items())),
                "files": [o.as_dict() for o in self.outcomes],
            },
            indent=2,
            ensure_ascii=False,
        )
