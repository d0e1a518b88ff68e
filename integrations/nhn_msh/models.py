"""The shapes of NHN's message service API v2 (``msh-api-v2.json``) as the client hands them out.

Frozen dataclasses read from the JSON the service answers (``Message``, ``StatusInfo``,
``ApprecInfo``, ``AppRecError``, ``GetBusinessDocumentResponse``) and ``MshSettings``, the pydantic
settings of one client (base URL, ``api-version``, ``nhn-source-system``, HelseID).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from samband.integrations.helseid.client import HelseIdSettings


class AppRecStatus(StrEnum):
    """``AppRecStatus``: the API's names of the AppRec statuses (kodeverk 8258)."""

    OK = "Ok"  # 1
    REJECTED = "Rejected"  # 2 Avvist
    OK_ERROR_IN_MESSAGE_PART = "OkErrorInMessagePart"  # 3 Ok, feil i delmelding

    @property
    def code(self) -> str:
        """The 8258 code an AppRec document carries for this status."""
        return APPREC_CODES[self]

    @classmethod
    def of_code(cls, code: str) -> AppRecStatus:
        return next(status for status, value in APPREC_CODES.items() if value == code)


APPREC_CODES = {
    AppRecStatus.OK: "1",
    AppRecStatus.REJECTED: "2",
    AppRecStatus.OK_ERROR_IN_MESSAGE_PART: "3",
}


class DeliveryState(StrEnum):
    """``DeliveryState``: the ebXML transport state of a message for one receiver."""

    UNCONFIRMED = "Unconfirmed"
    ACKNOWLEDGED = "Acknowledged"
    REJECTED = "Rejected"


class MshSettings(BaseModel):
    """How Samband reaches NHN's message service (one per route or poller)."""

    base_url: str = Field(description="the API's address, e.g. https://api.hn-tjener.prod.melding.nhn.no")
    api_version: str = Field("2", description="the api-version header")
    source_system: str = Field(
        "Samband", description='the nhn-source-system header: "name, version" of the client system'
    )
    helseid: HelseIdSettings
    timeout_seconds: float = Field(30.0, gt=0, description="for each request to the service")


@dataclass(frozen=True)
class Message:
    """``Message``: one unread message (``GET /Messages``) or one looked up (``GET /Messages/{id}``).

    Without ``IncludeMetadata`` only ``id`` and ``receiver_her_id`` are set.
    """

    id: str
    receiver_her_id: int | None
    sender_her_id: int | None = None
    business_document_id: str | None = None
    business_document_gen_date: str | None = None
    is_apprec: bool | None = None
    content_type: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        return cls(
            id=str(data["id"]),
            receiver_her_id=data.get("receiverHerId"),
            sender_her_id=data.get("senderHerId"),
            business_document_id=data.get("businessDocumentId"),
            business_document_gen_date=data.get("businessDocumentGenDate"),
            is_apprec=data.get("isAppRec"),
            content_type=data.get("contentType"),
        )


@dataclass(frozen=True)
class BusinessDocument:
    """``GetBusinessDocumentResponse`` decoded: the Hodemelding or AppRec bytes as sent."""

    content: bytes
    content_type: str


@dataclass(frozen=True)
class StatusInfo:
    """``StatusInfo``: the transport state and AppRec status of a sent message for one receiver."""

    receiver_her_id: int
    delivery_state: DeliveryState
    apprec_status: AppRecStatus | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StatusInfo:
        status = data.get("appRecStatus")
        return cls(
            int(data["receiverHerId"]),
            DeliveryState(data["transportDeliveryState"]),
            AppRecStatus(status) if status else None,
        )


@dataclass(frozen=True)
class AppRecError:
    """``AppRecError``: one error of an AppRec (kodeverk 8221 code and its details)."""

    error_code: str | None
    details: str | None
    description: str | None = None
    oid: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AppRecError:
        return cls(data.get("errorCode"), data.get("details"), data.get("description"), data.get("oid"))

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"errorCode": self.error_code, "details": self.details}
        if self.description is not None:
            body["description"] = self.description
        if self.oid is not None:
            body["oid"] = self.oid
        return body


@dataclass(frozen=True)
class ApprecInfo:
    """``ApprecInfo``: the AppRec one receiver sent for a message (status None: none yet)."""

    receiver_her_id: int
    status: AppRecStatus | None
    errors: tuple[AppRecError, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApprecInfo:
        status = data.get("appRecStatus")
        errors = tuple(AppRecError.from_json(e) for e in data.get("appRecErrorList") or ())
        return cls(int(data["receiverHerId"]), AppRecStatus(status) if status else None, errors)


EBXML_OVERRIDES: dict[str, type] = {
    "cpaId": str,
    "conversationId": str,
    "service": str,
    "serviceType": str,
    "action": str,
    "senderRole": str,
    "useSenderLevel1HerId": bool,
    "receiverRole": str,
    "applicationName": str,
    "applicationVersion": str,
    "middlewareName": str,
    "middlewareVersion": str,
    "compressPayload": bool,
}
"""``EbXmlInfo``: the ebXML values a sender may set for receivers with their own needs (NAV), by name."""


def ebxml_override_problems(overrides: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``overrides`` as an ``EbXmlInfo`` object: unknown names, wrong types."""
    problems = []
    for name, value in overrides.items():
        wanted = EBXML_OVERRIDES.get(name)
        if wanted is None:
            problems.append(f"{name} is no EbXmlInfo field (known: {', '.join(EBXML_OVERRIDES)})")
        elif value is not None and not isinstance(value, wanted):
            problems.append(f"{name} must be a {'boolean' if wanted is bool else 'string'}")
    return problems
