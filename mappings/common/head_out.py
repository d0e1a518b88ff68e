"""FHIR message frame → Hodemelding (MsgHead 1.2): MessageHeader → MsgInfo (Type 8279, parties with
HER-ids), Provenance → ConversationRef (HITS 1218), Patient → MsgInfo/Patient; then the main Document
with the payload, and one Document per DocumentReference (``attachments.py``). The msghead serializer
checks the official schema.
"""

from __future__ import annotations

from samband.adapters.kith.datatypes import Code
from samband.adapters.kith.model import Organisation
from samband.adapters.msghead.model import (
    ConversationRef,
    Document,
    MsgHead,
    MsgInfo,
    OtherReceiver,
    Party,
    Payload,
    RefDoc,
)
from samband.adapters.msghead.serialize import serialize_msghead
from samband.kernel.codes import lookup
from samband.kernel.errors import MappingError
from samband.kernel.ids import stable_id
from samband.kernel.problems import Severity
from samband.mappings.common import kith_out
from samband.mappings.common.attachments import further_documents
from samband.mappings.common.document import document_facts, rest_of, with_rest
from samband.mappings.common.message import msg_id_of
from samband.mappings.common.state import MapState
from samband.mappings.common.systems import (
    EXT_ACK,
    EXT_COM_METHOD,
    EXT_OTHER_RECEIVER,
    EXT_RECEIVER_ROLE,
    MESSAGE_REFERENCE,
)
from samband.mappings.common.view import BundleView, JsonDict, as_dict, as_list, text_of


def msg_id(view: BundleView, state: MapState | None = None) -> str:
    """MsgId: the one the Bundle identifier carries (``msg_identifier``), kept as it was; a Bundle
    without one (a message born in FHIR) gets a new MsgId derived from its ids, and says so."""
    carried = msg_id_of(as_dict(view.bundle.get("identifier")))
    if carried is not None:
        return carried
    bundle_id = str(view.bundle.get("id") or "")
    assigned = stable_id("MsgId", bundle_id, str(view.header().get("id") or ""))
    if state is not None:
        state.issue(
            "/identifier",
            "pivot.msgid-assigned",
            f"the Bundle carries no MsgId (identifier); the Hodemelding gets the new MsgId {assigned}",
            f"Meldingen hadde ingen meldingsidentifikator; den fikk {assigned}",
            Severity.INFO,
        )
    return assigned


def conversation(view: BundleView) -> ConversationRef | None:
    """Provenance.entity (parent / conversation) → ConversationRef; both are required when present."""
    refs: dict[str, str] = {}
    for provenance in view.of_type("Provenance"):
        for entity in as_list(provenance.get("entity")):
            identifier = as_dict(as_dict(entity.get("what")).get("identifier"))
            kind = next(
                (
                    c.get("code")
                    for c in as_list(as_dict(identifier.get("type")).get("coding"))
                    if c.get("system") == MESSAGE_REFERENCE
                ),
                None,
            )
            value = text_of(identifier.get("value")) or ""
            if kind:
                carried = msg_id_of(identifier)
                bare = value.removeprefix("urn:uuid:").split("#", 1)[-1]
                refs[str(kind)] = carried if carried is not None else bare
    parent = refs.get("parent")
    if not parent:
        return None
    return ConversationRef(ref_to_parent=parent, ref_to_conversation=refs.get("conversation") or parent)


def _levels(org: Organisation | None) -> list[Organisation | None]:
    levels: list[Organisation | None] = [org]
    while levels[-1] is not None and levels[-1].organisation is not None:
        levels.append(levels[-1].organisation)
    return levels


def _extension_code(element: object, url: str) -> Code | None:
    """The kith:CS an extension's ``valueCoding`` carries (``V`` and ``DN`` as sent)."""
    for extension in as_list(as_dict(element).get("extension")):
        if extension.get("url") == url:
            coding = as_dict(extension.get("valueCoding"))
            value, display = text_of(coding.get("code")), coding.get("display")
            if value:
                return Code(v=value, dn=display if isinstance(display, str) else None)
    return None


