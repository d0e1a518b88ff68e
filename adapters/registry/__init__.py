"""NHN registers as data: CPP/CPA (CPPA 2.0) and Adresseregister answers, read into frozen models.

``parse_cppa`` reads a profile or agreement; ``parse_communication_party`` and
``parse_certificate_details`` read Adresseregister data contracts. The SOAP client lives in
``samband.integrations.adresseregister`` and hands out the same models.
"""

from samband.adapters.registry.ar import (
    certificate_details_from_element,
    communication_party_from_element,
    parse_certificate_details,
    parse_communication_party,
)
from samband.adapters.registry.ar_model import (
    ArCertificate,
    Code,
    CommunicationParty,
    ElectronicAddress,
    PartyType,
    PhysicalAddress,
)
from samband.adapters.registry.certificates import CertificateInfo, certificate_info
from samband.adapters.registry.cppa import collaboration_protocol_from_element, parse_cppa
from samband.adapters.registry.cppa_model import (
    ActionBinding,
    CollaborationRole,
    Direction,
    Endpoint,
    NamespaceSupported,
    PartyInfo,
    Transport,
)
from samband.adapters.registry.protocol import (
    CollaborationProtocol,
    EnvelopeChoice,
    ProtocolKind,
    ServiceChoice,
)

__all__ = [
    "ActionBinding",
    "ArCertificate",
    "CertificateInfo",
    "Code",
    "CollaborationProtocol",
    "CollaborationRole",
    "CommunicationParty",
    "Direction",
    "ElectronicAddress",
    "Endpoint",
    "EnvelopeChoice",
    "NamespaceSupported",
    "PartyInfo",
    "PartyType",
    "PhysicalAddress",
    "ProtocolKind",
    "ServiceChoice",
    "Transport",
    "certificate_details_from_element",
    "certificate_info",
    "collaboration_protocol_from_element",
    "communication_party_from_element",
    "parse_certificate_details",
    "parse_communication_party",
    "parse_cppa",
]
