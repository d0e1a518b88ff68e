"""Where the service and the command line write their logs, and in what shape.

``configure_logging`` puts one handler on the root logger (replacing the one it put there before):
stderr, ``time level logger: message``. The service keeps tracebacks in its log for the operator;
the command line writes one line per record, an exception reduced to its type and code, so no
command shows a traceback.
"""

from __future__ import annotations

import logging
import sys

from samband.kernel.errors import GatewayError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CLI_FORMAT = "samband: %(levelname)s %(name)s: %(message)s"


def describe(exc: BaseException) -> str:
    """An exception as the one-line log shows it: its type, and its code when it has one."""
    if isinstance(exc, GatewayError):
        return f"{type(exc).__name__} {exc.code}"
    return type(exc).__name__


class OneLineFormatter(logging.Formatter):
    """A record as one line: no traceback, no stack; the exception's type (and code) in brackets."""

    def format(self, record: logging.LogRecord) -> str:
        exc_info, exc_text, stack_info = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            text = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = exc_info, exc_text, stack_info
        if exc_info and exc_info[1] is not None:
            text += f" [{describe(exc_info[1])}]"
        return " ".join(text.split())


class StderrHandler(logging.Handler):
    """Writes to the ``sys.stderr`` of the moment (a test runner may swap it between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure_logging(level: int = logging.INFO, *, tracebacks: bool = True) -> logging.Handler:
    """Install the one stderr handler on the root logger at ``level`` (tracebacks kept or not)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, StderrHandler):
            root.removeHandler(handler)
    handler = StderrHandler(level)
    handler.setFormatter(logging.Formatter(LOG_FORMAT) if tracebacks else OneLineFormatter(CLI_FORMAT))
    root.addHandler(handler)
    if root.level > level:
        root.setLevel(level)
    return handler
