"""Delivery transports: HTTP, ebXML over HTTP, file drop, and a fake for tests; ``TRANSPORTS`` names them."""

from samband.gateway.delivery.transports.base import DeliveryRequest, Receipt, Transport
from samband.gateway.delivery.transports.ebxml import EbxmlHttpTransport
from samband.gateway.delivery.transports.fake import FakeTransport
from samband.gateway.delivery.transports.filedrop import FileDropTransport
from samband.gateway.delivery.transports.http import HttpTransport
from samband.gateway.delivery.transports.registry import (
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
