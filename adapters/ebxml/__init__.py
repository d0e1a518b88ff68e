"""ebMS 2.0 envelope as profiled in Norway (HIS 1037, HITS 1171/1172, HISD 1209): model, read, write.

Public surface: ``parse_ebxml``/``parse_http`` (tolerant), ``serialize_ebxml``/``serialize_package``
(strict, XSD-checked), the builders, ``read_envelope``, ``validate_ebxml`` and the signing hooks.
"""

from samband.adapters.ebxml.builders import (
    build_acknowledgment,
    build_apprec,
    build_message,
    build_message_error,
    default_cpa_id,
    default_roles,
    default_service,
    error_code_for,
    make_payload,
)
from samband.adapters.ebxml.digests import acknowledged_references
from samband.adapters.ebxml.facts import ADAPTER, EbxmlAdapter, envelope_of, read_envelope
from samband.adapters.ebxml.model import (
    Acknowledgment,
    AckRequested,
    Description,
    EbxmlMessage,
    ErrorDetail,
    ErrorList,
    ManifestReference,
    MessageData,
    MessageHeader,
    MessageKind,
    Party,
    PartyId,
    Payload,
    SchemaRef,
    Service,
)
from samband.adapters.ebxml.reader import parse_ebxml, parse_http
from samband.adapters.ebxml.receive import Received, receive_ebxml, soap_fault
from samband.adapters.ebxml.signing import ACCEPT_ALL, UNSIGNED, Signer, Verifier
from samband.adapters.ebxml.validate import validate_ebxml
from samband.adapters.ebxml.writer import Package, serialize_ebxml, serialize_package

__all__ = [
    "ACCEPT_ALL",
    "ADAPTER",
    "UNSIGNED",
    "AckRequested",
    "Acknowledgment",
    "Description",
    "EbxmlAdapter",
    "EbxmlMessage",
    "ErrorDetail",
    "ErrorList",
    "ManifestReference",
    "MessageData",
    "MessageHeader",
    "MessageKind",
    "Package",
    "Party",
    "PartyId",
    "Payload",
    "Received",
    "SchemaRef",
    "Service",
    "Signer",
    "Verifier",
    "build_acknowledgment",
    "build_apprec",
    "build_message",
    "build_message_error",
    "default_cpa_id",
    "default_roles",
    "default_service",
    "envelope_of",
    "error_code_for",
    "make_payload",
    "parse_ebxml",
    "parse_http",
    "read_envelope",
    "receive_ebxml",
    "serialize_ebxml",
    "serialize_package",
    "acknowledged_references",
    "soap_fault",
    "validate_ebxml",
]
