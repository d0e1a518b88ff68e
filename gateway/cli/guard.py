"""No command prints a traceback: every error is one line with its code and where, and an exit code.

``samband: [code] text (where)`` on stderr; exit 1 for invalid input (a refused document, a
delivery or register problem, an unexpected exception: ``internal.error`` with its type), 2 for
usage or configuration (bad flags: ``cli.usage``; settings, route file, database URL, missing
schemas: ``config.*``), 130 when interrupted. ``GuardedGroup`` is the click group of the
``samband`` app, so the real command and ``CliRunner`` over it behave alike; ``main`` adds a last
guard around the whole program.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from samband.kernel.errors import ConfigurationError, GatewayError, ParseError

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_TEXT = 400
PROG = "samband"


def one_line(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` with its whitespace folded to single spaces, cut at ``limit`` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def place(error: GatewayError, path: Path | str | None = None) -> str:
    """Where ``error`` happened: ``file:line:column`` (the parts known) and the XPath or pointer."""
    parts: list[str] = []
    position = f":{error.line}" + (f":{error.column}" if error.column else "") if error.line else ""
    if path is not None:
        parts.append(f"{path}{position}")
    elif position:
        parts.append(f"line {position[1:]}")
    if error.where:
        parts.append(error.where)
    return ", ".join(parts)


def error_line(error: GatewayError, path: Path | str | None = None, prog: str = PROG) -> str:
    """``samband: [code] text (where)``: one line for the operator."""
    where = place(error, path)
    return f"{prog}: [{error.code}] {one_line(error.detail)}" + (f" ({one_line(where)})" if where else "")


def exit_code(error: GatewayError) -> int:
    """2 for configuration (the operator must fix the set-up), 1 for everything else."""
    return EXIT_USAGE if isinstance(error, ConfigurationError) else EXIT_INVALID


def internal_error(exc: BaseException, where: str | None = None) -> GatewayError:
    """An exception the code did not expect, as the coded ``internal.error`` naming its type."""
    text = one_line(str(exc)) or "(no message)"
    return GatewayError(f"{type(exc).__name__}: {text}", code="internal.error", where=where)


def document_error(exc: Exception) -> GatewayError:
    """What reading one document raised, coded: a refusal keeps its code; a recursion too deep or a
    value the reader cannot hold is bad input; anything else is an ``internal.error``."""
    if isinstance(exc, GatewayError):
        return exc
    if isinstance(exc, RecursionError):
        return ParseError(
            "the document nests deeper than can be read",
            code="document.too-deep",
            expected="a document nested less deeply",
        )
    if isinstance(exc, ValueError) and not isinstance(exc, UnicodeError):
        return ParseError(
            f"the document holds a value that cannot be read: {one_line(str(exc), 200)}",
            code="document.unreadable",
        )
    return internal_error(exc)


def is_settings_error(exc: Exception) -> bool:
    """True for settings (``SAMBAND_*`` variables read by a ``…Settings`` model) that do not validate."""
    return isinstance(exc, ValidationError) and exc.title.endswith("Settings")


def settings_error(exc: ValidationError) -> ConfigurationError:
    """Settings that do not validate, as one coded configuration error naming the first bad field."""
    errors = exc.errors()
    first = errors[0] if errors else None
    field = ".".join(str(p) for p in first["loc"]) if first else ""
    return ConfigurationError(
        f"invalid setting {field or '(unknown)'}: {first['msg'] if first else 'invalid'}",
        code="config.invalid",
        where=exc.title,
    )


def _fail(line: str, code: int) -> NoReturn:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    raise typer.Exit(code)


def _usage_line(error: typer.TyperException) -> str:
    """A usage error (unknown option, missing argument, bad value) as one line naming ``--help``."""
    ctx = getattr(error, "ctx", None)
    command = getattr(ctx, "command_path", None) or PROG
    return f"{PROG}: [cli.usage] {one_line(error.format_message())} (see {command} --help)"


class GuardedGroup(TyperGroup):
    """The ``samband`` group: usage errors and every exception a command raises become one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            _fail(f"{PROG}: interrupted", EXIT_INTERRUPTED)
        except GatewayError as error:
            _fail(error_line(error), exit_code(error))
        except Exception as error:
            if isinstance(error, ValidationError) and is_settings_error(error):
                _fail(error_line(settings_error(error)), EXIT_USAGE)
            _fail(error_line(internal_error(error)), EXIT_INVALID)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            done = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # `samband` alone: the commands
                sys.stderr.write(error.format_message() + "\n")
            else:
                sys.stderr.write(_usage_line(error) + "\n")
            sys.exit(error.exit_code)
        except typer.Abort:
            sys.stderr.write(f"{PROG}: aborted\n")
            sys.exit(EXIT_INVALID)
        sys.exit(done if isinstance(done, int) else 0)


def guarded(run: Callable[[], object]) -> None:
    """Run the whole program (``run()``); what escapes the group still ends as one line."""
    try:
        run()
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except GatewayError as error:
        sys.stderr.write(error_line(error) + "\n")
        sys.exit(exit_code(error))
    except Exception as error:
        sys.stderr.write(error_line(internal_error(error)) + "\n")
        sys.exit(EXIT_INVALID)
