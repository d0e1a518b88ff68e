"""Delivery transports: HTTP, ebXML over HTTP, file drop, and a fake for tests; ``TRANSPORTS`` names them."""

from gateway.delivery.transports.base import DeliveryRequest, Receipt, Transport
from gateway.delivery.transports.ebxml import EbxmlHttpTransport
from gateway.delivery.transports.fake import FakeTransport
from gateway.delivery.transports.filedrop import FileDropTransport
from gateway.delivery.transports.http import HttpTransport
from gateway.delivery.transports.registry import (
    FHIR_STORE,
    TRANSPORTS,
    TransportFactory,
    create_transport,
    register_transport,
    transport_names,
)

__all__ = [
    "FHIR_STORE",
    "TRANSPORTS",
    "DeliveryRequest",
    "EbxmlHttpTransport",
    "FakeTransport",
    "FileDropTransport",
    "HttpTransport",
    "Receipt",
    "Transport",
    "TransportFactory",
    "create_transport",
    "register_transport",
    "transport_names",
]
