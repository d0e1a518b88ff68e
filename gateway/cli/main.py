"""The ``samband`` command line: one function per command, each delegating to its own module.

Names and exit codes are part of the interface vendors script against (README.md, "Use it"). No
command prints a traceback (``gateway/cli/guard.py``): an error is one line, ``samband: [code] text
(where)``, exit 1 for invalid input, 2 for usage or configuration, 130 when interrupted.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from samband import __version__
from samband.gateway.cli.guard import GuardedGroup, guarded
from samband.gateway.logs import configure_logging
from samband.kernel.formats import TRANSLATABLE

app = typer.Typer(
    name="samband",
    help="Samband: PLO/ebXML, FHIR and individual-plan gateway for municipal health and care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=GuardedGroup,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"samband {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="print the version and exit", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Samband: PLO/ebXML, FHIR and individual-plan gateway for municipal health and care."""
    configure_logging(logging.WARNING, tracebacks=False)  # `serve` and `worker` log more, with tracebacks


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="SAMBAND_DATABASE_URL", help="SQLAlchemy URL"),
]


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="files or folders to validate")],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text (one finding a line) or json")
    ] = OutputFormat.TEXT,
) -> None:
    """Validate ebXML, Hodemelding, AppRec, Dialogmelding, PLO, FHIR or ip-export documents."""
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up
    from samband.gateway.cli.validate import run_validate  # lazy: start-up

    require_schemas("validate")
    raise typer.Exit(run_validate(paths, json_output=output is OutputFormat.JSON))


@app.command()
def translate(
    paths: Annotated[list[Path], typer.Argument(help="the documents to translate: files or folders")],
    to: Annotated[str, typer.Option("--to", help=f"target format: {' | '.join(TRANSLATABLE)}")],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="write here, not stdout (a folder for several inputs)")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no progress bar, issue or refusal lines")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="the summary of several inputs: text or json")
    ] = OutputFormat.TEXT,
) -> None:
    """Translate documents: one to stdout (or OUT); several files or folders into the folder OUT, with
    progress and a summary."""
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up
    from samband.gateway.cli.translate import run  # lazy: start-up

    require_schemas("translate")
    raise typer.Exit(run(paths, to, out, quiet=quiet, json_output=output is OutputFormat.JSON))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8080,
    database_url: DatabaseUrl = None,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="worker processes beside the API (0: one worker thread inside it); the API then answers "
            "a post once stored and checked unless SAMBAND_PROCESS_IN_WORKERS says otherwise",
        ),
    ] = 0,
) -> None:
    """Run the HTTP API, console and a delivery worker in one process (or ``--workers N`` processes)."""
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up
    from samband.gateway.cli.serve import run_serve  # lazy: start-up

    require_schemas("serve")
    run_serve(host, port, database_url, workers=workers)


@app.command()
def worker(database_url: DatabaseUrl = None) -> None:
    """Run an extra delivery worker against a shared database."""
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up
    from samband.gateway.cli.serve import run_worker  # lazy: start-up

    require_schemas("worker")
    run_worker(database_url)


@app.command()
def check(database_url: DatabaseUrl = None) -> None:
    """Is this installation ready? Database, schemas, routes, registers, NHN: ok, or the problem and fix."""
    from samband.gateway.cli.check import run_check  # lazy: start-up

    raise typer.Exit(run_check(database_url))


