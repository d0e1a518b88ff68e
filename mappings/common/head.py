"""Hodemelding (MsgInfo) → the FHIR message frame: parties, Patient, MessageHeader and Provenance.

MsgInfo/Type → MessageHeader.eventCoding (8279); Sender/Receiver → Organization/PractitionerRole
with the HER-id of the communication party; OtherReceiver → further ``destination``s (role 8112);
Ack (7304) → the ``kvittering-onskes`` extension; ConversationRef → Provenance.entity (HITS 1218).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.kith.datatypes import Code
from samband.adapters.msghead.model import MsgHead, OtherReceiver
from samband.adapters.msghead.payloads import adapter_for
from samband.kernel.codes import lookup
from samband.kernel.ids import stable_id
from samband.mappings.common.attachments import document_references
from samband.mappings.common.document import document_extensions
from samband.mappings.common.head_time import instant
from samband.mappings.common.ids import ref
from samband.mappings.common.kith_parts import (
    PartyRefs,
    add_organisation,
    add_patient,
    add_person,
    add_professional,
)
from samband.mappings.common.message import (
    BundleBuilder,
    HeaderFacts,
    ProvenanceFacts,
    her_endpoint,
    message_header,
    party_reference,
    provenance,
)
from samband.mappings.common.narrative import annotate
from samband.mappings.common.state import MapState, check_code, local_concept
from samband.mappings.common.systems import (
    EXT_ACK,
    EXT_COM_METHOD,
    EXT_OTHER_RECEIVER,
    EXT_PARTY_PROFESSIONAL,
    EXT_RECEIVER_ROLE,
    MESSAGE_DEFINITION,
)
from samband.mappings.common.view import as_dict, as_list

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
    copies: list[JsonDict] = field(default_factory=list)
    extensions: list[JsonDict] = field(default_factory=list)
    """Payload facts of the whole message that go on the MessageHeader (after the document ones)."""

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
    copies = [
        _copy(state, builder, other, f"{MSGINFO}/OtherReceiver[{index}]", sender.top_id)
        for index, other in enumerate(info.other_receivers, start=1)
    ]
    if info.requested_priority is not None:
        state.not_mapped(f"{MSGINFO}/RequestedPriority", "RequestedPriority")
    stamp = instant(info.gen_date, state.ctx.now())
    return Frame(head, state, builder, sender, receiver, patient_id, stamp, copies=copies)


def _com_method(code: Code | None) -> list[JsonDict]:
    """ComMethod (a kith:CS without a national table here) → ``kommunikasjonsmetode`` extension."""
    concept = local_concept(code, "ComMethod")
    codings = concept.get("coding") if concept else None
    return [{"url": EXT_COM_METHOD, "valueCoding": codings[0]}] if isinstance(codings, list) else []


def _party(refs: PartyRefs) -> JsonDict:
    """The Reference to a party, with the persons named at its upper levels (``part-helsepersonell``)."""
    out = party_reference(refs.party_id, refs.her_id, refs.display)
    if refs.others:
        out["extension"] = [{"url": EXT_PARTY_PROFESSIONAL, "valueReference": ref(o)} for o in refs.others]
    return out


def _copy(state: MapState, builder: BundleBuilder, other: OtherReceiver, path: str, scope: str) -> JsonDict:
    """OtherReceiver → a further MessageHeader.destination: RoleReceiver (8112) and ComMethod as
    extensions, an Organisation or HealthcareProfessional as ``receiver``, a Patient or Person (no
    receiver type of MessageHeader) in the ``annen-mottaker`` extension."""
    extensions = _com_method(other.com_method)
    role = state.coding(other.role_receiver, "8112", f"{path}/RoleReceiver")
    if role:
        extensions.insert(0, {"url": EXT_RECEIVER_ROLE, "valueCoding": role})
    out: JsonDict = {}
    her: str | None = None
    if other.organisation is not None:
        refs = add_organisation(state, builder, other.organisation, f"{path}/Organisation")
        her, out["receiver"] = refs.her_id, _party(refs)
    elif other.healthcare_professional is not None:
        hp = other.healthcare_professional
        role_id = add_professional(state, builder, hp, None, f"{path}/HealthcareProfessional", scope)
        names = " ".join(n for n in (hp.given_name, hp.middle_name, hp.family_name) if n) or None
        her, out["receiver"] = hp.her_id, party_reference(role_id, hp.her_id, names)
    elif other.patient is not None:
        target = add_patient(builder, other.patient, scope)
        extensions.append({"url": EXT_OTHER_RECEIVER, "valueReference": ref(target)})
    elif other.person is not None:
        target = add_person(builder, other.person, scope)
        extensions.append({"url": EXT_OTHER_RECEIVER, "valueReference": ref(target)})
    if extensions:
        out = {"extension": extensions, **out}
    return {**out, "endpoint": her_endpoint(her)}


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
    frame.focus += document_references(frame.head, frame.state, frame.builder, frame.rid, frame.patient_id)
    issue = check_code("8279", event, f"{MSGINFO}/Type")
    if issue:
        frame.state.issues.append(issue)
    facts = HeaderFacts(
        msg_id=info.msg_id,
        sender_key=frame.sender_key,
        event_code=event,
        event_display=info.type.dn or lookup.display("8279", event),
        sender=_party(frame.sender),
        receiver=_party(frame.receiver),
        sender_her=frame.sender.her_id,
        receiver_her=frame.receiver.her_id,
        focus=tuple(frame.focus),
        author=frame.author,
        definition=definition(frame.head, event),
    )
    header = message_header(facts)
    ack = frame.state.coding(info.ack, "7304", f"{MSGINFO}/Ack")
    extensions: list[JsonDict] = [{"url": EXT_ACK, "valueCoding": ack}] if ack else []
    if extensions := extensions + document_extensions(frame.head, frame.state) + frame.extensions:
        header["extension"] = extensions
    if sender_method := _com_method(info.sender.com_method):
        header["source"] = {"extension": sender_method, **as_dict(header["source"])}
    destinations = as_list(header["destination"])
    if receiver_method := _com_method(info.receiver.com_method):
        destinations[0] = {"extension": receiver_method, **destinations[0]}
    header["destination"] = destinations + frame.copies
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
