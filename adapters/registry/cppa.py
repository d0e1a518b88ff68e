"""Read a CPP or CPA (OASIS CPPA 2.0, cpp-cpa-2_0.xsd) as data into ``CollaborationProtocol``.

NHN-issued CPAs reuse ``xs:ID`` values across the two PartyInfo blocks and so are not strictly
schema-valid (reference README): they are read as data, never XSD-validated or ID-checked.
"""

from __future__ import annotations

from lxml import etree

from samband.adapters.registry.certificates import certificate_info
from samband.adapters.registry.cppa_model import (
    ActionBinding,
    CollaborationRole,
    CppaCertificate,
    CppaPartyId,
    DeliveryChannel,
    Direction,
    DocExchange,
    Endpoint,
    NamespaceSupported,
    PackageComponent,
    Packaging,
    PartyInfo,
    SimplePart,
    Transport,
)
from samband.adapters.registry.protocol import CollaborationProtocol, ProtocolKind
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import ParseError, UnsupportedMessage

CPPA_NS = "http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_ROOTS = {
    "CollaborationProtocolAgreement": ProtocolKind.CPA,
    "CollaborationProtocolProfile": ProtocolKind.CPP,
}
_ID_ATTRIBUTE = {ProtocolKind.CPA: "cpaid", ProtocolKind.CPP: "cppid"}


def _t(name: str) -> str:
    return f"{{{CPPA_NS}}}{name}"


def _attr(element: etree._Element | None, name: str) -> str | None:
    """CPPA attributes are qualified (tns:action); accept the bare name too."""
    if element is None:
        return None
    value = element.get(_t(name))
    if value is None:
        value = element.get(name)
    return None if value is None else str(value).strip()


def _text(element: etree._Element | None, path: str) -> str | None:
    node = element.find(path) if element is not None else None
    return None if node is None else (node.text or "").strip() or None


def _binding(node: etree._Element, direction: Direction, other: str | None) -> ActionBinding:
    characteristics = node.find(_t("BusinessTransactionCharacteristics"))
    return ActionBinding(
        action=_attr(node, "action") or "",
        direction=direction,
        binding_id=_attr(node, "id"),
        package_id=_attr(node, "packageId"),
        channel_ids=tuple((c.text or "").strip() for c in node.iterfind(_t("ChannelId"))),
        non_repudiation_required=_attr(characteristics, "isNonRepudiationRequired") == "true",
        receipt_required=_attr(characteristics, "isNonRepudiationReceiptRequired") == "true",
        other_party_binding=other,
    )


def _bindings(service_binding: etree._Element | None) -> tuple[ActionBinding, ...]:
    if service_binding is None:
        return ()
    found: list[ActionBinding] = []
    for tag, direction in (("CanSend", Direction.SEND), ("CanReceive", Direction.RECEIVE)):
        for can in service_binding.iterfind(_t(tag)):
            other = _text(can, _t("OtherPartyActionBinding"))
            found.extend(
                _binding(node, direction, other) for node in can.iterfind(_t("ThisPartyActionBinding"))
            )
    return tuple(found)


def _role(node: etree._Element) -> CollaborationRole:
    process = node.find(_t("ProcessSpecification"))
    binding = node.find(_t("ServiceBinding"))
    service = binding.find(_t("Service")) if binding is not None else None
    return CollaborationRole(
        process=_attr(process, "name"),
        process_version=_attr(process, "version"),
        process_uuid=_attr(process, "uuid"),
        role=_attr(node.find(_t("Role")), "name"),
        service=(service.text or "").strip() or None if service is not None else None,
        service_type=_attr(service, "type"),
        certificate_ref=_attr(node.find(_t("ApplicationCertificateRef")), "certId"),
        bindings=_bindings(binding),
    )


def _transport(node: etree._Element) -> Transport:
    protocol = node.find(f"{_t('TransportReceiver')}/{_t('TransportProtocol')}")
    if protocol is None:
        protocol = node.find(f"{_t('TransportSender')}/{_t('TransportProtocol')}")
    endpoints = tuple(
        Endpoint(uri=_attr(e, "uri") or "", type=_attr(e, "type"))
        for e in node.iterfind(f"{_t('TransportReceiver')}/{_t('Endpoint')}")
    )
    return Transport(
        transport_id=_attr(node, "transportId") or "",
        protocol=(protocol.text or "").strip() or None if protocol is not None else None,
        version=_attr(protocol, "version"),
        endpoints=endpoints,
    )


def _channel(node: etree._Element) -> DeliveryChannel:
    messaging = node.find(_t("MessagingCharacteristics"))
    return DeliveryChannel(
        channel_id=_attr(node, "channelId") or "",
        transport_id=_attr(node, "transportId"),
        doc_exchange_id=_attr(node, "docExchangeId"),
        ack_requested=_attr(messaging, "ackRequested"),
        ack_signature_requested=_attr(messaging, "ackSignatureRequested"),
        duplicate_elimination=_attr(messaging, "duplicateElimination"),
        sync_reply_mode=_attr(messaging, "syncReplyMode"),
    )


