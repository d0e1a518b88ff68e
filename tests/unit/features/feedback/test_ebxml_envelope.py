"""A GP feedback message in its ebXML envelope as the ebXML transport sends it (HITS 1171; the writer
checks the SOAP header against msg-header-2_0.xsd), and back again unchanged."""

from __future__ import annotations

from samband.adapters.ebxml.builders import build_message, make_payload
from samband.adapters.ebxml.reader import parse_http
from samband.adapters.ebxml.writer import serialize_package
from samband.features.feedback.compose import GpMessage
from samband.features.feedback.render import render
from samband.features.feedback.rules import Channel
from samband.mappings.base import fixed_context
from tests.unit.features.feedback.helpers import OLA, case


def test_the_gp_message_travels_in_a_valid_ebxml_package() -> None:
    message = GpMessage("F6", Channel.DIALOG_NOTAT, "p", "Referat", ("Linje.",), OLA)
    rendered = render(message, case(), fixed_context())
    package = serialize_package(
        build_message(
            from_her=rendered.sender_her,
            to_her=rendered.receiver_her,
            action=rendered.msg_type,
            payload=make_payload(rendered.xml, content_type="text/xml"),
        )
    )
    back = parse_http(package.headers["Content-Type"], package.body)
    assert (back.header.from_party.her_id, back.header.to_party.her_id) == ("80003", "80111")
    assert back.header.action == "DIALOG_NOTAT" and back.header.service.value == "S-DIALOG_NOTAT"
    assert back.payloads[0].data == rendered.xml
