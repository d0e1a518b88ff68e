"""Typed model of a CPP (samhandlingsprofil) or CPA (samhandlingsavtale), OASIS CPPA 2.0 as NHN uses it.

Read as data (HISD 1177): parties by HER-id, the services/actions/roles each can send and receive,
transports and endpoints, certificates, reliability settings and the schema versions accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from samband.adapters.registry.certificates import CertificateInfo


class Direction(StrEnum):
    SEND = "send"
    RECEIVE = "receive"


@dataclass(frozen=True)
class CppaPartyId:
    value: str
    type: str | None = None


@dataclass(frozen=True)
class ActionBinding:
    """CanSend/CanReceive ThisPartyActionBinding: the eb:Action, its package and channels."""

    action: str
    direction: Direction
    binding_id: str | None = None
    package_id: str | None = None
    channel_ids: tuple[str, ...] = ()
    non_repudiation_required: bool = False
    receipt_required: bool = False
    other_party_binding: str | None = None


@dataclass(frozen=True)
class CollaborationRole:
    """One CollaborationRole: process, eb:Role, eb:Service (+type) and the action bindings."""

    process: str | None
    process_version: str | None
    process_uuid: str | None
    role: str | None
    service: str | None
    service_type: str | None
    certificate_ref: str | None
    bindings: tuple[ActionBinding, ...]


@dataclass(frozen=True)
class Endpoint:
    uri: str
    type: str | None = None


@dataclass(frozen=True)
class Transport:
    """Transport: protocol (SMTP, HTTP, AMQP) and the receiving endpoints."""

    transport_id: str
    protocol: str | None
    version: str | None
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True)
class DeliveryChannel:
    channel_id: str
    transport_id: str | None
    doc_exchange_id: str | None
    ack_requested: str | None = None
    ack_signature_requested: str | None = None
    duplicate_elimination: str | None = None
    sync_reply_mode: str | None = None


@dataclass(frozen=True)
class DocExchange:
    """ebXMLSenderBinding: reliable messaging and non-repudiation settings (HIS 1037 §5.2, §5.5)."""

    doc_exchange_id: str
    retries: int | None = None
    retry_interval: str | None = None
    persist_duration: str | None = None
    hash_function: str | None = None
    signature_algorithm: str | None = None
    signing_certificate_ref: str | None = None
    encryption_algorithm: str | None = None
    encryption_certificate_ref: str | None = None


@dataclass(frozen=True)
class CppaCertificate:
    cert_id: str
    info: CertificateInfo


@dataclass(frozen=True)
class PartyInfo:
    """One party of the profile/agreement."""

    name: str | None
    party_ids: tuple[CppaPartyId, ...]
    roles: tuple[CollaborationRole, ...]
    certificates: tuple[CppaCertificate, ...]
    channels: tuple[DeliveryChannel, ...]
    transports: tuple[Transport, ...]
    doc_exchanges: tuple[DocExchange, ...]
    default_channel_id: str | None = None
    default_package_id: str | None = None

    @property
    def her_id(self) -> str | None:
        return next((p.value for p in self.party_ids if p.type == "HER"), None)

    def bindings(
        self, action: str | None = None, direction: Direction | None = None
    ) -> Iterator[tuple[CollaborationRole, ActionBinding]]:
        for role in self.roles:
            for binding in role.bindings:
                if (action is None or binding.action == action) and direction in (None, binding.direction):
                    yield role, binding

    def actions(self, direction: Direction | None = None) -> set[str]:
        return {binding.action for _role, binding in self.bindings(direction=direction)}

    def certificate(self, cert_id: str) -> CppaCertificate | None:
        return next((c for c in self.certificates if c.cert_id == cert_id), None)

    def channel(self, channel_id: str) -> DeliveryChannel | None:
        return next((c for c in self.channels if c.channel_id == channel_id), None)

    def transport(self, transport_id: str) -> Transport | None:
        return next((t for t in self.transports if t.transport_id == transport_id), None)

    def doc_exchange(self, doc_exchange_id: str) -> DocExchange | None:
        return next((d for d in self.doc_exchanges if d.doc_exchange_id == doc_exchange_id), None)

    def endpoints(self, protocol: str | None = None) -> tuple[Endpoint, ...]:
        wanted = protocol.upper() if protocol else None
        return tuple(
            endpoint
            for transport in self.transports
            if wanted is None or (transport.protocol or "").upper() == wanted
            for endpoint in transport.endpoints
        )

    def transport_for(self, binding: ActionBinding) -> Transport | None:
        """The transport of the binding's first delivery channel."""
        for channel_id in binding.channel_ids:
            channel = self.channel(channel_id)
            if channel is not None and channel.transport_id:
                return self.transport(channel.transport_id)
        return None


@dataclass(frozen=True)
class NamespaceSupported:
    """SimplePart/NamespaceSupported: a schema namespace and version the party handles."""

    namespace: str
    version: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class SimplePart:
    part_id: str
    mimetype: str | None
    namespaces: tuple[NamespaceSupported, ...]


@dataclass(frozen=True)
class PackageComponent:
    """Composite or Encapsulation of a Packaging, with the ids of its constituents."""

    component_id: str
    kind: str
    mimetype: str | None
    mimeparameters: str | None
    constituents: tuple[str, ...]


@dataclass(frozen=True)
class Packaging:
    package_id: str
    components: tuple[PackageComponent, ...]
