"""Every error Samband raises, and the policy that turns an error into a reply.

    GatewayError                        .code (stable string), .detail, .where, .expected, .received
    ├── MessageRejected                 permanent, caused by the sender: negative AppRec, HTTP 422, no retry
    │   ├── XmlRefused                  hostile or oversized XML: DTD, entity, too large, too deep (T01)
    │   ├── ParseError                  not well-formed, wrong encoding, not the expected root (T01)
    │   ├── SchemaInvalid               fails the official schema (T02)
    │   ├── UnsupportedMessage          unknown message type, version or namespace (T10)
    │   ├── InvalidMsgId                MsgInfo/MsgId is missing or empty (E10)
    │   ├── PatientIdentInvalid         FNR/DNR missing or with wrong check digits (E31)
    │   │   ├── PatientIdentMissing     the patient has no identifier with a value (E30)
    │   │   └── PatientUnidentified     neither the patient's name nor an identifier (E36)
    │   ├── MappingError                required element missing, unknown code, unmappable (X99)
    │   ├── NoRouteMatched              no route takes this message (E21)
    │   └── ContractViolation           ip-export breaks the contract, an invariant or the revision chain
    ├── DeliveryError                   a problem on the receiving side
    │   ├── DeliveryUnavailable         transient: timeout, 5xx, connection refused: retry, then dead letter
    │   ├── DeliveryRefused             permanent: the receiver said no: dead letter and alert
    │   └── DeliveryMisconfigured       our own credentials do not hold (an NHN 401/403, HelseID
    │                                   refusing the client): kept, tried again past the route's
    │                                   cap, never a dead letter nor a negative AppRec; alert
    ├── RequestRefused                  a request refused before anything is stored: body too large (413)
    │   └── RequestTimeout              its body did not arrive in time (408): the sender may send it again
    ├── RegistryUnavailable             an NHN register (Adresseregister, CPPA) did not answer: transient
    │   └── RegistryRefused             it refused the gateway's HelseID client (401/403): configuration;
    │                                   callers treat it as unavailable (cached answers serve meanwhile)
    ├── AccessRefused                   the API caller did not prove who it is (HTTP 401, WWW-Authenticate)
    │   └── AccessForbidden             the caller is known but lacks the role the endpoint needs (403)
    ├── ReplayRefused                   a replay to an endpoint outside the allow-list: HTTP 403, nothing kept
    │   ├── ReplayTooMany               a bulk replay of a search that finds too many messages (422)
    │   └── ReplayUnconfirmed           a bulk replay not confirmed for what its search finds now (409)
    ├── RequestInvalid                  an API request the gateway cannot carry out as asked: an unknown
    │   │                               filter value or parameter (400)
    │   ├── BodyInvalid                 a JSON body field missing or not of its type (422)
    │   ├── ReplayUnwritable            a replay in a format with no mapping, or an unknown transport (422)
    │   └── RouteConflict               a switch the route file overrules (409)
    ├── FhirApiError                    a FHIR REST request refused (400), answered as an OperationOutcome
    │   ├── FhirNotFound                no such type, resource or version (404)
    │   ├── FhirGone                    the resource was deleted (410)
    │   ├── FhirReadOnly                a write to the read-only API (405)
    │   └── FhirNotAcceptable           a format it does not answer in (406)
    ├── Pruned                          the bytes asked for were cleared by the retention (410)
    ├── BacklogFull                     too much waits for the workers: a post refused before it is stored
    │                                   (503, Retry-After): the sender sends it again later
    └── ConfigurationError              start-up only: fail fast
        └── SchemasMissing              the official XSDs are not installed: transient for a sender

Every code is in the catalogue (``kernel/catalogue.yaml``: meaning, reply, Norwegian text).
``reply_for`` answers an error with the reply of its code there, else with its class's reply
(``REPLIES``: the reply of the class's ``default_code``). Foreign exceptions are translated where
they enter (``raise … from exc``).
"""

from __future__ import annotations

from typing import ClassVar

from samband.kernel.catalogue import Reply, reply_of
from samband.kernel.problems import Problem, Severity


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

    def problem(self, severity: Severity = Severity.ERROR) -> Problem:
        """This error in the one problem shape (a refusal reported as a validation finding)."""
        return Problem(self.code, severity, str(self), self.line, self.column, self.where)


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


class PatientIdentMissing(PatientIdentInvalid):
    default_code = "patient.missing-national-id"


class PatientUnidentified(PatientIdentInvalid):
    default_code = "patient.unidentified"


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


class DeliveryMisconfigured(DeliveryUnavailable):
    """The gateway's own access does not hold: the service refused its HelseID client or token (401,
    403, ``invalid_client``). Neither the message nor its sender is at fault, so the delivery is
    kept and tried again on the route's schedule (past its cap: ``retry.next_attempt_at``) until an
    operator fixes the configuration; the alert says so meanwhile."""

    default_code = "delivery.misconfigured"


