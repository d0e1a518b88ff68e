"""Compose outbound Hodemeldinger: sender, receiver, patient, payload, ConversationRef, attachments.

Used by the feedback feature and the translators; the result goes through ``serialize_msghead``,
which refuses anything schema-invalid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Organisation, Person
from samband.adapters.msghead.model import (
    MIG_VERSION,
    Attachment,
    ConversationRef,
    Document,
    MsgHead,
    MsgInfo,
    Party,
    Payload,
    RefDoc,
)
from samband.adapters.msghead.payloads import to_payload

XML_INSTANCE = Code(v="XML", dn="XML-instans")
ATTACHMENT = Code(v="A", dn="Vedlegg")
ACK_YES = Code(v="J", dn="Ja")


def reply_conversation(original: MsgHead) -> ConversationRef:
    """ConversationRef for an answer to ``original`` (HITS 1218): parent = its MsgId, conversation
    = its RefToConversation, or its own MsgId when it opened the conversation."""
    ref = original.msg_info.conversation_ref
    first = ref.ref_to_conversation if ref is not None and ref.ref_to_conversation else original.msg_id
    return ConversationRef(ref_to_parent=original.msg_id, ref_to_conversation=first)


def attachment_document(
    data: bytes, mime_type: str, description: str | None = None, issue_date: str | None = None
) -> Document:
    """A Document with RefDoc/MsgType A and the bytes in a kith Base64Container."""
    return Document(
        ref_doc=RefDoc(
            msg_type=ATTACHMENT,
            issue_date=issue_date,
            mime_type=mime_type,
            description=description,
            content=Attachment(mime_type=mime_type, data=data),
        )
    )


def build_msghead(
    *,
    msg_type: Code | str,
    sender: Organisation,
    receiver: Organisation,
    payload: Payload | object,
    patient: Person | None = None,
    conversation_ref: ConversationRef | None = None,
    attachments: Sequence[Document] = (),
    now: datetime | None = None,
    new_id: str | None = None,
    ack: Code | None = ACK_YES,
    payload_namespace: str | None = None,
) -> MsgHead:
    """A new Hodemelding. ``payload`` is a ``Payload`` or a payload model registered in ``PAYLOADS``
    (its namespace from ``payload_namespace`` or the model's ``namespace`` attribute)."""
    moment = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    main = _as_payload(payload, payload_namespace)
    document = Document(ref_doc=RefDoc(msg_type=XML_INSTANCE, issue_date=moment, content=main))
    return MsgHead(
        msg_info=MsgInfo(
            type=msg_type if isinstance(msg_type, Code) else Code(v=msg_type),
            mig_version=MIG_VERSION,
            gen_date=moment,
            msg_id=new_id or str(uuid.uuid4()),
            ack=ack,
            conversation_ref=conversation_ref,
            sender=Party(organisation=sender),
            receiver=Party(organisation=receiver),
            patient=patient,
        ),
        documents=(document, *attachments),
    )


def _as_payload(payload: Payload | object, namespace: str | None) -> Payload:
    if isinstance(payload, Payload):
        return payload
    target = namespace or getattr(payload, "namespace", None)
    if not isinstance(target, str):
        raise TypeError("payload model has no namespace; pass payload_namespace=")
    return to_payload(payload, target)