def _doc_exchange(node: etree._Element) -> DocExchange:
    sender = node.find(_t("ebXMLSenderBinding"))
    reliable = sender.find(_t("ReliableMessaging")) if sender is not None else None
    non_rep = sender.find(_t("SenderNonRepudiation")) if sender is not None else None
    envelope = sender.find(_t("SenderDigitalEnvelope")) if sender is not None else None
    retries = _text(reliable, _t("Retries"))
    algorithm = non_rep.find(_t("SignatureAlgorithm")) if non_rep is not None else None
    return DocExchange(
        doc_exchange_id=_attr(node, "docExchangeId") or "",
        retries=int(retries) if retries and retries.isdigit() else None,
        retry_interval=_text(reliable, _t("RetryInterval")),
        persist_duration=_text(sender, _t("PersistDuration")),
        hash_function=_text(non_rep, _t("HashFunction")),
        signature_algorithm=(_attr(algorithm, "w3c") or _text(non_rep, _t("SignatureAlgorithm"))),
        signing_certificate_ref=_attr(
            non_rep.find(_t("SigningCertificateRef")) if non_rep is not None else None, "certId"
        ),
        encryption_algorithm=_text(envelope, _t("EncryptionAlgorithm")),
        encryption_certificate_ref=_attr(
            envelope.find(_t("EncryptionCertificateRef")) if envelope is not None else None, "certId"
        ),
    )


def _party(node: etree._Element) -> PartyInfo:
    certificates = tuple(
        CppaCertificate(
            cert_id=_attr(cert, "certId") or "",
            info=certificate_info(
                _text(cert, f"{{{DS_NS}}}KeyInfo/{{{DS_NS}}}X509Data/{{{DS_NS}}}X509Certificate")
            ),
        )
        for cert in node.iterfind(_t("Certificate"))
    )
    return PartyInfo(
        name=_attr(node, "partyName"),
        party_ids=tuple(
            CppaPartyId(value=(p.text or "").strip(), type=_attr(p, "type"))
            for p in node.iterfind(_t("PartyId"))
        ),
        roles=tuple(_role(r) for r in node.iterfind(_t("CollaborationRole"))),
        certificates=certificates,
        channels=tuple(_channel(c) for c in node.iterfind(_t("DeliveryChannel"))),
        transports=tuple(_transport(t) for t in node.iterfind(_t("Transport"))),
        doc_exchanges=tuple(_doc_exchange(d) for d in node.iterfind(_t("DocExchange"))),
        default_channel_id=_attr(node, "defaultMshChannelId"),
        default_package_id=_attr(node, "defaultMshPackageId"),
    )


def _simple_part(node: etree._Element) -> SimplePart:
    namespaces = tuple(
        NamespaceSupported(
            namespace=(n.text or "").strip(), version=_attr(n, "version"), location=_attr(n, "location")
        )
        for n in node.iterfind(_t("NamespaceSupported"))
    )
    return SimplePart(
        part_id=_attr(node, "id") or "", mimetype=_attr(node, "mimetype"), namespaces=namespaces
    )


def _packaging(node: etree._Element) -> Packaging:
    components = tuple(
        PackageComponent(
            component_id=_attr(c, "id") or "",
            kind=etree.QName(c).localname,
            mimetype=_attr(c, "mimetype"),
            mimeparameters=_attr(c, "mimeparameters"),
            constituents=tuple(_attr(k, "idref") or "" for k in c.iterfind(_t("Constituent"))),
        )
        for c in node.iterfind(f"{_t('CompositeList')}/*")
        if isinstance(c.tag, str)
    )
    return Packaging(package_id=_attr(node, "id") or "", components=components)


def _kind(root: etree._Element) -> ProtocolKind:
    name = etree.QName(root)
    kind = _ROOTS.get(name.localname)
    if kind is None:
        raise ParseError(
            "not a CPP or CPA",
            code="cppa.not-cppa",
            where="/",
            expected="CollaborationProtocolProfile or CollaborationProtocolAgreement",
            received=name.localname,
        )
    if name.namespace != CPPA_NS:
        raise UnsupportedMessage(
            f"{name.localname} in an unknown namespace",
            code="cppa.wrong-namespace",
            where="/",
            expected=CPPA_NS,
            received=name.namespace,
        )
    return kind


def collaboration_protocol_from_element(root: etree._Element) -> CollaborationProtocol:
    """A parsed CPP/CPA root element as ``CollaborationProtocol``."""
    kind = _kind(root)
    return CollaborationProtocol(
        kind=kind,
        protocol_id=_attr(root, _ID_ATTRIBUTE[kind]),
        status=_attr(root.find(_t("Status")), "value"),
        start=_text(root, _t("Start")),
        end=_text(root, _t("End")),
        parties=tuple(_party(p) for p in root.iterfind(_t("PartyInfo"))),
        simple_parts=tuple(_simple_part(s) for s in root.iterfind(_t("SimplePart"))),
        packagings=tuple(_packaging(p) for p in root.iterfind(_t("Packaging"))),
    )


def parse_cppa(raw: bytes) -> CollaborationProtocol:
    """Parse CPP or CPA XML (as the CPPA service returns it, SOAP or REST) into the model."""
    return collaboration_protocol_from_element(parse_xml(raw))
