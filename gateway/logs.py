"""Where the service and the command line write their logs, and what may never be in them.

``configure_logging`` puts one handler on the root logger (replacing the one it put there before):
stderr, ``time level logger: message``. Every record passes ``PatientDataFilter`` first:

- an 11-digit number whose mod-11 check digits are right (fødselsnummer, D-nummer, H-nummer) is
  masked to its first six digits and ``*****``, in the message, its arguments, extra (structured)
  fields and the traceback;
- an exception is written without its message (a foreign exception's text may quote a document or a
  request body: pydantic's validation errors carry the input): the traceback keeps its frames and
  names each exception's type, and a ``GatewayError`` its code and where, never its values.

Names cannot be found by pattern; they stay out because no code logs message content, a request
body or validation input (docs/security.md, "Logs"). The service keeps tracebacks; the command line
writes one line per record, an exception reduced to its type and code, so no command shows one.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType

from samband.adapters.ident.person import check_digits_ok
from samband.kernel.errors import GatewayError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CLI_FORMAT = "samband: %(levelname)s %(name)s: %(message)s"
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
MASK = "*****"
# attributes every LogRecord has; anything else on a record came in through ``extra=``
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def mask_national_ids(text: str) -> str:
    """``text`` with every national id (11 digits, check digits right) cut to ``DDMMYY*****``."""
    return ELEVEN_DIGITS.sub(lambda m: m[0][:6] + MASK if check_digits_ok(m[0]) else m[0], text)


def describe(exc: BaseException) -> str:
    """An exception as a log shows it: its type, and a ``GatewayError``'s code and where."""
    if isinstance(exc, GatewayError):
        return f"{type(exc).__name__} [{exc.code}]" + (f" at {exc.where}" if exc.where else "")
    return type(exc).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or during, oldest first."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return found[::-1]


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its chain) with frames and types, without any exception's text."""
    parts: list[str] = []
    for index, link in enumerate(_chain(exc)):
        if index:
            parts.append("\nThe exception above led to the one below:\n\n")
        if link.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.StackSummary.extract(traceback.walk_tb(link.__traceback__)).format())
        parts.append(describe(link) + "\n")
    return mask_national_ids("".join(parts).rstrip("\n"))


class PatientDataFilter(logging.Filter):
    """Masks national ids in a record (message, arguments, extra fields, stack) and writes its
    exception as ``safe_traceback``: attached to the handler, so nothing reaches the log unmasked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_national_ids(record.getMessage())
        record.args = None
        for name, value in list(vars(record).items()):
            if name not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, mask_national_ids(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = safe_traceback(record.exc_info[1])
        if record.stack_info:
            record.stack_info = mask_national_ids(record.stack_info)
        return True


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
    """Install the one stderr handler on the root logger at ``level`` (tracebacks kept or not),
    with ``PatientDataFilter``; the uvicorn loggers write through it too."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, StderrHandler):
            root.removeHandler(handler)
    handler = StderrHandler(level)
    handler.addFilter(PatientDataFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT) if tracebacks else OneLineFormatter(CLI_FORMAT))
    root.addHandler(handler)
    if root.level > level:
        root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    return handler
