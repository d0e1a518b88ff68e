"""Envelope facts for the store, read from the SOAP header only; the adapter registry entry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from samband.adapters.ebxml import ADAPTER, build_message, parse_ebxml, read_envelope, serialize_package
from samband.kernel.formats import Format


def test_facts_of_a_business_message(samples_dir: Path) -> None:
    envelope = read_envelope((samples_dir / "ebxml/nav/payloadmessage.xml").read_bytes())
    assert (envelope.sender_her, envelope.receiver_her) == ("123", "321")
    assert envelope.msg_type == "OppgjorsMelding"
    assert envelope.cpa_id == "nav:qass:35065"
    assert envelope.ebxml_message_id == "7104acf8-21e9-4ee7-b894-d413a00a8881"
    assert envelope.ebxml_conversation_id == "be192d3a-34b5-448a-a374-5eab0524c74d"
    assert envelope.generated_at == datetime(2023, 8, 29, 10, 56, 50, 306947, tzinfo=UTC)
    assert envelope.msg_id is None  # the Hodemelding MsgId comes from the payload, not the envelope


def test_her_is_taken_from_the_her_party_id_not_the_first(samples_dir: Path) -> None:
    raw = (samples_dir / "ebxml/sarepta/ebxml-eksempel.xml").read_bytes()
    her, enh = (
        b'<eb:PartyId eb:type="HER">987654</eb:PartyId>',
        b'<eb:PartyId eb:type="ENH">545345434</eb:PartyId>',
    )
    raw = raw.replace(her + b"\n\t\t\t\t" + enh, enh + her)
    assert b'"ENH">545345434</eb:PartyId><eb:PartyId' in raw
    assert read_envelope(raw).sender_her == "987654"


def test_facts_of_a_package_without_decoding_payloads() -> None:
    message = build_message(from_her="8094866", to_her="133735", action="DIALOG_SVAR", payload=b"cms")
    package = serialize_package(message)
    envelope = read_envelope(package.body, content_type=package.content_type)
    assert envelope.msg_type == "DIALOG_SVAR"
    assert envelope.cpa_id == "133735_8094866"
    assert envelope.ebxml_message_id == message.message_id
    assert read_envelope(package.as_mime_bytes()) == envelope


def test_adapter_round_trip(samples_dir: Path) -> None:
    raw = (samples_dir / "ebxml/sarepta/Acknowledgment.xml").read_bytes()
    assert ADAPTER.format is Format.EBXML
    native = ADAPTER.parse(raw)
    assert ADAPTER.parse(ADAPTER.serialize(native)) == parse_ebxml(ADAPTER.serialize(native))
    assert ADAPTER.envelope(raw).msg_type == "Acknowledgment"
