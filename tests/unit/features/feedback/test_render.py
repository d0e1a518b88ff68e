"""Rendering: Dialogmelding 1.1 and PLO 1.6 inside a Hodemelding to the GP, valid against the XSDs."""

from __future__ import annotations

from datetime import date

from samband.adapters.msghead import parse_msghead
from samband.adapters.msghead.validate import validate_msghead
from samband.features.feedback.compose import GpMessage
from samband.features.feedback.facts import ServiceLine
from samband.features.feedback.render import render
from samband.features.feedback.rules import Channel
from samband.mappings.base import fixed_context
from tests.unit.features.feedback.helpers import OLA, case

SERVICE = ServiceLine(
    "Hjemmesykepleie", iplos_code="11", extent_text="3 besøk per uke", start=date(2026, 2, 1)
)


def gp_message(channel: Channel, services: tuple[ServiceLine, ...] = ()) -> GpMessage:
    return GpMessage(
        "F3",
        channel,
        "p",
        "Overskrift",
        ("Linje en.", "Linje to."),
        OLA,
        services=services,
        ask="Kan du delta?" if channel is Channel.DIALOG_FORESPORSEL else None,
        answer_by=date(2026, 4, 5),
    )


def errors(raw: bytes) -> list[str]:
    return [f.text for f in validate_msghead(raw) if f.severity.value == "error"]


def test_every_channel_gives_a_schema_valid_hodemelding_to_the_gp() -> None:
    for channel, services in (
        (Channel.DIALOG_NOTAT, ()),
        (Channel.DIALOG_FORESPORSEL, ()),
        (Channel.ORIENTERING_TJENESTETILBUD, (SERVICE,)),
    ):
        out = render(gp_message(channel, services), case(), fixed_context())
        assert errors(out.xml) == [], channel
        head = parse_msghead(out.xml)
        assert head.msg_type == channel.value
        receiver = head.msg_info.receiver.organisation
        assert receiver.her_id == "80101" and receiver.communication_party_her == "80111"
        assert out.receiver_her == "80111"


def test_orientering_lists_the_service_and_carries_the_text() -> None:
    out = render(gp_message(Channel.ORIENTERING_TJENESTETILBUD, (SERVICE,)), case(), fixed_context())
    text = out.xml.decode("utf-8")
    assert "<BetegnelseTjeneste>Hjemmesykepleie</BetegnelseTjeneste>" in text
    assert "Overskrift\nLinje en." in text


def test_orientering_without_a_service_goes_as_a_notat() -> None:
    out = render(gp_message(Channel.ORIENTERING_TJENESTETILBUD), case(), fixed_context())
    assert out.msg_type == "DIALOG_NOTAT" and errors(out.xml) == []
