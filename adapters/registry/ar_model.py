"""Typed model of Adresseregister answers: CommunicationParty and CertificateDetails (messaging.md §8.1).

Field names match what the AR client returns (``her_id``, ``name``, ``type``, ``parent_*``, ``hpr``,
``electronic_addresses``), so the client and the XML reader here hand out the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from samband.adapters.registry.certificates import CertificateInfo


class PartyType(StrEnum):
    """CommunicationPartyType of the AR data contract."""

    NONE = "None"
    PERSON = "Person"
    ORGANIZATION = "Organization"
    DEPARTMENT = "Department"
    SERVICE = "Service"


# Kodeverk 9044 (type_adressekomponeneter) values the gateway acts on; the rest are kept as data.
AMQP_ASYNC = "E_SB_ASYNC"
AMQP_SYNC = "E_SB_SYNC"
AMQP_ERROR = "E_SB_ERROR"
EDI_ADDRESS = "E_EDI"
CERTIFICATE_LDAP = "E_DS"
PHONE = "E_TLF"
FAX = "E_FAX"
EMAIL = "E_EPOST"
HOMEPAGE = "E_URL"

MESSAGE_SERVICE_EDI_ADDRESSES = frozenset(
    {"meldingstjener-api@edi.nhn.no", "meldingstjener-api@testedi.nhn.no"}
)
"""The EDI address (E_EDI) of NHN's message service (Meldingstjener, EDI 2.0) in production and test:
the register gives it in place of their own to every party that uses the message service's API."""


class Channel(StrEnum):
    """How a party is reached, as the route transport that reaches it: the message service's API
    (``nhn-msh``) for its users, ebXML over EDI (``ebxml-http``) for everyone else with an EDI address."""

    MESSAGE_SERVICE = "nhn-msh"
    EBXML = "ebxml-http"


@dataclass(frozen=True)
class Code:
    """A register code: value, text and the OID of its code system (e.g. 9044, 3402)."""

    value: str | None
    text: str | None = None
    oid: str | None = None


@dataclass(frozen=True)
class ElectronicAddress:
    """ElectronicAddress: type code from kodeverk 9044 (E_SB_ASYNC, E_EDI, E_TLF …) and the address."""

    type: str
    address: str
    type_text: str | None = None
    inherited: bool = False
    last_changed: datetime | None = None


@dataclass(frozen=True)
class PhysicalAddress:
    """PhysicalAddress with its type from kodeverk 3401 (RES besøksadresse, PST postadresse)."""

    type: str | None
    street: str | None = None
    postbox: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class CertificateRef:
    """Which certificate is a party's current one (CertificateMetadata): SHA-1 thumbprint and validity."""

    thumbprint: str | None
    valid_from: datetime | None = None
    valid_to: datetime | None = None


@dataclass(frozen=True)
class CommunicationParty:
    """A communication party (Organization, Department, Service or OrganizationPerson) as AR gives it.

    ``parent_*`` is the owning organisation (level 1 in Hodemelding addressing); for a person the
    ``person_name`` and ``hpr`` come from the HPR Person part.
    """

    her_id: str
    name: str
    type: str
    active: bool = True
    valid: bool = True
    display_name: str | None = None
    parent_her_id: str | None = None
    parent_name: str | None = None
    parent_organization_number: str | None = None
    person_name: str | None = None
    hpr: str | None = None
    electronic_addresses: tuple[ElectronicAddress, ...] = ()
    contract_type: str | None = None
    organization_number: str | None = None
    title: str | None = None
    municipality: Code | None = None
    service_code: Code | None = None
    physical_addresses: tuple[PhysicalAddress, ...] = ()
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    last_changed: datetime | None = None
    signing_certificate: CertificateRef | None = None
    encryption_certificate: CertificateRef | None = None
    amqp_status: str | None = None

    def address(self, type_code: str) -> str | None:
        return next((a.address for a in self.electronic_addresses if a.type == type_code), None)

    @property
    def phone(self) -> str | None:
        return self.address(PHONE)

    @property
    def kind(self) -> PartyType | None:
        """The party type as enum; None for a value the register added later."""
        try:
            return PartyType(self.type)
        except ValueError:
            return None

    @property
    def is_person(self) -> bool:
        return self.kind is PartyType.PERSON

    @property
    def channel(self) -> Channel | None:
        """How the register says the party is reached: ``nhn-msh`` when its EDI address is the message
        service's, ``ebxml-http`` for any other EDI address, None when it has none (no EDI at all)."""
        edi = self.address(EDI_ADDRESS)
        if not edi or not edi.strip():
            return None
        if edi.strip().lower() in MESSAGE_SERVICE_EDI_ADDRESSES:
            return Channel.MESSAGE_SERVICE
        return Channel.EBXML

    @property
    def amqp_queues(self) -> dict[str, str]:
        """E_SB_ASYNC / E_SB_SYNC / E_SB_ERROR queue names (Helsenorge AMQP)."""
        wanted = (AMQP_ASYNC, AMQP_SYNC, AMQP_ERROR)
        return {a.type: a.address for a in self.electronic_addresses if a.type in wanted}


@dataclass(frozen=True)
class ArCertificate:
    """CertificateDetails: the certificate and the LDAP URL it was fetched from."""

    certificate: CertificateInfo
    ldap_url: str | None = None
