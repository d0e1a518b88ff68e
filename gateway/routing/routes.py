"""Routes as data: which messages a route takes, and where and how it delivers them.

A route file (``docs/routing.md``, schema ``schemas/routes.schema.json``) is a list of these; with
no file, ``DEFAULT_ROUTES`` delivers every message received into the gateway's own FHIR store and every
message the gateway composes (GP feedback, referrals) as it is into the file-drop outbox ``DEFAULT_OUTBOX``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from samband.adapters.formats import payload_format
from samband.gateway.delivery.retry import DEFAULT_SCHEDULE, RetrySchedule
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format

INBOUND = "inbound"
OUTBOUND = "outbound"
DIRECTIONS = (INBOUND, OUTBOUND)

ChannelOf = Callable[[str], str | None]
"""How the Adresseregister says a HER-id is reached (``nhn-msh``, ``ebxml-http``, None: no EDI)."""


@dataclass(frozen=True)
class RouteMatch:
    """Which messages a route takes. Each criterion is an exact-match list; None matches anything.

    All given criteria must hold. ``message_types`` compares with ``Envelope.msg_type``
    (Hodemelding MsgInfo/Type, e.g. ``PLO``, ``DIALOG_FORESPORSEL``, ``APPREC``), the HER-ids with
    ``Envelope.sender_her`` / ``receiver_her``, ``source_formats`` with the ``kernel.formats.Format``
    the message came in as (or its payload family), ``directions`` with ``inbound`` (received) or
    ``outbound`` (composed by the gateway: GP feedback, referrals). ``receiver_channel`` lets the
    Adresseregister decide: the receiver's channel there (``nhn-msh`` for a user of NHN's message
    service, ``ebxml-http`` for another EDI address) must be one of these; it is asked last, through
    ``channel_of``, and only for a message every other criterion takes.
    """

    message_types: tuple[str, ...] | None = None
    sender_her: tuple[str, ...] | None = None
    receiver_her: tuple[str, ...] | None = None
    source_formats: tuple[str, ...] | None = None
    directions: tuple[str, ...] | None = None
    receiver_channel: tuple[str, ...] | None = None

    def accepts(
        self,
        envelope: Envelope,
        source_format: str,
        direction: str = INBOUND,
        channel_of: ChannelOf | None = None,
    ) -> bool:
        """True when every given criterion holds for this message.

        A Hodemelding (``msghead``, or ``ebxml`` when it came inside an envelope) also counts as its
        payload family, so ``source_formats: [plo]`` takes every PLO message however it arrived.
        """
        checks = (
            (self.message_types, envelope.msg_type),
            (self.sender_her, envelope.sender_her),
            (self.receiver_her, envelope.receiver_her),
        )
        if self.directions is not None and direction not in self.directions:
            return False
        if not all(allowed is None or value in allowed for allowed, value in checks):
            return False
        if self.source_formats is not None:
            family = payload_format(envelope.namespace)
            if str(source_format) not in self.source_formats and family not in self.source_formats:
                return False
        if self.receiver_channel is None:
            return True
        if channel_of is None or not envelope.receiver_her:
            return False
        return channel_of(envelope.receiver_her) in self.receiver_channel


@dataclass(frozen=True)
class Route:
    """One destination: match → target format, transport, endpoint, retry schedule, kill switch.

    ``enabled`` is the kill switch as the file sets it: the worker holds (does not try, does not
    dead-letter) deliveries of a disabled route until it is enabled again. ``endpoint`` is a URL
    for ``http`` / ``ebxml-http``, a folder for ``file-drop`` and unused for ``fhir-store``.
    ``headers`` and the timeouts apply to the HTTP transports; ``options`` holds the
    transport-specific settings documented in docs/routing.md (for example ``cpa_id`` for ebXML).
    """

    name: str
    match: RouteMatch = field(default_factory=RouteMatch)
    target_format: Format = Format.FHIR
    transport: str = "fhir-store"
    endpoint: str | None = None
    retry: RetrySchedule = DEFAULT_SCHEDULE
    enabled: bool = True
    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    connect_timeout: float = 5.0
    timeout: float = 30.0
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    description: str = ""

    def accepts(
        self,
        envelope: Envelope,
        source_format: str,
        direction: str = INBOUND,
        channel_of: ChannelOf | None = None,
    ) -> bool:
        """True when this route takes the message (whether or not the route is enabled)."""
        return self.match.accepts(envelope, source_format, direction, channel_of)


FHIR_STORE_ROUTE = Route(
    name="fhir-store",
    match=RouteMatch(directions=(INBOUND,)),
    target_format=Format.FHIR,
    transport="fhir-store",
    description="every message received, into the gateway's own FHIR store (the default with no route file)",
)
DEFAULT_OUTBOX = "var/outbox/gp"
"""Where the messages the gateway composes go with no route file: a folder beside the default store."""
OUTBOX_ROUTE = Route(
    name="outbox",
    match=RouteMatch(directions=(OUTBOUND,)),
    target_format=Format.AS_IS,
    transport="file-drop",
    endpoint=DEFAULT_OUTBOX,
    options={"create_folder": "true"},
    description="every message the gateway composes (GP feedback, referrals), as it is, into a file-drop "
    "folder another system (or a person) takes them from (the default with no route file)",
)
