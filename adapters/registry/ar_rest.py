"""Read the Adresseregister REST API's JSON (CommunicationParty API v1) into the AR model.

The field names are the API's (``schemas/nhn/adresseregister-rest.yaml``): ``herId``, ``type``,
``personDetails``/``serviceDetails``/``organizationDetails`` with their ``parentOrganization``,
``ediAddress``, ``postalAddress``, ``currentSigningCertificate`` … The same ``CommunicationParty``
comes out as from the SOAP data contract: addresses become kodeverk 9044 electronic addresses
(E_EDI, E_TLF …), the parent organisation the ``parent_*`` fields. A value of the wrong type is
``ar.rest-shape`` with the JSON path, never a half-read party.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from samband.adapters.registry.ar_model import (
    AMQP_ASYNC,
    AMQP_ERROR,
    AMQP_SYNC,
    EDI_ADDRESS,
    EMAIL,
    FAX,
    HOMEPAGE,
    PHONE,
    ArCertificate,
    CertificateRef,
    Code,
    CommunicationParty,
    ElectronicAddress,
    PhysicalAddress,
)
from samband.adapters.registry.certificates import certificate_info
from samband.kernel.errors import ParseError

POSTAL_ADDRESS = "PST"  # kodeverk 3401: postadresse

# CommunicationParty field → kodeverk 9044 address type, in the order they are listed.
_ADDRESS_FIELDS = (
    ("ediAddress", EDI_ADDRESS),
    ("phoneNumber", PHONE),
    ("faxNumber", FAX),
    ("email", EMAIL),
    ("homepageUrl", HOMEPAGE),
)
_QUEUE_FIELDS = (("amqpAsyncQueue", AMQP_ASYNC), ("amqpSyncQueue", AMQP_SYNC), ("amqpErrorQueue", AMQP_ERROR))


def _shape(where: str, expected: str, received: object) -> ParseError:
    return ParseError(
        f"the Adresseregister answer has {where} of the wrong kind",
        code="ar.rest-shape",
        where=where,
        expected=expected,
        received=repr(received)[:80],
    )


def _object(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _shape(f"{where}.{key}", "an object", value)
    return value


def _string(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _shape(f"{where}.{key}", "a string", value)
    return value.strip() or None


def _integer(data: Mapping[str, Any], key: str, where: str) -> str | None:
    """An int32 id (HER-id, HPR number) as the model's digit string."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _shape(f"{where}.{key}", "an integer", value)
    return str(value)


def _time(data: Mapping[str, Any], key: str, where: str) -> datetime | None:
    text = _string(data, key, where)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _shape(f"{where}.{key}", "an ISO 8601 date-time", text) from exc


def _certificate_ref(data: Mapping[str, Any], key: str, where: str) -> CertificateRef | None:
    meta = _object(data, key, where)
    if meta is None:
        return None
    here = f"{where}.{key}"
    return CertificateRef(
        thumbprint=_string(meta, "thumbprint", here),
        valid_from=_time(meta, "validFrom", here),
        valid_to=_time(meta, "validTo", here),
    )


def _electronic_addresses(data: Mapping[str, Any], where: str) -> tuple[ElectronicAddress, ...]:
    found = [
        ElectronicAddress(type=kind, address=value)
        for key, kind in _ADDRESS_FIELDS
        if (value := _string(data, key, where)) is not None
    ]
    queues = _object(data, "amqpAddress", where) or {}
    found += [
        ElectronicAddress(type=kind, address=value)
        for key, kind in _QUEUE_FIELDS
        if (value := _string(queues, key, f"{where}.amqpAddress")) is not None
    ]
    return tuple(found)


def _postal_address(data: Mapping[str, Any], where: str) -> tuple[PhysicalAddress, ...]:
    postal = _object(data, "postalAddress", where)
    if postal is None:
        return ()
    here = f"{where}.postalAddress"
    return (
        PhysicalAddress(
            type=POSTAL_ADDRESS,
            street=_string(postal, "address", here),
            postbox=_string(postal, "postalBox", here),
            postal_code=_string(postal, "postalCode", here),
            city=_string(postal, "city", here),
        ),
    )


def _administrative_code(data: Mapping[str, Any] | None, key: str, where: str) -> Code | None:
    code = None if data is None else _object(data, key, where)
    if code is None:
        return None
    here = f"{where}.{key}"
    return Code(
        value=_string(code, "value", here),
        text=_string(code, "name", here),
        oid=_string(code, "codeListId", here),
    )


def communication_party_from_json(data: object, where: str = "$") -> CommunicationParty:
    """A REST ``CommunicationParty`` as ``CommunicationParty``; ``ar.rest-shape`` when it is not one."""
    if not isinstance(data, Mapping):
        raise _shape(where, "a CommunicationParty object", data)
    her_id = _integer(data, "herId", where)
    if her_id is None:
        raise ParseError("CommunicationParty without herId", code="ar.missing-herid", where=where)
    kind = _string(data, "type", where)
    if kind is None:
        raise _shape(f"{where}.type", "Organization, Person or Service", None)
    person = _object(data, "personDetails", where)
    service = _object(data, "serviceDetails", where)
    organization = _object(data, "organizationDetails", where)
    holder = person or service
    holder_where = f"{where}.{'personDetails' if person is not None else 'serviceDetails'}"
    parent = None if holder is None else _object(holder, "parentOrganization", holder_where)
    parent_where = f"{holder_where}.parentOrganization"
    name = _string(data, "name", where) or ""
    return CommunicationParty(
        her_id=her_id,
        name=name,
        type=kind,
        display_name=_string(data, "displayName", where),
        parent_her_id=None if parent is None else _integer(parent, "herId", parent_where),
        parent_name=None if parent is None else _string(parent, "name", parent_where),
        parent_organization_number=None
        if parent is None
        else _string(parent, "organizationNumber", parent_where),
        person_name=(name or None) if person is not None else None,
        hpr=None if person is None else _integer(person, "hprNumber", f"{where}.personDetails"),
        electronic_addresses=_electronic_addresses(data, where),
        organization_number=None
        if organization is None
        else _string(organization, "organizationNumber", f"{where}.organizationDetails"),
        service_code=_administrative_code(service, "serviceType", f"{where}.serviceDetails"),
        physical_addresses=_postal_address(data, where),
        valid_from=_time(data, "validFrom", where),
        valid_to=_time(data, "validTo", where),
        signing_certificate=_certificate_ref(data, "currentSigningCertificate", where),
        encryption_certificate=_certificate_ref(data, "currentEncryptionCertificate", where),
        amqp_status=_string(data, "amqpTransportStatus", where),
    )


def communication_parties_from_search(data: object) -> tuple[CommunicationParty, ...]:
    """A ``SearchResponse`` (``communicationParties``, possibly null) as parties."""
    if not isinstance(data, Mapping):
        raise _shape("$", "a SearchResponse object", data)
    listed = data.get("communicationParties")
    if listed is None:
        return ()
    if not isinstance(listed, list):
        raise _shape("$.communicationParties", "an array", listed)
    return tuple(
        communication_party_from_json(item, f"$.communicationParties[{index}]")
        for index, item in enumerate(listed)
    )


def certificate_from_json(data: object) -> ArCertificate:
    """A REST ``Certificate`` (``certificateValue``: base64 DER) as ``ArCertificate``."""
    if not isinstance(data, Mapping):
        raise _shape("$", "a Certificate object", data)
    return ArCertificate(certificate=certificate_info(_string(data, "certificateValue", "$")))
