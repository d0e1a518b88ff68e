"""The receiving MSH's first step (HITS 1171 §8): read, validate, verify, and decide the answer.

A readable business message gets exactly one reply: a signed-ack-to-be ``Acknowledgment`` when it
is valid, else a ``MessageError`` naming the first error. Signals are never answered. A message
too broken to have a MessageId is answered with a SOAP Fault (HITS 1172: MIME errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from samband.adapters.ebxml.builders import build_acknowledgment, build_message_error, error_code_for
from samband.adapters.ebxml.mime import unpack
from samband.adapters.ebxml.model import EbxmlMessage
from samband.adapters.ebxml.names import SOAP_NS
from samband.adapters.ebxml.reader import message_from_tree, payloads_of
from samband.adapters.ebxml.signing import Verifier
from samband.adapters.ebxml.validate import validate_ebxml
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem, Severity


@dataclass(frozen=True)
class Received:
    """What came in and what to answer. ``error`` is set when the message could not be read."""

    message: EbxmlMessage | None
    findings: tuple[Problem, ...]
    reply: EbxmlMessage | None
    error: GatewayError | None = None

    @property
    def accepted(self) -> bool:
        """Readable, without error findings, and the signature (if checked) held."""
        return self.message is not None and self.error is None and not self.errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


def _read(body: bytes, content_type: str | None) -> tuple[EbxmlMessage, bytes]:
    unpacked = unpack(body, content_type)
    message = message_from_tree(parse_xml(unpacked.envelope), payloads_of(unpacked))
    return message, unpacked.envelope


def _reply(
    message: EbxmlMessage, errors: tuple[Problem, ...], now: datetime | None, envelope: bytes
) -> EbxmlMessage:
    if not errors:
        return build_acknowledgment(message, timestamp=now, envelope=envelope)
    first = errors[0]
    return build_message_error(
        message, error_code_for(first.code), f"[{first.code}] {first.text}", first.path, timestamp=now
    )


def receive_ebxml(
    body: bytes,
    *,
    content_type: str | None = None,
    soap_action: str | None = None,
    verifier: Verifier | None = None,
    now: datetime | None = None,
) -> Received:
    """Read ``body`` (HTTP body with ``content_type``, or a whole MIME/SOAP document) and answer it."""
    findings = tuple(validate_ebxml(body, content_type=content_type, soap_action=soap_action))
    try:
        message, envelope = _read(body, content_type)
    except GatewayError as error:
        return Received(message=None, findings=findings, reply=None, error=error)
    if message.is_signal:
        return Received(message=message, findings=findings, reply=None)
    if verifier is not None:
        try:
            verifier.verify(envelope, message.payloads)
        except GatewayError as error:
            reply = build_message_error(message, "SecurityFailure", error.detail, error.where, timestamp=now)
            return Received(message=message, findings=findings, reply=reply, error=error)
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    return Received(message=message, findings=findings, reply=_reply(message, errors, now, envelope))


def soap_fault(error: GatewayError, *, client: bool = True) -> bytes:
    """A SOAP 1.1 Fault for a message that cannot be answered with an ebXML signal."""
    root = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"SOAP": SOAP_NS})
    body = etree.SubElement(root, f"{{{SOAP_NS}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = "SOAP:Client" if client else "SOAP:Server"
    etree.SubElement(fault, "faultstring").text = str(error)
    detail = etree.SubElement(fault, "detail")
    etree.SubElement(detail, "code").text = error.code
    if error.where:
        etree.SubElement(detail, "where").text = error.where
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
