"""A TTL cache in front of either Adresseregister client that survives the register being down.

``CachedRegistry`` serves fresh entries (younger than ``ttl``) without asking; a stale or missing
entry is fetched; when the fetch fails with ``RegistryUnavailable`` a stale entry is served instead,
and only a lookup never answered before raises. ``NoRouteMatched`` (no such party) is not cached.
Where entries are kept is a ``CacheStore``: ``MemoryCache`` in the process, or the gateway's store
(``gateway/store/register_cache.py``), so they survive restarts and every worker shares them.
Entries are JSON (``adapters/registry/ar_codec.py``); one that does not read counts as missing.
(messaging.md §8.1; Helsenorge.Messaging caches AR answers the same way.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from samband.adapters.registry.ar_codec import party_from_json, party_to_json
from samband.adapters.registry.ar_model import CommunicationParty
from samband.integrations.adresseregister.lookup import AddressRegistry
from samband.kernel.errors import ParseError, RegistryUnavailable

log = logging.getLogger(__name__)

PARTY = "party"
SEARCH = "search"

Parties = tuple[CommunicationParty, ...]


class CacheStore(Protocol):
    """Where register answers are kept: JSON values by (kind, key), with the time they were fetched."""

    def get(self, kind: str, key: str) -> tuple[Any, datetime] | None: ...

    def put(self, kind: str, key: str, value: Any, fetched_at: datetime) -> None: ...


class MemoryCache:
    """Entries in this process only (lost on restart, not shared between workers)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[Any, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, kind: str, key: str) -> tuple[Any, datetime] | None:
        with self._lock:
            return self._entries.get((kind, key))

    def put(self, kind: str, key: str, value: Any, fetched_at: datetime) -> None:
        with self._lock:
            self._entries[(kind, key)] = (value, fetched_at)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _encode_search(parties: Parties) -> dict[str, Any]:
    return {"parties": [party_to_json(p) for p in parties]}


def _decode_search(value: Any) -> Parties:
    return tuple(party_from_json(p) for p in value["parties"])


class CachedRegistry:
    """The lookup interface with a cache (``CacheStore``, default in memory) in front of ``registry``."""

    def __init__(
        self,
        registry: AddressRegistry,
        ttl: timedelta = timedelta(hours=12),
        clock: Callable[[], datetime] | None = None,
        store: CacheStore | None = None,
    ) -> None:
        self._registry = registry
        self._ttl = ttl
        self._clock = clock or _utc_now
        self.store: CacheStore = store if store is not None else MemoryCache()
        self.served_stale = 0
        self.fetched = 0

    def _kept(self, kind: str, key: str, decode: Callable[[Any], Any]) -> tuple[Any, datetime] | None:
        entry = self.store.get(kind, key)
        if entry is None:
            return None
        try:
            return decode(entry[0]), entry[1]
        except (ParseError, KeyError, TypeError) as exc:
            log.warning("a kept register entry %s %s does not read, asking again: %s", kind, key, exc)
            return None

    def _lookup(
        self,
        kind: str,
        key: str,
        fetch: Callable[[], Any],
        encode: Callable[[Any], Any],
        decode: Callable[[Any], Any],
    ) -> Any:
        now = self._clock()
        kept = self._kept(kind, key, decode)
        if kept is not None and now - kept[1] < self._ttl:
            return kept[0]
        try:
            value = fetch()
        except RegistryUnavailable as exc:
            if kept is None:
                raise
            log.warning(
                "Adresseregister unavailable [%s]; serving the %s %s kept from %s",
                exc.code,
                kind,
                key,
                kept[1],
            )
            self.served_stale += 1
            return kept[0]
        self.fetched += 1
        self.store.put(kind, key, encode(value), now)
        return value

    def communication_party(self, her_id: str) -> CommunicationParty:
        party: CommunicationParty = self._lookup(
            PARTY, her_id, lambda: self._registry.communication_party(her_id), party_to_json, party_from_json
        )
        return party

    def search_by_id(self, ident: str) -> Parties:
        found: Parties = self._lookup(
            SEARCH, ident, lambda: self._registry.search_by_id(ident), _encode_search, _decode_search
        )
        return found

    def seed(self, party: CommunicationParty, at: datetime | None = None) -> None:
        """Put a known party in the cache (from the referral or CareTeam), as if AR had answered."""
        self.store.put(PARTY, party.her_id, party_to_json(party), at or self._clock())
