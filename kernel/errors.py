"""Every error Samband raises, and the one table that turns an error into a reply.

    GatewayError                        .code (stable string), .detail, .where, .expected, .received
    ├── MessageRejected                 permanent, caused by the sender: negative AppRec, HTTP 422, no retry
    │   ├── XmlRefused                  hostile or oversized XML: DTD, entity, too large, too deep (T01)
    │   ├── ParseError                  not well-formed, wrong encoding, not the expected root (T01)
    │   ├── SchemaInvalid               fails the official schema (T02)
    │   ├── UnsupportedMessage          unknown message type, version or namespace (T10)
    │   ├── InvalidMsgId                MsgInfo/MsgId is not a UUID (E10)
    │   ├── PatientIdentInvalid         FNR/DNR missing or with wrong check digits (E31)
    │   ├── MappingError                required element missing, unknown code, unmappable (X99)
    │   ├── NoRouteMatched              no route takes this message (E21)
    │   └── ContractViolation           ip-export breaks the contract, an invariant or the revision chain
    ├── DeliveryError                   a problem on the receiving side
    │   ├── DeliveryUnavailable         transient: timeout, 5xx, connection refused: retry, then dead letter
    │   └── DeliveryRefused             permanent: the receiver said no: dead letter and alert
    ├── RegistryUnavailable             an NHN register (Adresseregister, CPPA) did not answer: transient
    └── ConfigurationError              start-up only: fail fast

Each class has one row in ``REPLIES``; ``tests/unit/gateway/test_errors.py`` checks that no class is
missing. Foreign exceptions are translated where they enter (``raise … from exc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class GatewayError(Exception):
    """Base of every Samband error: a stable ``code`` plus where it happened and what was expected."""

    default_code: ClassVar[str] = "internal-error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        where: str | None = None,
        line: int | None = None,
        column: int | None = None,
        expected: str | None = None,
        received: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.where = where
        self.line = line
        self.column = column
        self.expected = expected
        self.received = received

    def __str__(self) -> str:
        parts = [f"[{self.code}] {self.detail}"]
        if self.line is not None:
            parts.append(f"line {self.line}" + (f":{self.column}" if self.column else ""))
        if self.where:
            parts.append(f"at {self.where}")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        if self.received is not None:
            parts.append(f"received {self.received!r}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by the HTTP API and `--format json`."""
        return {
            "code": self.code,
            "detail": self.detail,
            "where": self.where,
            "line": self.line,
            "column": self.column,
            "expected": self.expected,
            "received": self.received,
        }


class MessageRejected(GatewayError):
    default_code = "message-rejected"


class XmlRefused(MessageRejected):
    default_code = "xml.refused"


class ParseError(MessageRejected):
    default_code = "xml.not-well-formed"


class SchemaInvalid(MessageRejected):
    default_code = "schema.invalid"


class UnsupportedMessage(MessageRejected):
    default_code = "message.unsupported"


class InvalidMsgId(MessageRejected):
    default_code = "msghead.invalid-msgid"


class PatientIdentInvalid(MessageRejected):
    default_code = "patient.invalid-ident"


class MappingError(MessageRejected):
    default_code = "mapping.failed"


class NoRouteMatched(MessageRejected):
    default_code = "routing.no-route"


class ContractViolation(MessageRejected):
    default_code = "ip-export.invalid"


class DeliveryError(GatewayError):
    default_code = "delivery.failed"


class DeliveryUnavailable(DeliveryError):
    default_code = "delivery.unavailable"


class DeliveryRefused(DeliveryError):
    default_code = "delivery.refused"


class RegistryUnavailable(GatewayError):
    default_code = "registry.unavailable"


class ConfigurationError(GatewayError):
    default_code = "config.invalid"


@dataclass(frozen=True)
class Reply:
    """How the gateway answers an error: AppRec status (8258) and error code (8221), HTTP, retry."""

    apprec_status: str | None
    apprec_error: str | None
    http_status: int
    retry: bool


REPLIES: dict[type[GatewayError], Reply] = {
    GatewayError: Reply(None, None, 500, False),
    MessageRejected: Reply("2", "X99", 422, False),
    XmlRefused: Reply("2", "T01", 422, False),
    ParseError: Reply("2", "T01", 422, False),
    SchemaInvalid: Reply("2", "T02", 422, False),
    UnsupportedMessage: Reply("2", "T10", 422, False),
    InvalidMsgId: Reply("2", "E10", 422, False),
    PatientIdentInvalid: Reply("2", "E31", 422, False),
    MappingError: Reply("2", "X99", 422, False),
    NoRouteMatched: Reply("2", "E21", 422, False),
    ContractViolation: Reply(None, None, 422, False),
    DeliveryError: Reply(None, None, 502, True),
    DeliveryUnavailable: Reply(None, None, 503, True),
    DeliveryRefused: Reply(None, None, 502, False),
    RegistryUnavailable: Reply(None, None, 503, True),
    ConfigurationError: Reply(None, None, 500, False),
}


def reply_for(error: GatewayError) -> Reply:
    """The reply for ``error``: the row of its own class, else of the nearest ancestor."""
    for cls in type(error).__mro__:
        if cls in REPLIES:
            return REPLIES[cls]
    return REPLIES[GatewayError]


def is_permanent(error: GatewayError) -> bool:
    """True when retrying cannot help (the sender or the receiver refused for good)."""
    return not reply_for(error).retry
