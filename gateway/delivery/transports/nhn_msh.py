"""Delivery through NHN's message service (Meldingstjener API v2): ``POST /Messages``, then follow-up.

The payload (a Hodemelding) is sent as it is, base64 in the request, from the route's HelseID client
(options in docs/routing.md and docs/nhn.md); the service's id for it is the receipt's ``remote_id``.
The follow-up asks ``GET /Messages/{id}/status`` and ``/apprec``; once a receiver has answered, its
AppRec is taken from the sender HER-id's unread list (the one whose OriginalMsgId is the message's
MsgId) and handed back to be received like any incoming AppRec, then marked read. Errors are the
client's ``nhn-msh.*`` and ``helseid.*`` codes; a route whose options cannot make a client is
``config.routes.nhn-msh``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from time import perf_counter
from typing import Any

from pydantic import ValidationError

from samband.adapters.apprec import read_envelope
from samband.adapters.sniff import is_apprec, sniff
from samband.gateway.delivery.retry import parse_duration
from samband.gateway.delivery.transports.base import (
    DeliveryRequest,
    FollowUp,
    FollowUpRequest,
    Incoming,
    Receipt,
)
from samband.gateway.routing.routes import Route
from samband.integrations.helseid.client import HelseIdSettings
from samband.integrations.nhn_msh import MshClient, MshSettings
from samband.integrations.nhn_msh.models import Message
from samband.kernel.errors import ConfigurationError, GatewayError

NAME = "nhn-msh"
DEFAULT_FOLLOW_UP = "1m"
APPRECS_PER_LOOK = 100


def settings_of(route: Route, base_url: str | None = None) -> MshSettings:
    """The client settings a route's options give; ``config.routes.nhn-msh`` when they cannot."""
    options = route.options
    try:
        helseid = HelseIdSettings(
            token_url=options.get("token_url"),
            client_id=options.get("client_id"),
            key_path=options.get("key_path"),
            scope=str(options.get("scope") or "").split(),
            resource=str(options.get("resource") or "").split(),
            issuer=options.get("issuer"),
        )
        return MshSettings(
            base_url=base_url or options.get("base_url"),
            api_version=str(options.get("api_version") or "2"),
            source_system=str(options.get("source_system") or "Samband"),
            helseid=helseid,
            timeout_seconds=route.timeout,
        )
    except ValidationError as exc:
        raise ConfigurationError(
            f"route {route.name!r}: the nhn-msh options do not make a client: {exc.errors()[0]['msg']}",
            code="config.routes.nhn-msh",
            where=route.name,
            expected="base_url, token_url, client_id, key_path and scope (docs/nhn.md)",
        ) from exc


def follow_up_seconds(route: Route) -> float:
    return parse_duration(str(route.options.get("follow_up") or DEFAULT_FOLLOW_UP)).total_seconds()


class NhnMshTransport:
    """Sends over one route's HelseID client; the client (and its key) is made at the first send."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self._clients: dict[str, MshClient] = {}

    def client(self, base_url: str | None = None) -> MshClient:
        settings = settings_of(self.route, base_url)
        if settings.base_url not in self._clients:
            self._clients[settings.base_url] = MshClient(settings)
        return self._clients[settings.base_url]

    def send(self, request: DeliveryRequest) -> Receipt:
        options = self.route.options
        subset = options.get("receiver_her_ids_subset")
        overrides: Mapping[str, Any] | None = options.get("ebxml_overrides")
        started = perf_counter()
        client = self.client(request.endpoint)
        message_id = client.send(
            request.payload,
            receiver_her_ids_subset=[int(her) for her in subset] if subset else None,
            ebxml_overrides=overrides,
        )
        return Receipt(
            status_code=201,
            body_excerpt=f'"{message_id}"',
            remote_id=message_id,
            latency_seconds=perf_counter() - started,
            detail=f"NHN message id {message_id}",
            follow_up_seconds=follow_up_seconds(self.route),
        )

    def follow_up(self, request: FollowUpRequest) -> FollowUp:
        """Status and AppRecs per receiver; the AppRecs that answer the message, to be received."""
        client = self.client(request.route.endpoint)
        statuses = client.status(request.remote_id)
        infos = client.apprec_info(request.remote_id)
        state = {
            str(s.receiver_her_id): {
                "transport": str(s.delivery_state),
                "apprec": str(s.apprec_status) if s.apprec_status else None,
            }
            for s in statuses
        }
        answered = [info.receiver_her_id for info in infos if info.status is not None]
        sender = request.envelope.sender_her
        incoming: list[Incoming] = []
        if answered and sender and sender.isdigit() and request.envelope.msg_id:
            for her in answered:
                incoming += self._apprecs(client, int(sender), her, request.envelope.msg_id)
        return FollowUp(state, tuple(incoming), follow_up_seconds(self.route))

    def _apprecs(self, client: MshClient, sender: int, receiver: int, msg_id: str) -> list[Incoming]:
        """The AppRecs from ``receiver`` in ``sender``'s unread list that answer ``msg_id``."""
        found = []
        for message in client.unread([sender], sender_her_id=receiver, limit=APPRECS_PER_LOOK):
            if message.is_apprec is False:
                continue
            document = client.business_document(message.id)
            if _answers(document.content, msg_id):
                taken = partial(_mark_read, client, message, sender)
                found.append(Incoming(document.content, document.content_type, taken))
        return found

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def _answers(document: bytes, msg_id: str) -> bool:
    """True when ``document`` is an AppRec whose OriginalMsgId is ``msg_id``."""
    try:
        return is_apprec(sniff(document)) and read_envelope(document).parent_ref == msg_id
    except GatewayError:
        return False


def _mark_read(client: MshClient, message: Message, her_id: int) -> None:
    client.mark_read(message.id, her_id)