class RequestRefused(GatewayError):
    default_code = "http.body-too-large"


class RequestTimeout(RequestRefused):
    default_code = "http.body-timeout"


class RegistryUnavailable(GatewayError):
    default_code = "registry.unavailable"


class RegistryRefused(RegistryUnavailable):
    default_code = "registry.access-refused"


class AccessRefused(GatewayError):
    """No credentials, or credentials that do not hold: a token that fails verification, a DPoP proof
    that does not match. ``scheme`` is the authentication scheme the challenge names (Bearer, DPoP);
    ``actor`` and ``client_id`` the caller, when it proved who it is (for the audit trail)."""

    default_code = "auth.required"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        scheme: str = "Bearer",
        actor: str | None = None,
        client_id: str | None = None,
    ) -> None:
        super().__init__(detail, code=code)
        self.scheme = scheme
        self.actor = actor
        self.client_id = client_id


class AccessForbidden(AccessRefused):
    """The caller proved who it is but has no role that the endpoint needs."""

    default_code = "auth.forbidden"


class ReplayRefused(GatewayError):
    default_code = "replay.endpoint-not-allowed"


class ReplayTooMany(ReplayRefused):
    default_code = "replay.bulk-too-many"


class ReplayUnconfirmed(ReplayRefused):
    default_code = "replay.bulk-unconfirmed"


class RequestInvalid(GatewayError):
    default_code = "search.invalid-filter"


class BodyInvalid(RequestInvalid):
    default_code = "request.invalid-body"


class ReplayUnwritable(RequestInvalid):
    default_code = "replay.no-mapping"


class RouteConflict(RequestInvalid):
    default_code = "route.held-by-file"


class FhirApiError(GatewayError):
    """A request the FHIR REST API refuses (an unknown parameter, a value it cannot read): 400."""

    default_code = "fhir-api.invalid-value"


class FhirNotFound(FhirApiError):
    """No such resource type, resource or version: 404."""

    default_code = "fhir-api.not-found"


class FhirGone(FhirApiError):
    """The resource was deleted (its history stays): 410."""

    default_code = "fhir-api.deleted"


class FhirReadOnly(FhirApiError):
    """A write to the read-only FHIR API: 405."""

    default_code = "fhir-api.read-only"


class FhirNotAcceptable(FhirApiError):
    """A format the FHIR API does not answer in: 406."""

    default_code = "fhir-api.format"


class Pruned(GatewayError):
    default_code = "retention.raw-pruned"


class BacklogFull(GatewayError):
    default_code = "store.backlog-full"


class ConfigurationError(GatewayError):
    default_code = "config.invalid"


class SchemasMissing(ConfigurationError):
    """The official XSDs are missing or not as pinned: ``samband schemas fetch`` fixes it, so a
    message that arrives meanwhile is kept for a later try and its sender told to try again."""

    default_code = "config.xsd-dir"


def _class_reply(cls: type[GatewayError]) -> Reply:
    reply = reply_of(cls.default_code)
    if reply is None:
        raise ValueError(f"{cls.__name__}.default_code {cls.default_code!r} has no reply in the catalogue")
    return reply


ERROR_CLASSES: tuple[type[GatewayError], ...] = (
    GatewayError,
    MessageRejected,
    XmlRefused,
    ParseError,
    SchemaInvalid,
    UnsupportedMessage,
    InvalidMsgId,
    PatientIdentInvalid,
    PatientIdentMissing,
    PatientUnidentified,
    MappingError,
    NoRouteMatched,
    ContractViolation,
    DeliveryError,
    DeliveryUnavailable,
    DeliveryRefused,
    DeliveryMisconfigured,
    RequestRefused,
    RequestTimeout,
    RegistryUnavailable,
    RegistryRefused,
    AccessRefused,
    AccessForbidden,
    ReplayRefused,
    ReplayTooMany,
    ReplayUnconfirmed,
    RequestInvalid,
    BodyInvalid,
    ReplayUnwritable,
    RouteConflict,
    FhirApiError,
    FhirNotFound,
    FhirGone,
    FhirReadOnly,
    FhirNotAcceptable,
    Pruned,
    BacklogFull,
    ConfigurationError,
    SchemasMissing,
)
REPLIES: dict[type[GatewayError], Reply] = {cls: _class_reply(cls) for cls in ERROR_CLASSES}


def reply_for(error: GatewayError) -> Reply:
    """The reply for ``error``: its code's in the catalogue, else its class's (or nearest ancestor's)."""
    by_code = reply_of(error.code)
    if by_code is not None:
        return by_code
    for cls in type(error).__mro__:
        if cls in REPLIES:
            return REPLIES[cls]
    return REPLIES[GatewayError]


def is_permanent(error: GatewayError) -> bool:
    """True when retrying cannot help (the sender or the receiver refused for good)."""
    return not reply_for(error).retry
