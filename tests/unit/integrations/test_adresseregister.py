"""The Adresseregister client against a local SOAP server serving the project's WSDL on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from samband.adapters.registry.ar_model import CommunicationParty
from samband.integrations.adresseregister import ArClient, CachedRegistry
from samband.kernel.errors import NoRouteMatched, RegistryUnavailable
from tests.support.soap_server import SYNTHETIC_PARTIES, Register, SoapServer, serve


@pytest.fixture
def ar() -> Iterator[SoapServer]:
    yield from serve(Register(parties=dict(SYNTHETIC_PARTIES)))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_gp_details_come_back_typed(ar: SoapServer) -> None:
    party = ArClient(ar.url).communication_party("8140100")
    assert party.her_id == "8140100"
    assert party.person_name == "Liv Berg"
    assert party.hpr == "9144900"
    assert party.parent_her_id == "8140090"
    assert party.parent_name == "Sentrum legekontor"
    assert party.phone == "74 11 22 33"
    assert ar.register.requests == ["GetCommunicationPartyDetails"]


def test_service_variant_is_read(ar: SoapServer) -> None:
    party = ArClient(ar.url).communication_party("8140002")
    assert party.type == "Service"
    assert party.parent_name == "Steinkjer kommune"
    assert party.person_name is None


def test_wsdl_served_by_the_register_works_with_zeep(ar: SoapServer) -> None:
    client = ArClient(ar.url, wsdl=ar.wsdl_url)
    assert client.ping() == "pong"


def test_search_by_hpr_number_finds_the_gp(ar: SoapServer) -> None:
    found = ArClient(ar.url).search_by_id("9144900")
    assert [p.her_id for p in found] == ["8140100"]
    assert ArClient(ar.url).search_by_id("1") == ()


def test_unknown_her_id_is_a_soap_fault_not_an_outage(ar: SoapServer) -> None:
    with pytest.raises(NoRouteMatched) as caught:
        ArClient(ar.url).communication_party("8149999")
    assert caught.value.code == "registry.fault"
    assert "finnes ikke" in caught.value.detail


def test_register_down_raises_registry_unavailable(ar: SoapServer) -> None:
    ar.register.down = True
    with pytest.raises(RegistryUnavailable) as caught:
        ArClient(ar.url).communication_party("8140100")
    assert caught.value.code == "registry.unavailable"
    assert "GetCommunicationPartyDetails" in (caught.value.where or "")


def test_nothing_listening_is_registry_unavailable() -> None:
    client = ArClient("http://127.0.0.1:9/v1/AR/Basic", timeout=1.0)
    with pytest.raises(RegistryUnavailable):
        client.communication_party("8140100")


def test_cache_serves_fresh_entries_without_asking(ar: SoapServer) -> None:
    clock = Clock()
    cached = CachedRegistry(ArClient(ar.url), ttl=timedelta(hours=1), clock=clock)
    first = cached.communication_party("8140100")
    clock.now += timedelta(minutes=59)
    assert cached.communication_party("8140100") == first
    assert ar.register.requests == ["GetCommunicationPartyDetails"]
    clock.now += timedelta(minutes=2)
    cached.communication_party("8140100")
    assert ar.register.requests == ["GetCommunicationPartyDetails"] * 2


def test_cache_serves_stale_entry_while_the_register_is_down(ar: SoapServer) -> None:
    clock = Clock()
    cached = CachedRegistry(ArClient(ar.url), ttl=timedelta(hours=1), clock=clock)
    before = cached.communication_party("8140100")
    ar.register.down = True
    clock.now += timedelta(days=3)
    assert cached.communication_party("8140100") == before
    assert cached.served_stale == 1
    with pytest.raises(RegistryUnavailable):
        cached.communication_party("8140090")


def test_cache_picks_up_changes_once_the_register_is_back(ar: SoapServer) -> None:
    clock = Clock()
    cached = CachedRegistry(ArClient(ar.url), ttl=timedelta(hours=1), clock=clock)
    cached.communication_party("8140100")
    ar.register.parties[8140100] = replace(SYNTHETIC_PARTIES[8140100], phone="74 99 99 99")
    clock.now += timedelta(hours=2)
    assert cached.communication_party("8140100").phone == "74 99 99 99"


def test_seeded_party_is_served_when_register_never_answered(ar: SoapServer) -> None:
    ar.register.down = True
    cached = CachedRegistry(ArClient(ar.url), ttl=timedelta(hours=1), clock=Clock())
    cached.seed(CommunicationParty(her_id="8140100", name="Liv Berg", type="Person"))
    assert cached.communication_party("8140100").name == "Liv Berg"


def test_not_found_is_not_cached(ar: SoapServer) -> None:
    cached = CachedRegistry(ArClient(ar.url), clock=Clock())
    for _ in range(2):
        with pytest.raises(NoRouteMatched):
            cached.communication_party("8149999")
    assert ar.register.requests.count("GetCommunicationPartyDetails") == 2
