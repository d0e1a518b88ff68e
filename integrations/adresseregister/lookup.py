"""The lookup interface: what the gateway and its features ask the Adresseregister, whichever API answers.

Both clients (SOAP ``soap.ArClient``, REST ``rest.RestClient``) and the cache in front of them
(``cache.CachedRegistry``) answer it the same way: a ``CommunicationParty`` (with its ``channel``),
``NoRouteMatched`` when the register says no such party (``registry.not-found``, ``registry.fault``,
``registry.bad-her-id``), ``RegistryUnavailable`` when the register cannot be used now (no answer,
an unreadable answer, access refused), so callers fall back on what they know.
"""

from __future__ import annotations

from typing import Protocol

from samband.adapters.registry.ar_model import CommunicationParty


class AddressRegistry(Protocol):
    """What the gateway asks the Adresseregister."""

    def communication_party(self, her_id: str) -> CommunicationParty:
        """The party with this HER-id."""
        ...

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        """The parties found by HER-id, organisation number or HPR number (none: empty)."""
        ...
