"""Validation findings: one per problem, with rule id, severity and where (line:column, XPath).

``samband validate`` prints them one per line; the gateway stores them with the message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from samband.kernel.errors import GatewayError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One validation result. ``rule`` is a stable id such as ``xsd``, ``fnr.check-digit``."""

    rule: str
    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    xpath: str | None = None

    def location(self) -> str:
        return f"{self.line or 0}:{self.column or 0}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def finding_from_error(error: GatewayError) -> Finding:
    """A refusal (parse error, hostile XML …) reported as one error-level finding."""
    return Finding(
        rule=error.code,
        severity=Severity.ERROR,
        message=str(error),
        line=error.line,
        column=error.column,
        xpath=error.where,
    )


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
