"""A whole CPP or CPA and the questions the gateway asks it (HISD 1177, HISD 1209).

Which Service/Action/Role and CPAId go into the ebXML header, which schema versions the
counterpart accepts (SimplePart/NamespaceSupported through Packaging).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from samband.adapters.registry.cppa_model import (
    CollaborationRole,
    Direction,
    NamespaceSupported,
    Packaging,
    PartyInfo,
    SimplePart,
)


class ProtocolKind(StrEnum):
    CPA = "CPA"
    CPP = "CPP"


@dataclass(frozen=True)
class ServiceChoice:
    """What the ebXML header takes from the CPA for one action (HISD 1209: the CPA is the authority)."""

    service: str | None
    service_type: str | None
    role: str | None
    action: str


@dataclass(frozen=True)
class CollaborationProtocol:
    """A whole CPP or CPA. ``protocol_id`` is the cpaid (NHN: a UUID) or the cppid."""

    kind: ProtocolKind
    protocol_id: str | None
    status: str | None
    start: str | None
    end: str | None
    parties: tuple[PartyInfo, ...]
    simple_parts: tuple[SimplePart, ...]
    packagings: tuple[Packaging, ...]

    @property
    def cpa_id(self) -> str | None:
        """The CPAId for eb:CPAId (HISD 1177 §6), None for a CPP."""
        return self.protocol_id if self.kind is ProtocolKind.CPA else None

    def party(self, her_id: str) -> PartyInfo | None:
        return next((p for p in self.parties if p.her_id == her_id), None)

    def counterpart(self, her_id: str) -> PartyInfo | None:
        """In a CPA: the party that is not ``her_id``."""
        return next((p for p in self.parties if p.her_id != her_id), None)

    def simple_part(self, part_id: str) -> SimplePart | None:
        return next((p for p in self.simple_parts if p.part_id == part_id), None)

    def packaging(self, package_id: str) -> Packaging | None:
        return next((p for p in self.packagings if p.package_id == package_id), None)

    def namespaces_for_package(self, package_id: str) -> tuple[NamespaceSupported, ...]:
        """Every NamespaceSupported reachable from a Packaging through its constituents."""
        packaging = self.packaging(package_id)
        if packaging is None:
            return ()
        components = {c.component_id: c for c in packaging.components}
        found: list[NamespaceSupported] = []
        pending = [ref for c in packaging.components for ref in c.constituents]
        seen: set[str] = set()
        while pending:
            ref = pending.pop(0)
            if ref in seen:
                continue
            seen.add(ref)
            if ref in components:
                pending.extend(components[ref].constituents)
            elif (part := self.simple_part(ref)) is not None:
                found.extend(n for n in part.namespaces if n not in found)
        return tuple(found)

    def message_versions(
        self, her_id: str, action: str, direction: Direction = Direction.RECEIVE
    ) -> tuple[NamespaceSupported, ...]:
        """Schema namespaces/versions ``her_id`` handles for ``action`` (which PLO/Dialog/AppRec)."""
        party = self.party(her_id)
        if party is None:
            return ()
        found: list[NamespaceSupported] = []
        for _role, binding in party.bindings(action, direction):
            if binding.package_id:
                found.extend(n for n in self.namespaces_for_package(binding.package_id) if n not in found)
        return tuple(found)

    def service_for(
        self,
        her_id: str,
        action: str,
        direction: Direction = Direction.SEND,
        service: str | None = None,
    ) -> ServiceChoice | None:
        """Service, its type and ``her_id``'s Role for ``action`` in ``direction``, from the bindings.

        ``service`` narrows the choice (an APPREC travels under the Service of the message it
        answers).
        """
        party = self.party(her_id)
        if party is None:
            return None
        roles = [r for r, _b in party.bindings(action, direction) if service in (None, r.service)]
        role = _preferred(roles, action, direction)
        return None if role is None else ServiceChoice(role.service, role.service_type, role.role, action)

    def envelope_choice(
        self, from_her: str, to_her: str, action: str, service: str | None = None
    ) -> EnvelopeChoice | None:
        """Service, type and both Roles for sending ``action`` from ``from_her`` to ``to_her``.

        In a CPA both parties' bindings are used (sender's CanSend, receiver's CanReceive in the
        same Service); in a CPP only the profiled party's side is known and the other Role is None.
        """
        sent = self.service_for(from_her, action, Direction.SEND, service)
        received = self.service_for(to_her, action, Direction.RECEIVE, sent.service if sent else service)
        first = sent or received
        if first is None:
            return None
        return EnvelopeChoice(
            cpa_id=self.cpa_id,
            service=first.service,
            service_type=first.service_type,
            action=action,
            from_role=sent.role if sent else None,
            to_role=received.role if received else None,
        )


@dataclass(frozen=True)
class EnvelopeChoice:
    """The ebXML header values for sending ``action`` from one HER-id to another."""

    cpa_id: str | None
    service: str | None
    service_type: str | None
    action: str
    from_role: str | None
    to_role: str | None


def _preferred(roles: list[CollaborationRole], action: str, direction: Direction) -> CollaborationRole | None:
    """Where several roles qualify, the HISD 1209 one (Action + sender/receiver) wins."""
    if not roles:
        return None
    preferred = action + ("sender" if direction is Direction.SEND else "receiver")
    return next((r for r in roles if r.role == preferred), roles[0])
