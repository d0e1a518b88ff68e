"""Build the messages an MSH sends: a business message, an Acknowledgment and a MessageError.

Defaults follow HISD 1209:2018 (Service/Action/Role) and HIS 1037 §6.2.1 (CPAId without CPA);
values from the CPA, when the caller has one, are passed in and win.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

from samband.adapters.ebxml.digests import acknowledged_references
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
    Party,
    PartyId,
    Payload,
    Service,
    format_timestamp,
)
from samband.adapters.ebxml.names import (
    ACTION_ACKNOWLEDGMENT,
    ACTION_MESSAGE_ERROR,
    ACTOR_TO_PARTY_MSH,
    APPREC_ACTION,
    EBXML_ERROR_CODES,
    ERROR_CODE_BY_PREFIX,
    MSH_SERVICE,
    PARTY_HER,
    PKCS7_ENVELOPED,
    ROLE_RECEIVER,
    ROLE_SENDER,
    SERVICE_PREFIX,
    SERVICE_TYPE,
    SEVERITIES,
)
from samband.kernel.errors import UnsupportedMessage


def default_cpa_id(her_a: str, her_b: str) -> str:
    """CPAId when no CPA is agreed: ``<lowest HER-id>_<highest HER-id>`` (HIS 1037 §6.2.1)."""
    low, high = sorted(
        (her_a.strip(), her_b.strip()), key=lambda h: (0, int(h), "") if h.isdigit() else (1, 0, h)
    )
    return f"{low}_{high}"


def default_service(action: str) -> str:
    """HISD 1209: Service = "S-" + Action (Action = MsgInfo/Type, code system 8279)."""
    return SERVICE_PREFIX + action


def default_roles(action: str) -> tuple[str, str]:
    """HISD 1209: (from role, to role) = (Action + "sender", Action + "receiver")."""
    return action + ROLE_SENDER, action + ROLE_RECEIVER


def make_payload(
    data: bytes,
    *,
    content_type: str = PKCS7_ENVELOPED,
    content_id: str | None = None,
    transfer_encoding: str = "base64",
) -> Payload:
    """A payload part; by default CMS EnvelopedData sent base64 (HITS 1172 rules 259, 260)."""
    return Payload(
        content_id=content_id or f"{uuid.uuid4()}@ebxml",
        content_type=content_type,
        data=data,
        transfer_encoding=transfer_encoding,
    )


def error_code_for(code: str) -> str:
    """The ebMS errorCode for a gateway error code or finding rule (``ebxml.mime-no-start`` → MimeProblem)."""
    return next((ebms for prefix, ebms in ERROR_CODE_BY_PREFIX if code.startswith(prefix)), "Unknown")


def _now(timestamp: datetime | None) -> str:
    return format_timestamp(timestamp or datetime.now(UTC))


def build_message(
    *,
    from_her: str,
    to_her: str,
    action: str,
    payload: Payload | bytes,
    conversation_id: str | None = None,
    cpa_id: str | None = None,
    service: str | None = None,
    service_type: str | None = SERVICE_TYPE,
    from_role: str | None = None,
    to_role: str | None = None,
    message_id: str | None = None,
    timestamp: datetime | None = None,
    ref_to_message_id: str | None = None,
    time_to_live: datetime | None = None,
    description: Description | None = None,
) -> EbxmlMessage:
    """A business message around one payload, asking for a signed ack (HITS 1171 §5).

    ``action`` is the MsgInfo/Type code; Service, roles and CPAId default per HISD 1209 and
    HIS 1037 unless the CPA's values are given. A new conversation gets a new UUID.
    """
    part = payload if isinstance(payload, Payload) else make_payload(payload)
    sender_role, receiver_role = default_roles(action)
    header = MessageHeader(
        from_party=Party((PartyId(from_her, PARTY_HER),), from_role or sender_role),
        to_party=Party((PartyId(to_her, PARTY_HER),), to_role or receiver_role),
        cpa_id=cpa_id or default_cpa_id(from_her, to_her),
        conversation_id=conversation_id or str(uuid.uuid4()),
        service=Service(service or default_service(action), service_type),
        action=action,
        message_data=MessageData(
            message_id=message_id or str(uuid.uuid4()),
            timestamp=_now(timestamp),
            ref_to_message_id=ref_to_message_id,
            time_to_live=format_timestamp(time_to_live) if time_to_live else None,
        ),
        duplicate_elimination=True,
        descriptions=(description,) if description else (),
    )
    return EbxmlMessage(
        header=header,
        ack_requested=AckRequested(signed=True, actor=ACTOR_TO_PARTY_MSH),
        manifest=(ManifestReference(href=f"cid:{part.content_id}"),),
        payloads=(part,),
    )


def build_apprec(
    original: EbxmlMessage,
    payload: Payload | bytes,
    *,
    message_id: str | None = None,
    timestamp: datetime | None = None,
) -> EbxmlMessage:
    """The envelope of the AppRec answering ``original`` (HISD 1209: same Service, Action APPREC).

    Parties and roles are swapped, CPAId and ConversationId copied, RefToMessageId points at the
    original; HER-ids are those of the original's PartyId type HER.
    """
    _refuse_signal(original, "an AppRec")
    head = original.header
    sender, receiver = head.to_party.her_id, head.from_party.her_id
    if sender is None or receiver is None:
        raise UnsupportedMessage(
            "cannot address an AppRec: the original has no HER PartyId",
            code="ebxml.apprec-unaddressable",
            where="eb:MessageHeader/eb:From|eb:To",
            expected='eb:PartyId eb:type="HER" on both parties',
        )
    return build_message(
        from_her=sender,
        to_her=receiver,
        action=APPREC_ACTION,
        payload=payload,
        conversation_id=head.conversation_id,
        cpa_id=head.cpa_id,
        service=head.service.value,
        service_type=head.service.type,
        from_role=head.to_party.role,
        to_role=head.from_party.role,
        message_id=message_id,
        timestamp=timestamp,
        ref_to_message_id=head.message_data.message_id,
    )


def _refuse_signal(original: EbxmlMessage, what: str) -> None:
    """HITS 1171 §8: never answer a signal with a signal (that loops)."""
    if original.is_signal:
        raise UnsupportedMessage(
            f"an ebXML {original.header.action} signal is never answered with {what}",
            code="ebxml.signal-not-answered",
            where="eb:MessageHeader/eb:Action",
            expected="a business message",
            received=original.header.action,
        )


def _reply_header(
    original: EbxmlMessage, action: str, message_id: str | None, timestamp: str
) -> MessageHeader:
    """Signal header: parties swapped without roles, CPAId and ConversationId copied (HITS 1171)."""
    head = original.header
    return MessageHeader(
        from_party=Party(head.to_party.party_ids),
        to_party=Party(head.from_party.party_ids),
        cpa_id=head.cpa_id,
        conversation_id=head.conversation_id,
        service=Service(MSH_SERVICE),
        action=action,
        message_data=MessageData(
            message_id=message_id or str(uuid.uuid4()),
            timestamp=timestamp,
            ref_to_message_id=head.message_data.message_id if action == ACTION_MESSAGE_ERROR else None,
        ),
    )


def build_acknowledgment(
    original: EbxmlMessage,
    *,
    message_id: str | None = None,
    timestamp: datetime | None = None,
    description: Description | None = None,
    envelope: bytes | None = None,
) -> EbxmlMessage:
    """eb:Acknowledgment of ``original`` (ebMS §6.3.2) with its signed ds:Reference elements, each with
    the digest computed here of ``envelope`` (the SOAP envelope as received) or the payload part it
    names, never the sender's; without ``envelope``, none."""
    _refuse_signal(original, "an Acknowledgment")
    stamp = _now(timestamp)
    header = _reply_header(original, ACTION_ACKNOWLEDGMENT, message_id, stamp)
    if description is not None:
        header = dataclasses.replace(header, descriptions=(description,))
    ack = Acknowledgment(
        timestamp=stamp,
        ref_to_message_id=original.message_id,
        references=acknowledged_references(original.signature, envelope, original.payloads),
        actor=ACTOR_TO_PARTY_MSH,
    )
    return EbxmlMessage(header=header, acknowledgment=ack)


