"""Typed, immutable model of Hodemelding (MsgHead 1.2, HIS 80601:2006).

One frozen dataclass per schema class: MsgInfo, Sender/Receiver (``Party``), OtherReceiver,
Document/RefDoc; the parties themselves (Organisation, HealthcareProfessional, Patient as ``Person``)
are the KITH shared types of ``adapters.kith.model``. RefDoc/Content is either an XML ``Payload``
(kept as bytes so models compare equal and stay immutable) or a kith Base64Container ``Attachment``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import HealthcareProfessional, Organisation, Person
from samband.adapters.kith.shapes import FK1_NS as FK1_NS
from samband.adapters.kith.shapes import MSGHEAD_NS as MSGHEAD_NS

MIG_VERSION = "v1.2 2006-05-24"
BASE64_NS = "http://www.kith.no/xmlstds/base64container"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class Party:
    """MsgInfo/Sender or MsgInfo/Receiver: optional ComMethod and one Organisation."""

    organisation: Organisation
    com_method: Code | None = None

    @property
    def her_id(self) -> str | None:
        return self.organisation.communication_party_her


@dataclass(frozen=True)
class OtherReceiver:
    """OtherReceiver: RoleReceiver (8112) and one of Organisation, Patient, Person (fk1:Person),
    HealthcareProfessional (Patient and Person are both the KITH ``Person`` shape)."""

    role_receiver: Code
    com_method: Code | None = None
    organisation: Organisation | None = None
    patient: Person | None = None
    person: Person | None = None
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
    patient: Person | None = None

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
    def patient(self) -> Person | None:
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
