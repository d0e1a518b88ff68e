"""What ties a Hodemelding to other messages: its document status, parent, addressees and a digest.

A PLO payload says with ``InformasjonOmForsendelsen/Forsendelsesstatus`` (7309) whether it is new
(N), a change (M), an update that replaces (O) or a cancellation (C) of the message its
``ConversationRef/RefToParent`` names (HITS 1218). ``OtherReceiver`` with ``RoleReceiver`` COP (8112)
names the copy receivers. The digest identifies the message whatever its GenDate and signature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from lxml import etree

from samband.adapters.kith.datatypes import child, children, text
from samband.adapters.msghead.envelope import deepest_her, her_of
from samband.adapters.msghead.model import MSGHEAD_NS, XMLDSIG_NS
from samband.adapters.msghead.parse import msghead_root
from samband.adapters.msghead.schema import content_elements

NS = MSGHEAD_NS
COPY_ROLE = "COP"  # 8112 Kopimottaker


@dataclass(frozen=True)
class Addressee:
    """A receiver: the HER-id of its organisation (level 1) and of the communication party itself."""

    organisation: str | None
    party: str | None


@dataclass(frozen=True)
class Lineage:
    """The facts that link one Hodemelding to others; None where the document does not say."""

    status: str | None
    parent: str | None
    conversation: str | None
    receiver: Addressee
    copies: tuple[Addressee, ...]
    digest: str

    def copy_in_same_organisation(self) -> bool:
        """A copy receiver in the receiver's own organisation (or the receiver itself named again): one
        system may get the message twice."""
        org = self.receiver.organisation
        return org is not None and any(c.organisation == org for c in self.copies)

    def copy_only(self, served: Collection[str]) -> str | None:
        """The served HER-id this message reaches only as a copy receiver; None when a served party
        is its receiver, or when nothing is served (every message is then for a receiver)."""
        ours = set(served)
        if not ours or {self.receiver.organisation, self.receiver.party} & ours:
            return None
        for copy in self.copies:
            if copy.party in ours or copy.organisation in ours:
                return copy.party or copy.organisation
        return None


def read_lineage(raw: bytes) -> Lineage:
    """The lineage facts of a Hodemelding (coded errors when it is not one)."""
    root = msghead_root(raw)
    info = child(root, NS, "MsgInfo")
    conversation = child(info, NS, "ConversationRef")
    copies = tuple(
        _addressee(child(other, NS, "Organisation"))
        for other in children(info, NS, "OtherReceiver")
        if (role := child(other, NS, "RoleReceiver")) is not None and role.get("V") == COPY_ROLE
    )
    receiver = child(info, NS, "Receiver")
    return Lineage(
        status=_document_status(root),
        parent=text(conversation, NS, "RefToParent"),
        conversation=text(conversation, NS, "RefToConversation"),
        receiver=_addressee(child(receiver, NS, "Organisation")),
        copies=copies,
        digest=_digest(root),
    )


def _addressee(organisation: etree._Element | None) -> Addressee:
    return Addressee(her_of(organisation), deepest_her(organisation))


def _document_status(root: etree._Element) -> str | None:
    """Forsendelsesstatus V of the first XML payload that has one (PLO); None for other payloads."""
    for element in content_elements(root):
        for status in element.iter("{*}Forsendelsesstatus"):
            value: str | None = status.get("V")
            return value
    return None


def _digest(root: etree._Element) -> str:
    """SHA-256 of the canonical document without GenDate, signatures and blank text: the same
    message written again (a new GenDate, other indentation) has the same digest."""
    for gen_date in root.iter(f"{{{NS}}}GenDate"):
        gen_date.text = None
    for signature in list(root.iter(f"{{{XMLDSIG_NS}}}Signature")):
        parent = signature.getparent()
        if parent is not None:
            parent.remove(signature)
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return hashlib.sha256(etree.tostring(root, method="c14n", with_comments=False)).hexdigest()