def build_message_error(
    original: EbxmlMessage,
    error_code: str,
    description: str,
    location: str | None = None,
    *,
    severity: str = "Error",
    lang: str = "en",
    message_id: str | None = None,
    timestamp: datetime | None = None,
) -> EbxmlMessage:
    """eb:ErrorList signal rejecting ``original`` (ebMS 2.0 §4.2.3, HITS 1171 §8).

    ``error_code`` is one of the ebMS codes (``ValueNotRecognized``, ``MimeProblem`` …);
    ``location`` an XPath/xpointer to the offending element.
    """
    _refuse_signal(original, "a MessageError")
    if error_code not in EBXML_ERROR_CODES or severity not in SEVERITIES:
        raise UnsupportedMessage(
            "not an ebMS 2.0 error code or severity",
            code="ebxml.unknown-error-code",
            expected=f"errorCode in {sorted(EBXML_ERROR_CODES)}, severity in {SEVERITIES}",
            received=f"{error_code}/{severity}",
        )
    header = _reply_header(original, ACTION_MESSAGE_ERROR, message_id, _now(timestamp))
    detail = ErrorDetail(
        error_code=error_code,
        severity=severity,
        location=location,
        description=Description(text=description, lang=lang),
    )
    return EbxmlMessage(header=header, error_list=ErrorList(highest_severity=severity, errors=(detail,)))


__all__ = [
    "build_acknowledgment",
    "build_apprec",
    "build_message",
    "build_message_error",
    "default_cpa_id",
    "default_roles",
    "default_service",
    "error_code_for",
    "acknowledged_references",
    "make_payload",
]
