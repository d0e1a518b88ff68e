"""Has the gateway seen this message before? The same message again, or a new one under a used id.

The same message again is a *resend* (the sender sent it once more) or, when a copy receiver sits in
the receiver's own organisation, a *duplicate* (one system reached twice): either way it is answered
with the first one's AppRec and never delivered again. A Hodemelding is the same message when its
MsgId and its content (GenDate and signature aside) are; a different document under a MsgId already
used is a new message (event ``msg-id-reused``) and gets its own answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Connection

from samband.adapters.msghead.lineage import Lineage
from samband.gateway import translate
from samband.gateway.store import repository as repo
from samband.gateway.store.repository import StoredMessage
from samband.kernel.errors import GatewayError

CANDIDATES = 20
HODEMELDING = "msghead"
EVENTS = frozenset({"resend", "duplicate", "repeated", "msg-id-reused"})
"""The timeline events of repeats (the console explains each one)."""


@dataclass(frozen=True)
class Seen:
    """The message this one repeats (with why it came again), or an earlier one that used its MsgId."""

    original: StoredMessage | None = None
    cause: str = "duplicate"
    reused: StoredMessage | None = None


@dataclass
class Arrival:
    """The message just received, with its bytes read once."""

    message: StoredMessage
    raw: bytes

    @cached_property
    def lineage(self) -> Lineage | None:
        return lineage_of(self.raw) if self.message.format == HODEMELDING else None

    @property
    def cause(self) -> str:
        """``duplicate`` when one system may be reached twice (receiver and copy receiver in one
        organisation), else ``resend``; other formats keep ``duplicate``."""
        if self.lineage is None:
            return "duplicate"
        return "duplicate" if self.lineage.copy_in_same_organisation() else "resend"


def lineage_of(raw: bytes) -> Lineage | None:
    try:
        return translate.lineage(raw)
    except GatewayError:
        return None


def find(conn: Connection, message: StoredMessage, raw: bytes) -> Seen:
    """What the gateway has seen of ``message`` (the caller holds ``repo.lock_key`` on its key)."""
    arrival = Arrival(message, raw)
    reused = None
    for candidate in repo.find_originals(conn, message, CANDIDATES):
        if same_message(conn, arrival, candidate):
            return Seen(original=candidate, cause=arrival.cause)
        reused = reused or candidate
    return Seen(reused=reused)


def same_message(conn: Connection, arrival: Arrival, earlier: StoredMessage) -> bool:
    """Same ebXML MessageId, same bytes, or (two Hodemeldinger) the same document."""
    message = arrival.message
    if message.ebxml_message_id and earlier.ebxml_message_id == message.ebxml_message_id:
        return True
    if earlier.sha256 == message.sha256 or HODEMELDING not in (message.format, earlier.format):
        return True  # other formats: the id alone decides (an ip-export's exportId)
    if arrival.lineage is None or earlier.format != HODEMELDING:
        return False
    before = lineage_of(repo.get_raw(conn, earlier.id, pruned_as_empty=True) or b"")
    return before is not None and before.digest == arrival.lineage.digest
