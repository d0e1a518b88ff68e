"""Delivery transports: HTTP, ebXML over HTTP, file drop, NHN's message service, and a fake for tests;
``TRANSPORTS`` names them."""

from samband.gateway.delivery.transports.base import (
    DeliveryRequest,
    FollowingTransport,
    FollowUp,
    FollowUpRequest,
    Incoming,
    Receipt,
    Transport,
)
from samband.gateway.delivery.transports.ebxml import EbxmlHttpTransport
from samband.gateway.delivery.transports.fake import FakeTransport
from samband.gateway.delivery.transports.filedrop import FileDropTransport
from samband.gateway.delivery.transports.http import HttpTransport
from samband.gateway.delivery.transports.nhn_msh import NhnMshTransport
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
    "FollowUp",
    "FollowUpRequest",
    "FollowingTransport",
    "HttpTransport",
    "Incoming",
    "NhnMshTransport",
    "Receipt",
    "Transport",
    "TransportFactory",
    "create_transport",
    "register_transport",
    "transport_names",
]
