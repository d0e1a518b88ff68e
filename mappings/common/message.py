"""The FHIR message envelope: Bundle(type=message) with MessageHeader first, a Provenance that chains
the message to earlier ones, then the resources (fhir.md §3.4, §4.6 MedCom pattern, §6.7).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from samband.kernel.ids import stable_id
from samband.mappings.common.ids import ref, resource_id, urn
from samband.mappings.common.systems import (
    FORSENDELSESSTATUS,
    HER,
    MESSAGE_ACTIVITY,
    MESSAGE_EVENT,
    MESSAGE_REFERENCE,
    MSG_ID,
    URI,
)

JsonDict = dict[str, object]


def is_uuid(value: str) -> bool:
    """True when ``value`` reads as a UUID (any version, any of the forms ``uuid.UUID`` takes)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def msg_identifier(msg_id: str) -> JsonDict:
    """A MsgId as an Identifier: ``urn:uuid:`` when it is a UUID, else kept as sent under ``MSG_ID``."""
    if is_uuid(msg_id):
        return {"system": URI, "value": f"urn:uuid:{msg_id}"}
    return {"system": MSG_ID, "value": msg_id}


def msg_id_of(identifier: JsonDict) -> str | None:
    """The MsgId an Identifier carries (``msg_identifier`` read back); None for any other identifier."""
    value = identifier.get("value")
    if not isinstance(value, str) or not value.strip():
        return None
    if identifier.get("system") == MSG_ID:
        return value
    bare = value.removeprefix("urn:uuid:")
    return bare if value.startswith("urn:uuid:") and is_uuid(bare) else None


ACTIVITY_BY_STATUS = {"N": "new-message", "M": "modified-message", "C": "retract-message"}
ACTIVITY_DISPLAY = {
    "new-message": "Ny melding",
    "reply-message": "Svar",
    "modified-message": "Endret melding",
    "retract-message": "Kansellert melding",
}


@dataclass
class BundleBuilder:
    """Collects entries once each (by id), keeps their order, puts the MessageHeader first."""

    entries: dict[str, JsonDict] = field(default_factory=dict)

    def add(self, resource: JsonDict) -> str:
        """Add a resource (first one with an id wins) and return its id."""
        rid = str(resource["id"])
        self.entries.setdefault(rid, resource)
        return rid

    def add_distinct(self, resource: JsonDict) -> str:
        """Add a party and return its id. A party with the id of another one but other details (the
        same person with other telecoms, the same organisation under another address) is kept beside
        it under an id derived from its content too: parties are never merged."""
        rid = str(resource["id"])
        found = self.entries.get(rid)
        if found is None or found == resource:
            return self.add(resource)
        content = json.dumps(resource, sort_keys=True, ensure_ascii=False)
        kind = str(resource.get("resourceType"))
        return self.add_distinct({**resource, "id": stable_id(kind, rid, content)})

    def bundle(self, bundle_id: str, timestamp: str, msg_id: str, header: JsonDict) -> JsonDict:
        rest = [r for r in self.entries.values() if r is not header]
        provenances = [r for r in rest if r.get("resourceType") == "Provenance"]
        entries = [header, *provenances, *[r for r in rest if r.get("resourceType") != "Provenance"]]
        return {
            "resourceType": "Bundle",
            "id": bundle_id,
            "identifier": msg_identifier(msg_id),
            "type": "message",
            "timestamp": timestamp,
            "entry": [{"fullUrl": urn(str(r["id"])), "resource": r} for r in entries],
        }


def her_endpoint(her_id: str | None) -> str:
    """MessageHeader endpoints (R4 requires one): the HER-id as a ``urn:oid:…2:<id>`` address."""
    return f"{HER}:{her_id}" if her_id else f"{HER}:unknown"


def party_reference(organization_id: str, her_id: str | None, display: str | None) -> JsonDict:
    """Reference to a message party with the HER-id in ``Reference.identifier`` (VKP pattern)."""
    out = ref(organization_id, display)
    if her_id:
        out["identifier"] = {"system": HER, "value": her_id}
    return out


@dataclass(frozen=True)
class HeaderFacts:
    """What a MessageHeader says: event (8279), parties with HER-ids, and the focus."""

    msg_id: str
    sender_key: str
    event_code: str
    event_display: str | None
    sender: JsonDict
    receiver: JsonDict
    sender_her: str | None
    receiver_her: str | None
    focus: Sequence[str] = ()
    author: JsonDict | None = None
    definition: str | None = None


def message_header(facts: HeaderFacts) -> JsonDict:
    """MessageHeader: id derived from sender HER-id + MsgId; eventCoding from Volven 8279."""
    event: JsonDict = {"system": MESSAGE_EVENT, "code": facts.event_code}
    if facts.event_display:
        event["display"] = facts.event_display
    header: JsonDict = {
        "resourceType": "MessageHeader",
        "id": resource_id("MessageHeader", facts.sender_key, facts.msg_id),
        "eventCoding": event,
        "destination": [{"endpoint": her_endpoint(facts.receiver_her), "receiver": facts.receiver}],
        "sender": facts.sender,
        "source": {"endpoint": her_endpoint(facts.sender_her)},
    }
    if facts.author:
        header["author"] = facts.author
    if facts.definition:
        header["definition"] = facts.definition
    if facts.focus:
        header["focus"] = [ref(f) for f in facts.focus]
    return header


@dataclass(frozen=True)
class ProvenanceFacts:
    """The chain: this message's status (7309 N/M/C) and the MsgIds it answers or replaces."""

    header_id: str
    recorded: str
    agent: JsonDict
    status: str | None = None
    occurred: str | None = None
    parent: str | None = None
    parent_sender_her: str | None = None
    conversation: str | None = None


def _entity(kind: str, msg_id: str, her_id: str | None, role: str) -> JsonDict:
    where = {"system": HER, "value": f"{her_id}#{msg_id}"} if her_id else msg_identifier(msg_id)
    kind_of: JsonDict = {"type": {"coding": [{"system": MESSAGE_REFERENCE, "code": kind}]}}
    return {"role": role, "what": {"identifier": kind_of | where}}


def provenance(facts: ProvenanceFacts) -> JsonDict:
    """Provenance targeting the MessageHeader: activity new/reply/modified/retract plus Forsendelsesstatus."""
    activity_code = ACTIVITY_BY_STATUS.get(facts.status or "N", "new-message")
    if facts.parent and activity_code == "new-message":
        activity_code = "reply-message"
    codings: list[JsonDict] = [
        {"system": MESSAGE_ACTIVITY, "code": activity_code, "display": ACTIVITY_DISPLAY[activity_code]}
    ]
    if facts.status:
        codings.append({"system": FORSENDELSESSTATUS, "code": facts.status})
    entities: list[JsonDict] = []
    if facts.parent:
        role = "revision" if facts.status in ("M", "C") else "source"
        entities.append(_entity("parent", facts.parent, facts.parent_sender_her, role))
    if facts.conversation:
        entities.append(_entity("conversation", facts.conversation, None, "source"))
    resource: JsonDict = {
        "resourceType": "Provenance",
        "id": resource_id("Provenance", facts.header_id),
        "target": [ref(facts.header_id)],
        "recorded": facts.recorded,
        **({"occurredDateTime": facts.occurred} if facts.occurred else {}),
        "activity": {"coding": codings},
        "agent": [{"who": facts.agent}],
    }
    if entities:
        resource["entity"] = entities
    return resource
