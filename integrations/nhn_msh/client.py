"""A typed client of NHN's message service (Meldingstjener, "EDI 2.0"), API v2, over HelseID.

Every call carries ``api-version`` and ``nhn-source-system`` and goes through ``HelseIdClient``: a
DPoP-bound access token with a proof for the call, asked once more with the service's
``DPoP-Nonce`` when it demands one. A 401 that is no nonce challenge drops the kept token and the
call is made once more with a new one (the service no longer took it: expired, revoked); a second
401 is ``nhn-msh.unauthorized``. Nothing else is retried here: a transient error
(``DeliveryUnavailable``) is the caller's to retry on its own schedule, a permanent one
(``DeliveryRefused``) is final. Codes: ``errors.py`` and docs/nhn.md.

    client = MshClient(settings)
    message_id = client.send(hodemelding)                         # POST /Messages
    for message in client.unread([8142001]):                       # GET /Messages?ReceiverHerIds=…
        document = client.business_document(message.id)           # GET /Messages/{id}/business-document
        ...store it first...
        client.mark_read(message.id, 8142001)                      # PUT /Messages/{id}/read/{herId}
        client.send_apprec(message.id, 8142001, AppRecStatus.OK)   # POST /Messages/{id}/apprec/{herId}
    client.status(message_id), client.apprec_info(message_id)    # follow-up of a sent message
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from samband.integrations.helseid.client import HelseIdClient
from samband.integrations.nhn_msh.errors import bad_answer, exchange_error, status_error
from samband.integrations.nhn_msh.models import (
    AppRecError,
    ApprecInfo,
    AppRecStatus,
    BusinessDocument,
    Message,
    MshSettings,
    StatusInfo,
)

XML = "application/xml"


class MshClient:
    """Calls to one message service for one HelseID client; thread-safe as ``HelseIdClient`` is."""

    def __init__(self, settings: MshSettings, *, helseid: HelseIdClient | None = None) -> None:
        self.settings = settings
        self.helseid = helseid or HelseIdClient(settings.helseid)
        self.base_url = settings.base_url.rstrip("/")

    # -- sending -------------------------------------------------------------------------------

    def send(
        self,
        document: bytes,
        *,
        receiver_her_ids_subset: Sequence[int] | None = None,
        ebxml_overrides: Mapping[str, Any] | None = None,
    ) -> str:
        """``POST /Messages``: send a Hodemelding (UTF-8 XML); the service's id for the message.

        Copy receivers come from the document; ``receiver_her_ids_subset`` narrows them;
        ``ebxml_overrides`` are ``EbXmlInfo`` fields (``cpaId``, ``service``, ``action`` …).
        """
        body: dict[str, Any] = {
            "businessDocument": base64.b64encode(document).decode("ascii"),
            "contentType": XML,
            "contentTransferEncoding": "base64",
        }
        if receiver_her_ids_subset:
            body["receiverHerIdsSubset"] = [int(her) for her in receiver_her_ids_subset]
        if ebxml_overrides:
            body["ebXmlOverrides"] = dict(ebxml_overrides)
        return self._created(self._call("POST", "/Messages", json=body), "POST /Messages")

    def send_apprec(
        self,
        message_id: str,
        sender_her_id: int,
        status: AppRecStatus,
        errors: Iterable[AppRecError] = (),
        *,
        ebxml_overrides: Mapping[str, Any] | None = None,
    ) -> str:
        """``POST /Messages/{id}/apprec/{appRecSenderHerId}``: the AppRec for a received message,
        made and sent by the service; the AppRec's message id."""
        body: dict[str, Any] = {"appRecStatus": str(status)}
        listed = [error.to_json() for error in errors]
        if listed:
            body["appRecErrorList"] = listed
        if ebxml_overrides:
            body["ebXmlOverrides"] = dict(ebxml_overrides)
        path = f"/Messages/{_id(message_id)}/apprec/{int(sender_her_id)}"
        return self._created(self._call("POST", path, json=body), f"POST {path}")

    # -- receiving -----------------------------------------------------------------------------

    def unread(
        self,
        receiver_her_ids: Sequence[int],
        *,
        sender_her_id: int | None = None,
        business_document_id: str | None = None,
        include_metadata: bool = True,
        limit: int | None = None,
        descending: bool = False,
    ) -> list[Message]:
        """``GET /Messages``: unread messages to any of ``receiver_her_ids`` (oldest GenDate first,
        at most ``limit``, 1–100, the service's default 10)."""
        params: list[tuple[str, str | int]] = [("ReceiverHerIds", int(her)) for her in receiver_her_ids]
        if sender_her_id is not None:
            params.append(("SenderHerId", int(sender_her_id)))
        if business_document_id is not None:
            params.append(("BusinessDocumentId", business_document_id))
        params.append(("IncludeMetadata", "true" if include_metadata else "false"))
        if limit is not None:
            params.append(("MessagesToFetch", limit))
        if descending:
            params.append(("OrderBy", "Descending"))
        listed = self._json(self._call("GET", "/Messages", params=params), "GET /Messages", list)
        return [Message.from_json(item) for item in listed if isinstance(item, dict)]

    def message(self, message_id: str) -> Message:
        """``GET /Messages/{id}``: one message's metadata."""
        path = f"/Messages/{_id(message_id)}"
        return Message.from_json(self._json(self._call("GET", path), f"GET {path}", dict))

    def business_document(self, message_id: str) -> BusinessDocument:
        """``GET /Messages/{id}/business-document``: the document's bytes as the sender sent them."""
        path = f"/Messages/{_id(message_id)}/business-document"
        operation = f"GET {path}"
        body = self._json(self._call("GET", path), operation, dict)
        encoded = body.get("businessDocument")
        if not isinstance(encoded, str) or str(body.get("contentTransferEncoding", "")).lower() != "base64":
            raise bad_answer("no base64 businessDocument", operation, str(body)[:300])
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bad_answer("businessDocument is not base64", operation, encoded[:100]) from exc
        return BusinessDocument(content, str(body.get("contentType") or XML))

    def mark_read(self, message_id: str, her_id: int) -> None:
        """``PUT /Messages/{id}/read/{herId}``: taken; call only once the message is safely stored."""
        path = f"/Messages/{_id(message_id)}/read/{int(her_id)}"
        self._call("PUT", path)

    # -- following up a sent message -----------------------------------------------------------

    def status(self, message_id: str) -> list[StatusInfo]:
        """``GET /Messages/{id}/status``: transport state and AppRec status per receiver."""
        path = f"/Messages/{_id(message_id)}/status"
        listed = self._json(self._call("GET", path), f"GET {path}", list)
        return [StatusInfo.from_json(item) for item in listed if isinstance(item, dict)]

    def apprec_info(self, message_id: str) -> list[ApprecInfo]:
        """``GET /Messages/{id}/apprec``: the AppRec status and errors per receiver (None: none yet)."""
        path = f"/Messages/{_id(message_id)}/apprec"
        listed = self._json(self._call("GET", path), f"GET {path}", list)
        return [ApprecInfo.from_json(item) for item in listed if isinstance(item, dict)]

    # -- the exchange --------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call with its headers and token; a refused token is renewed once; errors coded."""
        url = self.base_url + path
        operation = f"{method} {path}"
        headers = {
            "api-version": self.settings.api_version,
            "nhn-source-system": self.settings.source_system,
            "Accept": "application/json",
        }
        for attempt in range(2):
            try:
                response = self.helseid.request(
                    method, url, headers=headers, timeout=self.settings.timeout_seconds, **kwargs
                )
            except httpx.HTTPError as exc:
                raise exchange_error(exc, operation) from exc
            if response.status_code != 401 or attempt:
                break
            self.helseid.forget_token()  # expired or revoked at the service: one new token
        if not 200 <= response.status_code < 300:
            raise status_error(response, operation)
        return response

    def _json(self, response: httpx.Response, operation: str, kind: type[Any]) -> Any:
        try:
            body = response.json()
        except ValueError as exc:
            raise bad_answer("not JSON", operation, response.text) from exc
        if not isinstance(body, kind):
            raise bad_answer(f"not a JSON {kind.__name__}", operation, response.text)
        return body

    def _created(self, response: httpx.Response, operation: str) -> str:
        """The id a 201 answers with: a JSON string (the Location header names it too)."""
        body = self._json(response, operation, str)
        if not body:
            raise bad_answer("an empty id", operation, response.text)
        return str(body)

    def close(self) -> None:
        self.helseid.close()

    def __enter__(self) -> MshClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _id(message_id: str) -> str:
    """A message id as a path segment (the service's ids are GUIDs; anything else is quoted)."""
    return quote(str(message_id), safe="")
