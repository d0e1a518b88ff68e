"""Adresseregister answers kept as JSON (the register cache) read back equal, and the channel the
register's EDI address gives a party."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from samband.adapters.registry import parse_communication_party
from samband.adapters.registry.ar_codec import party_from_json, party_to_json
from samband.adapters.registry.ar_model import Channel, CommunicationParty, ElectronicAddress
from samband.kernel.errors import ParseError
from tests.conftest import SAMPLES
from tests.unit.adapters.registry.test_ar import PERSON

AR = SAMPLES / "adresseregister"


def test_a_soap_party_goes_through_json_and_back_equal() -> None:
    party = parse_communication_party(PERSON)
    assert party.electronic_addresses and party.hpr
    kept = json.loads(json.dumps(party_to_json(party)))
    assert party_from_json(kept) == party


def test_the_official_sample_goes_through_json_and_back_equal(samples_dir: object) -> None:
    party = parse_communication_party((AR / "CommunicationDetails_93238.xml").read_bytes())
    assert party_from_json(json.loads(json.dumps(party_to_json(party)))) == party


@pytest.mark.parametrize(
    "entry",
    [{"v": 99, "her_id": "1"}, {"v": 1, "her_id": "1"}, {"v": 1, "unknown": True}],
)
def test_an_entry_that_does_not_read_is_coded(entry: dict[str, object]) -> None:
    with pytest.raises(ParseError) as caught:
        party_from_json(entry)
    assert caught.value.code == "ar.cache-entry"


@pytest.mark.parametrize(
    ("edi", "channel"),
    [
        ("meldingstjener-api@edi.nhn.no", Channel.MESSAGE_SERVICE),
        (" Meldingstjener-API@testedi.nhn.no ", Channel.MESSAGE_SERVICE),
        ("legekontoret@edi.nhn.no", Channel.EBXML),
        (None, None),
        ("  ", None),
    ],
)
def test_the_edi_address_tells_the_channel(edi: str | None, channel: Channel | None) -> None:
    base = CommunicationParty(her_id="8140100", name="Liv Berg", type="Person")
    addresses = () if edi is None else (ElectronicAddress(type="E_EDI", address=edi),)
    assert replace(base, electronic_addresses=addresses).channel == channel
