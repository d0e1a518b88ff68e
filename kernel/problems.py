"""The one problem shape: a validation finding, a mapping issue and a refusal all read alike.

``code`` is a stable id from the catalogue (``kernel/catalogue.yaml``); ``path`` says where: an XPath
in XML, a JSON pointer in JSON, a resource path in a FHIR bundle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One problem: ``text`` for the operator (English), ``text_no`` for the sender (Norwegian).

    ``samband validate`` prints it one per line; mapping issues are stored with the message.
    """

    code: str
    severity: Severity
    text: str
    line: int | None = None
    column: int | None = None
    path: str | None = None
    text_no: str = ""

    def location(self) -> str:
        """``line:column``, 0 for what is unknown."""
        return f"{self.line or 0}:{self.column or 0}"

    def as_dict(self) -> dict[str, object]:
        """The stored JSON shape (message and translation issues); line/column only when known."""
        data: dict[str, object] = {
            "path": self.path or "",
            "code": self.code,
            "severity": str(self.severity),
            "text": self.text,
            "text_no": self.text_no,
        }
        if self.line is not None:
            data["line"] = self.line
        if self.column is not None:
            data["column"] = self.column
        return data


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when one of ``problems`` is an error (so the document is refused)."""
    return any(p.severity is Severity.ERROR for p in problems)
