"""NHN Adresseregister client: ICommunicationPartyService over SOAP 1.1 (zeep), with a TTL cache.

The WSDL is the project's own copy in the real service's shape (``schemas/adresseregister/``), so
the client is built without reaching the register; the endpoint is configuration. ``CachedRegistry``
serves fresh entries from its cache, asks the register when an entry is stale or missing, and keeps
serving a stale entry while the register is down; ``RegistryUnavailable`` only when nothing is cached.
(messaging.md §8.1; Helsenorge.Messaging caches AR answers the same way.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

from gateway.errors import NoRouteMatched, RegistryUnavailable

log = logging.getLogger(__name__)

WSDL_FILE = (
    Path(__file__).resolve().parents[2] / "schemas" / "adresseregister" / "CommunicationPartyService.wsdl"
)
AR_NS = "http://register.nhn.no/CommunicationParty"
BINDING = f"{{{AR_NS}}}BasicHttpBinding_ICommunicationPartyService"


@dataclass(frozen=True)
class ElectronicAddress:
    """ElectronicAddress: type code from kodeverk 9044 (E_SB_ASYNC, E_EDI, E_TLF …) and the address."""

    type: str
    address: str


@dataclass(frozen=True)
class CommunicationParty:
    """A communication party (Organization, Department, Service or OrganizationPerson) as AR gives it.

    ``parent_*`` is the owning organisation (level 1 in Hodemelding addressing); for a person the
    ``person_name`` and ``hpr`` come from the HPR Person part.
    """

    her_id: str
    name: str
    type: str
    active: bool = True
    valid: bool = True
    display_name: str | None = None
    parent_her_id: str | None = None
    parent_name: str | None = None
    parent_organization_number: str | None = None
    person_name: str | None = None
    hpr: str | None = None
    electronic_addresses: tuple[ElectronicAddress, ...] = ()

    def address(self, type_code: str) -> str | None:
        return next((a.address for a in self.electronic_addresses if a.type == type_code), None)

    @property
    def phone(self) -> str | None:
        return self.address("E_TLF")


class AddressRegistry(Protocol):
    """What the gateway asks the Adresseregister."""

    def communication_party(self, her_id: str) -> CommunicationParty: ...

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]: ...


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int_text(value: Any) -> str | None:
    return None if value in (None, 0, -1) else str(value)


def _person(obj: Any) -> tuple[str | None, str | None]:
    person = getattr(obj, "Person", None)
    if person is None:
        return None, None
    names = [_text(getattr(person, n, None)) for n in ("FirstName", "MiddleName", "LastName")]
    info = getattr(person, "HPRInformation", None)
    hpr = _int_text(getattr(info, "HPRNumber", None)) if info is not None else None
    return " ".join(n for n in names if n) or None, hpr


def _addresses(obj: Any) -> tuple[ElectronicAddress, ...]:
    container = getattr(obj, "ElectronicAddresses", None)
    items = getattr(container, "ElectronicAddress", None) or []
    found = []
    for item in items:
        kind = _text(getattr(item, "TypeCodeValue", None))
        address = _text(getattr(item, "Address", None))
        if kind and address:
            found.append(ElectronicAddress(kind, address))
    return tuple(found)


def party_from_zeep(obj: Any) -> CommunicationParty:
    """A zeep CommunicationParty object (any xsi:type variant) as a frozen ``CommunicationParty``."""
    kind = getattr(obj, "Type", None)
    kind_text = " ".join(kind) if isinstance(kind, list) else _text(kind) or "None"
    person_name, hpr = _person(obj)
    return CommunicationParty(
        her_id=str(obj.HerId),
        name=_text(obj.Name) or "",
        type=kind_text,
        active=bool(getattr(obj, "Active", True)),
        valid=bool(getattr(obj, "IsValidCommunicationParty", True)),
        display_name=_text(getattr(obj, "DisplayName", None)),
        parent_her_id=_int_text(getattr(obj, "ParentHerId", None)),
        parent_name=_text(getattr(obj, "ParentName", None)),
        parent_organization_number=_int_text(getattr(obj, "ParentOrganizationNumber", None)),
        person_name=person_name,
        hpr=hpr,
        electronic_addresses=_addresses(obj),
    )


class ArClient:
    """zeep client for ICommunicationPartyService (BasicHttpBinding, HTTP Basic credentials).

    ``wsdl`` is the packaged file by default; a URL (``…/v1/AR?wsdl``) works too but then building
    the client needs the register to answer.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        wsdl: str | Path = WSDL_FILE,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        session = requests.Session()
        if username is not None:
            session.auth = (username, password or "")
        transport = Transport(  # type: ignore[no-untyped-call]
            session=session, timeout=timeout, operation_timeout=timeout
        )
        try:
            client = zeep.Client(str(wsdl), transport=transport)  # type: ignore[no-untyped-call]
        except (requests.RequestException, zeep.exceptions.Error, OSError) as exc:
            raise RegistryUnavailable(
                f"cannot load the Adresseregister WSDL: {exc}", code="registry.wsdl", where=str(wsdl)
            ) from exc
        self.endpoint = endpoint
        self._client = client
        self._service = client.create_service(BINDING, endpoint)  # type: ignore[no-untyped-call]

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._service, operation)(**kwargs)
        except zeep.exceptions.Fault as exc:
            raise NoRouteMatched(
                f"Adresseregister refused {operation}: {exc.message}",
                code="registry.fault",
                where=f"{self.endpoint} {operation}",
                received=str(kwargs),
            ) from exc
        except (requests.RequestException, zeep.exceptions.TransportError, zeep.exceptions.Error) as exc:
            raise RegistryUnavailable(
                f"Adresseregister did not answer {operation}: {exc}",
                code="registry.unavailable",
                where=f"{self.endpoint} {operation}",
            ) from exc

    def ping(self) -> str:
        return str(self._call("Ping"))

    def communication_party(self, her_id: str) -> CommunicationParty:
        """GetCommunicationPartyDetails(herId); ``NoRouteMatched`` when AR does not know the HER-id."""
        if not her_id.isdigit():
            raise NoRouteMatched(
                "HER-id must be digits", code="registry.bad-her-id", expected="digits", received=her_id
            )
        result = self._call("GetCommunicationPartyDetails", herId=int(her_id))
        if result is None:
            raise NoRouteMatched(
                f"no communication party with HER-id {her_id}", code="registry.not-found", received=her_id
            )
        return party_from_zeep(result)

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        """SearchById(id): parties found by HER-id, organisation number or HPR number."""
        result = self._call("SearchById", id=ident)
        if result is not None and not isinstance(result, list):
            result = getattr(result, "CommunicationParty", None)  # zeep unwraps ArrayOf… only sometimes
        return tuple(party_from_zeep(item) for item in result or [])


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Entry:
    value: Any
    fetched_at: datetime


