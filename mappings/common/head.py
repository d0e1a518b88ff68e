"""Hodemelding (MsgInfo) → the FHIR message frame: parties, Patient, MessageHeader and Provenance.

MsgInfo/Type → MessageHeader.eventCoding (8279); Sender/Receiver → Organization/PractitionerRole
with the HER-id of the communication party; ConversationRef → Provenance.entity (HITS 1218).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.payloads import adapter_for
from samband.kernel.codes import lookup
from samband.kernel.ids import stable_id
from samband.mappings.common.document import document_extensions
from samband.mappings.common.head_time import instant
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import PartyRefs, add_organisation, add_patient
from samband.mappings.common.message import (
    BundleBuilder,
    HeaderFacts,
    ProvenanceFacts,
    message_header,
    party_reference,
    provenance,
)
from samband.mappings.common.narrative import annotate
from samband.mappings.common.state import MapState, check_code
from samband.mappings.common.systems import MESSAGE_DEFINITION

JsonDict = dict[str, object]
MSGINFO = "/MsgHead/MsgInfo"


@dataclass
class Frame:
    """The message frame being built: parties, patient and the entries collected so far."""

    head: MsgHead
    state: MapState
    builder: BundleBuilder
    sender: PartyRefs
    receiver: PartyRefs
    patient_id: str | None
    timestamp: str
    focus: list[str] = field(default_factory=list)
    author: JsonDict | None = None
    approved: str | None = None

    @property
    def sender_key(self) -> str:
        return self.sender.her_id or self.sender.top_id

    def rid(self, resource_type: str, *key: str) -> str:
        """A deterministic id for a resource that exists only inside this message."""
        return stable_id(resource_type, self.sender_key, self.head.msg_id, *key)


def open_frame(head: MsgHead, state: MapState) -> Frame:
    """Map MsgInfo: Sender, Receiver and Patient into the Bundle; unmapped MsgInfo parts are issues."""
    info = head.msg_info
    builder = BundleBuilder()
    sender = add_organisation(state, builder, info.sender.organisation, f"{MSGINFO}/Sender/Organisation")
    receiver = add_organisation(
        state, builder, info.receiver.organisation, f"{MSGINFO}/Receiver/Organisation"
    )
    patient_id = add_patient(builder, info.patient, sender.top_id) if info.patient else None
    for index, other in enumerate(info.other_receivers, start=1):
        state.not_mapped(f"{MSGINFO}/OtherReceiver[{index}]", f"copy receiver ({other.role_receiver.v})")
    if info.requested_priority is not None:
        state.not_mapped(f"{MSGINFO}/RequestedPriority", "RequestedPriority")
    if info.patient and info.patient.nationality is not None:
        state.not_mapped(f"{MSGINFO}/Patient/Nationality", "patient nationality")
    stamp = instant(info.gen_date, state.ctx.now())
    return Frame(head, state, builder, sender, receiver, patient_id, stamp)


def definition(head: MsgHead, event: str) -> str | None:
    """``MessageHeader.definition``: the message type and payload version, e.g. ``…/DIALOG_NOTAT|1.0``."""
    payload = head.payload
    adapter = adapter_for(payload.namespace) if payload is not None else None
    if adapter is None or not event:
        return None
    return f"{MESSAGE_DEFINITION}/{event}|{adapter.version}"


def close_frame(frame: Frame, status: str | None = None) -> JsonDict:
    """MessageHeader first, then Provenance, then every resource; Bundle id from sender + MsgId."""
    info = frame.head.msg_info
    event = info.type.v or ""
    issue = check_code("8279", event, f"{MSGINFO}/Type")
    if issue:
        frame.state.issues.append(issue)
    facts = HeaderFacts(
        msg_id=info.msg_id,
        sender_key=frame.sender_key,
        event_code=event,
        event_display=info.type.dn or lookup.display("8279", event),
        sender=party_reference(frame.sender.party_id, frame.sender.her_id, frame.sender.display),
        receiver=party_reference(frame.receiver.party_id, frame.receiver.her_id, frame.receiver.display),
        sender_her=frame.sender.her_id,
        receiver_her=frame.receiver.her_id,
        focus=tuple(frame.focus),
        author=frame.author,
        definition=definition(frame.head, event),
    )
    header = message_header(facts)
    if extensions := document_extensions(frame.head, frame.state):
        header["extension"] = extensions
    conversation = info.conversation_ref
    frame.builder.add(
        provenance(
            ProvenanceFacts(
                header_id=str(header["id"]),
                recorded=frame.timestamp,
                agent=ref(frame.sender.party_id),
                status=status,
                occurred=frame.approved,
                parent=conversation.ref_to_parent if conversation else None,
                parent_sender_her=frame.receiver.her_id if conversation else None,
                conversation=conversation.ref_to_conversation if conversation else None,
            )
        )
    )
    annotate(frame.builder.entries)
    bundle_id = stable_id("Bundle", frame.sender_key, info.msg_id)
    return frame.builder.bundle(bundle_id, frame.timestamp, info.msg_id, header)
