"""Typed, immutable model of Hodemelding (MsgHead 1.2, HIS 80601:2006).

One frozen dataclass per schema class: MsgInfo, Sender/Receiver (``Party``), Organisation with its
nested level-2 Organisation and HealthcareProfessional, OtherReceiver, Patient, Document/RefDoc.
RefDoc/Content is either an XML ``Payload`` (kept as bytes so models compare equal and stay
immutable) or a kith Base64Container ``Attachment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from samband.adapters.msghead.kith import Code

MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
MIG_VERSION = "v1.2 2006-05-24"
BASE64_NS = "http://www.kith.no/xmlstds/base64container"
FK1_NS = "http://www.kith.no/xmlstds/felleskomponent1"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

HER = "HER"
PERSON_IDENT_TYPES = frozenset({"FNR", "DNR", "HNR"})


@dataclass(frozen=True)
class Ident:
    """Ident: ``Id`` plus ``TypeId`` (9051 for organisations, 8116 for persons)."""

    id: str
    type_id: Code

    @property
    def type(self) -> str | None:
        return self.type_id.v


@dataclass(frozen=True)
class Address:
    """Address (felleskomponent Address): Type 3401, StreetAdr, PostalCode, City, Postbox, County, Country."""

    type: Code | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    postbox: str | None = None
    county: Code | None = None
    country: Code | None = None


@dataclass(frozen=True)
class TeleCom:
    """TeleCom: TypeTelecom (9061) and TeleAddress/@V (``tel:…``, ``mailto:…``)."""

    address: str
    type: Code | None = None


def _ident_of(idents: tuple[Ident, ...], *types: str) -> str | None:
    return next((i.id for i in idents if i.type_id.v in types), None)


@dataclass(frozen=True)
class HealthcareProfessional:
    """HealthcareProfessional: TypeHealthcareProfessional (9060), RoleToPatient (9034), names, Ident+."""

    idents: tuple[Ident, ...] = ()
    type_hp: Code | None = None
    role_to_patient: Code | None = None
    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    nationality: Code | None = None
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()

    @property
    def her_id(self) -> str | None:
        return _ident_of(self.idents, HER)

    @property
    def hpr(self) -> str | None:
        return _ident_of(self.idents, "HPR")


@dataclass(frozen=True)
class Organisation:
    """Organisation: name, TypeOrganisation (9040), Ident+ (9051), then level 2 Organisation and/or person.

    The XSD allows an empty ``<Organisation/>`` (seen in real traffic); then ``name`` is None.
    """

    name: str | None = None
    idents: tuple[Ident, ...] = ()
    type_organisation: Code | None = None
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()
    organisation: Organisation | None = None
    healthcare_professional: HealthcareProfessional | None = None

    @property
    def her_id(self) -> str | None:
        """HER-id of this level (Ident with TypeId V="HER")."""
        return _ident_of(self.idents, HER)

    @property
    def communication_party_her(self) -> str | None:
        """HER-id of the actual communication party: the deepest level with one (level 2 service
        or person where present, else level 1).

        HIS 1153 tjenestebasert adressering; same rule as Helsenorge.Messaging's MetadataHelper.
        """
        if self.organisation is not None and self.organisation.communication_party_her:
            return self.organisation.communication_party_her
        if self.healthcare_professional is not None and self.healthcare_professional.her_id:
            return self.healthcare_professional.her_id
        return self.her_id


@dataclass(frozen=True)
class Party:
    """MsgInfo/Sender or MsgInfo/Receiver: optional ComMethod and one Organisation."""

    organisation: Organisation
    com_method: Code | None = None

    @property
    def her_id(self) -> str | None:
        return self.organisation.communication_party_her


@dataclass(frozen=True)
class Patient:
    """Patient (and the Person shape): names, DateOfBirth as text, Sex (3101), Ident* (8116), Address …

    ``date_of_birth`` stays text: senders write unpadded dates (``1991-12-4``); the parser pads those.
    """

    family_name: str | None = None
    middle_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = None
    sex: Code | None = None
    nationality: Code | None = None
    idents: tuple[Ident, ...] = ()
    address: Address | None = None
    telecoms: tuple[TeleCom, ...] = ()

    @property
    def person_id(self) -> str | None:
        """The FNR, DNR or HNR of the patient, first found."""
        return _ident_of(self.idents, *sorted(PERSON_IDENT_TYPES))

    @property
    def fnr(self) -> str | None:
        return _ident_of(self.idents, "FNR")


@dataclass(frozen=True)
class OtherReceiver:
    """OtherReceiver: RoleReceiver (8112) and one of Organisation, Patient, Person (fk1:Person),
    HealthcareProfessional."""

    role_receiver: Code
    com_method: Code | None = None
    organisation: Organisation | None = None
    patient: Patient | None = None
    person: Patient | None = None
    healthcare_professional: HealthcareProfessional | None = None


@dataclass(frozen=True)
class ConversationRef:
    """ConversationRef (HITS 1218): RefToParent = MsgId answered, RefToConversation = first MsgId."""

    ref_to_parent: str
    ref_to_conversation: str


@dataclass(frozen=True)
class MsgInfo:
    """MsgInfo: Type (8279), MIGversion, GenDate (text, xs:dateTime), MsgId (UUID), Ack (7304) …"""

    type: Code
    gen_date: str
    msg_id: str
    sender: Party
    receiver: Party
    mig_version: str = MIG_VERSION
    processing_status: Code | None = None
    requested_priority: Code | None = None
    ack: Code | None = None
    conversation_ref: ConversationRef | None = None
    other_receivers: tuple[OtherReceiver, ...] = ()
    patient: Patient | None = None

    @property
    def generated_at(self) -> datetime | None:
        """GenDate as a datetime (naive when the document gives no offset), None if unreadable."""
        return parse_datetime(self.gen_date)


@dataclass(frozen=True)
class Payload:
    """A structured XML payload in RefDoc/Content: namespace, root local name, serialized element.

    Use ``adapters.msghead.payloads.payload_element(payload)`` to get an lxml element back.
    """

    namespace: str
    root: str
    xml: bytes = field(repr=False)


@dataclass(frozen=True)
class Attachment:
    """kith Base64Container in RefDoc/Content: the decoded bytes and their MIME type."""

    mime_type: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class RefDoc:
    """RefDoc: IssueDate, MsgType (8114: XML, A), Id, MimeType, Description, Compression, then
    FileReference or Content."""

    msg_type: Code
    issue_date: str | None = None
    id: str | None = None
    mime_type: str | None = None
    description: str | None = None
    compression: Code | None = None
    file_reference: str | None = None
    content: Payload | Attachment | None = None
    more_content: tuple[Payload | Attachment, ...] = ()

    @property
    def contents(self) -> tuple[Payload | Attachment, ...]:
        """Every element of Content in order (the schema allows several; one is the rule)."""
        return ((self.content,) if self.content is not None else ()) + self.more_content


@dataclass(frozen=True)
class Document:
    """Document: DocumentConnection (4702), ContentType, Consent (3109/9064) … and one RefDoc."""

    ref_doc: RefDoc
    document_connection: Code | None = None
    content_type: Code | None = None
    content_description: str | None = None
    content_category: Code | None = None
    consent: Code | None = None
    annotation: str | None = None
    from_date: str | None = None
    to_date: str | None = None
    oid_ref: str | None = None
    enquiry_ref_id: str | None = None


@dataclass(frozen=True)
class MsgHead:
    """Hodemelding: MsgInfo and Document+. (PatientReport and ds:Signature are not modelled.)"""

    msg_info: MsgInfo
    documents: tuple[Document, ...]

    @property
    def msg_id(self) -> str:
        return self.msg_info.msg_id

    @property
    def msg_type(self) -> str | None:
        return self.msg_info.type.v

    @property
    def patient(self) -> Patient | None:
        return self.msg_info.patient

    @property
    def payloads(self) -> tuple[Payload, ...]:
        return tuple(c for d in self.documents for c in d.ref_doc.contents if isinstance(c, Payload))

    @property
    def payload(self) -> Payload | None:
        """The main XML payload (first Document with an XML Content)."""
        return next(iter(self.payloads), None)

    @property
    def attachments(self) -> tuple[Document, ...]:
        """Documents whose Content is a Base64Container or that point to a FileReference."""
        return tuple(
            d
            for d in self.documents
            if any(isinstance(c, Attachment) for c in d.ref_doc.contents)
            or d.ref_doc.file_reference is not None
        )


def parse_datetime(value: str | None) -> datetime | None:
    """xs:dateTime text to datetime; fractions longer than microseconds are cut, ``Z`` accepted."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