@app.command()
def replay(
    source: Annotated[str, typer.Argument(help="stored message id, search (key=value,…) or folder")],
    to: Annotated[str | None, typer.Option("--to", help="override endpoint URL")] = None,
    transport: Annotated[
        str | None, typer.Option("--transport", help="transport for --to (default http)")
    ] = None,
    target_format: Annotated[
        str | None,
        typer.Option("--target-format", help="deliver as: fhir | plo | dialogmelding | ip-export | as-is"),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show what would be sent")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Re-send stored messages or files from a folder, with progress and a summary."""
    from samband.gateway.cli.replay import run_replay  # lazy: start-up
    from samband.gateway.replay import ReplayOrder  # lazy: start-up

    order = ReplayOrder(endpoint=to, transport=transport, target_format=target_format)
    raise typer.Exit(run_replay(source, order, dry_run, database_url))


@app.command()
def prune(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would be cleared; change nothing")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Apply the configured retention (SAMBAND_RETENTION_*_DAYS): clear the bytes of settled messages
    past it, with counts per kind."""
    from samband.gateway.cli.prune import run_prune  # lazy: start-up

    raise typer.Exit(run_prune(dry_run, database_url))


@app.command()
def diff(
    a: Annotated[Path, typer.Argument(help="first message set (file or folder)")],
    b: Annotated[Path, typer.Argument(help="second message set (file or folder)")],
) -> None:
    """Compare two message sets paired by MsgId: exact, equivalent, different, missing."""
    from samband.gateway.cli.diff import run_diff  # lazy: start-up

    raise typer.Exit(run_diff(a, b))


@app.command()
def corpus(out: Annotated[Path, typer.Option("--out", help="folder to write into")]) -> None:
    """Write the scenario message chains (synthetic persons) used by tests and demos (source checkout)."""
    from samband.gateway.cli.checkout import source_tool  # lazy: start-up
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up

    run_corpus = source_tool("corpus", "tools.corpus.parts", "run_corpus")
    require_schemas("corpus")
    raise typer.Exit(run_corpus(out))


@app.command()
def acceptance(
    folder: Annotated[Path, typer.Argument(help="folder of test messages (*.xml, searched recursively)")],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text (tables; Markdown in REPORT) or json")
    ] = OutputFormat.TEXT,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="write the report here")] = None,
) -> None:
    """Run the official acceptance rules over a folder of test messages; print the report to hand in."""
    from samband.gateway.cli.acceptance import run_acceptance  # lazy: start-up
    from samband.gateway.cli.schemas import require_schemas  # lazy: start-up

    require_schemas("acceptance")
    raise typer.Exit(run_acceptance(folder, json_output=output is OutputFormat.JSON, out=out))


schemas = typer.Typer(
    name="schemas",
    help="The official XSDs: install them (checked against pinned SHA-256s) and see what is installed.",
    no_args_is_help=True,
)
app.add_typer(schemas)


@schemas.command("fetch")
def schemas_fetch(
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            envvar="SAMBAND_SCHEMAS_FROM",
            help="a folder or http(s) mirror laid out like the installed one (default: the published files)",
        ),
    ] = None,
) -> None:
    """Install the official XSDs into the per-user data folder; exit 1 when any file is refused."""
    from samband.gateway.cli.schemas_fetch import run_fetch  # lazy: start-up

    raise typer.Exit(run_fetch(source))


@schemas.command("status")
def schemas_status() -> None:
    """List the official XSDs installed, missing or changed; exit 0 only when all are as pinned."""
    from samband.gateway.cli.schemas import run_status  # lazy: start-up

    raise typer.Exit(run_status())


dev = typer.Typer(
    name="dev",
    help="Local stand-ins of outside services for trying flows on one machine.",
    no_args_is_help=True,
)
app.add_typer(dev)


@dev.command("nhn-msh")
def dev_nhn_msh(
    her_ids: Annotated[
        str, typer.Option("--her-ids", help="the HER-ids it serves, separated by commas")
    ] = "8142001,8142002",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8090,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            envvar="SAMBAND_NHN_MSH_SPEC",
            help="NHN's msh-api-v2.json (default: reference/nhn/ under SAMBAND_SHARED_DIR or ../shared)",
        ),
    ] = None,
    client_id: Annotated[str, typer.Option("--client-id", help="the HelseID client it registers")] = (
        "samband-dev"
    ),
    key: Annotated[
        Path, typer.Option("--key", help="that client's JWK (made when missing, kept otherwise)")
    ] = Path("var/nhn-msh/samband-dev.jwk"),
    nonce: Annotated[bool, typer.Option("--nonce", help="demand DPoP nonces (as HelseID may)")] = False,
) -> None:
    """A local NHN message service (Meldingstjener API v2 + HelseID token issuer)."""
    from samband.gateway.cli.dev import her_ids_of, run_nhn_msh  # lazy: start-up

    run_nhn_msh(host, port, her_ids_of(her_ids), spec, client_id, key, nonce)


def main() -> None:
    guarded(app)
