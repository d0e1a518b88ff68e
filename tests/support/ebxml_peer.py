"""A peer ebXML MSH for loopback receivers: answers each business message with its signal.

receiver.script("/ebms", acknowledge)                     # eb:Acknowledgment of what came in
receiver.script("/ebms", refuse("SecurityFailure", "…"))  # eb:ErrorList instead
"""

from __future__ import annotations

from collections.abc import Callable

from samband.adapters.ebxml.builders import build_acknowledgment, build_message_error
from samband.adapters.ebxml.reader import parse_http
from samband.adapters.ebxml.writer import serialize_ebxml
from tests.support.receivers import RecordedRequest, Reply

SOAP_XML = {"Content-Type": 'text/xml; charset="UTF-8"'}


def acknowledge(request: RecordedRequest) -> Reply:
    """A synchronous eb:Acknowledgment of the message in ``request`` (HITS 1171 §8)."""
    received = parse_http(request.header("Content-Type") or "", request.body)
    return Reply(200, serialize_ebxml(build_acknowledgment(received)), SOAP_XML)


def refuse(error_code: str, description: str, severity: str = "Error") -> Callable[[RecordedRequest], Reply]:
    """A responder answering every message with an eb:ErrorList of ``error_code``."""

    def respond(request: RecordedRequest) -> Reply:
        received = parse_http(request.header("Content-Type") or "", request.body)
        error = build_message_error(received, error_code, description, severity=severity)
        return Reply(200, serialize_ebxml(error), SOAP_XML)

    return respond