def _party(view: BundleView, reference: object, where: str, channel: object = None) -> Party:
    org = kith_out.organisation(view, reference)
    if org is None or any(level is None or not level.name or not level.idents for level in _levels(org)):
        raise MappingError(
            "a message party needs an Organization with a name and an identifier (HER-id)",
            code="fhir.party-incomplete",
            where=where,
            expected="Reference to Organization/PractitionerRole with name and identifier",
        )
    return Party(organisation=org, com_method=_extension_code(channel, EXT_COM_METHOD))


def _copy(
    view: BundleView, destination: JsonDict, where: str, state: MapState | None
) -> OtherReceiver | None:
    """A further MessageHeader.destination → OtherReceiver: the ``mottakerrolle`` (8112) it was
    given, and the Organisation, HealthcareProfessional, Patient or Person it names."""
    role = _extension_code(destination, EXT_RECEIVER_ROLE)
    method = _extension_code(destination, EXT_COM_METHOD)
    reference = destination.get("receiver")
    target = view.resolve(reference) or {}
    other: OtherReceiver | None = None
    if role is None:
        pass
    elif target.get("resourceType") == "PractitionerRole" and not target.get("organization"):
        other = OtherReceiver(role, method, healthcare_professional=kith_out.professional(view, target))
    elif target:
        other = OtherReceiver(role, method, organisation=kith_out.organisation(view, reference))
    else:
        named = next(
            (
                view.resolve(e.get("valueReference"))
                for e in as_list(destination.get("extension"))
                if e.get("url") == EXT_OTHER_RECEIVER
            ),
            None,
        )
        kind = named.get("resourceType") if named else None
        if named is not None and kind == "Patient":
            other = OtherReceiver(role, method, patient=kith_out.patient(named))
        elif named is not None and kind == "Person":
            other = OtherReceiver(role, method, person=kith_out.patient(named))
    if other is None and state is not None:
        state.not_mapped(where, "a destination without a receiver role (8112) or a receiver to name")
    return other


def copies(view: BundleView, state: MapState | None) -> tuple[OtherReceiver, ...]:
    """MessageHeader.destination after the first → OtherReceiver (copy receivers)."""
    found = as_list(view.header().get("destination"))[1:]
    out = (_copy(view, d, f"/entry/0/resource/destination/{i}", state) for i, d in enumerate(found, start=1))
    return tuple(o for o in out if o is not None)


def build_msghead(
    view: BundleView,
    event: str,
    payload: Payload,
    extra: tuple[Document, ...] = (),
    state: MapState | None = None,
) -> bytes:
    """MsgHead bytes around ``payload``; strict (schema-checked by the msghead serializer)."""
    header = view.header()
    destination = as_list(header.get("destination"))
    patient = view.first("Patient")
    gen_date = text_of(view.bundle.get("timestamp"))
    if not gen_date:
        raise MappingError(
            "a message Bundle needs a timestamp (GenDate)", code="fhir.no-timestamp", where="/timestamp"
        )
    info = MsgInfo(
        type=Code(v=event, dn=lookup.display("8279", event)),
        gen_date=gen_date,
        msg_id=msg_id(view, state),
        ack=_extension_code(header, EXT_ACK),
        sender=_party(view, header.get("sender"), "/entry/0/resource/sender", header.get("source")),
        receiver=_party(
            view,
            destination[0].get("receiver") if destination else None,
            "/entry/0/resource/destination/0/receiver",
            destination[0] if destination else None,
        ),
        conversation_ref=conversation(view),
        other_receivers=copies(view, state),
        patient=kith_out.patient(patient) if patient else None,
    )
    facts = document_facts(header)
    xml = Code(v="XML", dn="XML-instans")
    ref_doc = RefDoc(
        msg_type=xml, issue_date=facts.issue_date, description=facts.description, content=payload
    )
    main = with_rest(
        Document(ref_doc=ref_doc, consent=facts.consent, content_description=facts.content_description),
        rest_of(header),
    )
    further = further_documents(view)
    return serialize_msghead(MsgHead(msg_info=info, documents=(main, *further, *extra)))


__all__ = ["Organisation", "build_msghead", "conversation", "msg_id"]
