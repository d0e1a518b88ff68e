"""ebXML over HTTP: wrap the payload in an ebMS 2.0 message, POST the MIME package, read the signal.

HIS 1037 §8.1 packaging with ``SOAPAction: "ebXML"``; the reply is the receiving MSH's signal
(HITS 1171 §8, messaging.md §2.7): an eb:Acknowledgment of our MessageId is delivered, a
MessageError (severity Error) is a refusal carrying its ebMS error code, and no signal at all is
transient. Every try of one delivery keeps the same MessageId, so the receiver's
DuplicateElimination drops a repeat it already took.
"""

from __future__ import annotations

import httpx

from samband.adapters.ebxml.builders import build_message, make_payload
from samband.adapters.ebxml.model import EbxmlMessage, MessageKind
from samband.adapters.ebxml.names import EBXML_ERROR_CODES
from samband.adapters.ebxml.reader import parse_http
from samband.adapters.ebxml.signing import UNSIGNED, Signer
from samband.adapters.ebxml.writer import serialize_package
from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt, excerpt
from samband.gateway.delivery.transports.http import HttpTransport, check_status, endpoint_of, request_headers
from samband.gateway.routing.routes import Route
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable, MessageRejected
from samband.kernel.ids import stable_id

# Route options this transport reads (docs/routing.md): values from the CPA win over the defaults.
OPTION_NAMES = ("cpa_id", "service", "action", "from_role", "to_role", "from_her", "to_her", "acknowledgment")


def ebxml_message_id(request: DeliveryRequest) -> str:
    """The same eb:MessageId for every try of one delivery (ebMS 2.0 §6.4.1 DuplicateElimination)."""
    return f"{stable_id('ebxml-delivery', request.key)}@samband"


def _needed(request: DeliveryRequest, option: str, fallback: str | None) -> str:
    value = request.route.options.get(option) or fallback
    if not value:
        raise DeliveryRefused(
            f"cannot address an ebXML message without {option}",
            code="delivery.ebxml-unaddressable",
            where=request.route.name,
            expected=f"{option} on the envelope or in the route's options",
        )
    return value


def to_ebxml(request: DeliveryRequest) -> EbxmlMessage:
    """The business message around the payload, addressed from the envelope and the route options."""
    envelope, options = request.envelope, request.route.options
    media = request.content_type.split(";")[0].strip() or "text/xml"
    return build_message(
        from_her=_needed(request, "from_her", envelope.sender_her),
        to_her=_needed(request, "to_her", envelope.receiver_her),
        action=_needed(request, "action", envelope.msg_type),
        payload=make_payload(request.payload, content_type=media, content_id=f"{request.key}@samband"),
        conversation_id=envelope.ebxml_conversation_id or envelope.conversation_ref,
        cpa_id=options.get("cpa_id") or envelope.cpa_id,
        service=options.get("service"),
        from_role=options.get("from_role"),
        to_role=options.get("to_role"),
        message_id=ebxml_message_id(request),
    )


class EbxmlHttpTransport:
    """POSTs ebXML packages to the peer MSH at the route's endpoint; ``signer`` signs the envelope."""

    def __init__(self, route: Route, *, http: HttpTransport | None = None, signer: Signer = UNSIGNED) -> None:
        self.route = route
        self.http = http or HttpTransport(route)
        self.signer = signer

    def send(self, request: DeliveryRequest) -> Receipt:
        url = endpoint_of(request)
        message = to_ebxml(request)
        package = serialize_package(message, signer=self.signer)
        headers = {**request_headers(request), **package.headers}
        response, latency = self.http.exchange(url, package.body, headers)
        signal = read_signal(response, url)
        if signal is None:
            return self._without_signal(request, response, url, latency, message.message_id)
        check_signal(signal, message.message_id, url)
        return Receipt(
            status_code=response.status_code,
            body_excerpt=excerpt(response.content),
            remote_id=message.message_id,
            latency_seconds=latency,
            detail=f"eb:Acknowledgment {signal.message_id} of {message.message_id}",
        )

    def _without_signal(
        self, request: DeliveryRequest, response: httpx.Response, url: str, latency: float, sent_id: str
    ) -> Receipt:
        """No signal in the reply: fine only where the route expects the ack later (asynchronous)."""
        check_status(response, url)
        if request.route.options.get("acknowledgment") == "async":
            return Receipt(
                status_code=response.status_code,
                body_excerpt=excerpt(response.content),
                remote_id=sent_id,
                latency_seconds=latency,
                detail="accepted; the eb:Acknowledgment comes asynchronously",
            )
        raise DeliveryUnavailable(
            f"the peer answered HTTP {response.status_code} without an ebXML Acknowledgment or MessageError",
            code="delivery.ebxml-no-signal",
            where=url,
            expected="an eb:Acknowledgment or eb:ErrorList in the reply",
            received=excerpt(response.content, 300),
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> EbxmlHttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_signal(response: httpx.Response, url: str) -> EbxmlMessage | None:
    """The ebXML signal in the reply body, or None when the body is empty or not an ebXML signal."""
    if not response.content.strip():
        return None
    content_type = response.headers.get("Content-Type", "text/xml")
    try:
        message = parse_http(content_type, response.content)
    except MessageRejected:
        return None
    return message if message.kind is not MessageKind.BUSINESS else None


def check_signal(signal: EbxmlMessage, sent_id: str, url: str) -> None:
    """An Acknowledgment of ``sent_id`` or a Warning-only error list passes; anything else raises."""
    if signal.kind is MessageKind.MESSAGE_ERROR and signal.error_list is not None:
        if signal.error_list.highest_severity == "Warning":
            return  # ebMS 2.0 §4.2.3.2: accepted despite a defect; the sender treats it as an ack
        first = signal.error_list.errors[0] if signal.error_list.errors else None
        code = first.error_code if first else "Unknown"
        text = first.description.text if first and first.description else ""
        known = code if code in EBXML_ERROR_CODES else "Unknown"  # the catalogue lists the ebMS codes
        raise DeliveryRefused(
            f"the peer MSH refused the message: {code} {text}".strip(),
            code=f"ebxml.message-error.{known}",
            where=(first.location if first else None) or url,
            received=code,
        )
    ack = signal.acknowledgment
    acked = ack.ref_to_message_id if ack else signal.header.message_data.ref_to_message_id
    if acked != sent_id:
        raise DeliveryUnavailable(
            "the peer acknowledged another message",
            code="delivery.ebxml-ack-mismatch",
            where=url,
            expected=f"RefToMessageId {sent_id}",
            received=acked,
        )