class CachedRegistry:
    """A TTL cache in front of an ``AddressRegistry`` that survives the register being down.

    Fresh entries (younger than ``ttl``) are served without asking; a stale or missing entry is
    fetched; when the fetch fails with ``RegistryUnavailable`` a stale entry is served instead, and
    only a lookup never answered before raises. ``NoRouteMatched`` (AR says no such party) is not
    cached and always propagates.
    """

    def __init__(
        self,
        registry: AddressRegistry,
        ttl: timedelta = timedelta(hours=12),
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._registry = registry
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()
        self.served_stale = 0

    def _lookup(self, key: tuple[str, str], fetch: Callable[[], Any]) -> Any:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and now - entry.fetched_at < self._ttl:
            return entry.value
        try:
            value = fetch()
        except RegistryUnavailable:
            if entry is None:
                raise
            log.warning("Adresseregister unavailable; serving cached %s from %s", key, entry.fetched_at)
            self.served_stale += 1
            return entry.value
        with self._lock:
            self._entries[key] = _Entry(value, now)
        return value

    def communication_party(self, her_id: str) -> CommunicationParty:
        party: CommunicationParty = self._lookup(
            ("party", her_id), lambda: self._registry.communication_party(her_id)
        )
        return party

    def search_by_id(self, ident: str) -> tuple[CommunicationParty, ...]:
        found: tuple[CommunicationParty, ...] = self._lookup(
            ("search", ident), lambda: self._registry.search_by_id(ident)
        )
        return found

    def seed(self, party: CommunicationParty, at: datetime | None = None) -> None:
        """Put a known party in the cache (from the referral or CareTeam), as if AR had answered."""
        with self._lock:
            self._entries[("party", party.her_id)] = _Entry(party, at or self._clock())
