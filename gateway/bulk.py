"""Bulk replay: reprocess every message a search finds, from their original bytes, in two steps.

The first step (``dry_run``) names the messages the search finds now: for an outbound message (a
translation whose delivery died) the inbound message it was made from, each once. The second step
must confirm exactly those ids; when the search finds others by then, nothing is replayed
(``replay.bulk-unconfirmed``). Each message is replayed as a new linked message (``gateway/replay.py``),
and the audit trail gets one row (``bulk-replay``) naming the search, every message and every patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from samband.gateway import pipeline, replay
from samband.gateway.audit import Who, asked, one_patient, record
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store.audit import Action, Entry
from samband.gateway.store.repository import Direction, StoredMessage
from samband.gateway.store.search import MessageQuery, search_messages
from samband.kernel.errors import NoRouteMatched, ReplayTooMany, ReplayUnconfirmed

MAX_BULK = 100
"""The most messages one bulk replay takes (a larger search is refused: narrow it first)."""


@dataclass(frozen=True)
class Target:
    """One message to replay, as the operator confirms it."""

    id: str
    msg_type: str | None
    status: str
    patient: str | None
    found_as: str  # the id the search found (an outbound message leads to its source)


@dataclass
class BulkResult:
    targets: list[Target]
    outcomes: list[Outcome] = field(default_factory=list)


def _original(m: StoredMessage) -> str:
    return m.source_id if m.direction == Direction.OUTBOUND and m.source_id else m.id


def check_routes(svc: Services, names: list[str]) -> None:
    """Refuse (``replay.unknown-destination``) route names the route table does not have."""
    unknown = [name for name in names if name not in svc.routes.names]
    if unknown:
        raise NoRouteMatched(
            f"no route {', '.join(unknown)}",
            code="replay.unknown-destination",
            expected=", ".join(svc.routes.names),
            received=", ".join(unknown),
        )


def find_targets(svc: Services, query: MessageQuery) -> list[Target]:
    """The messages a replay of this search would re-run, each once (``replay.bulk-too-many`` past
    ``MAX_BULK``)."""
    with svc.reads.begin() as conn:
        total, page = search_messages(conn, replace(query, limit=MAX_BULK, offset=0))
    if total > MAX_BULK:
        raise ReplayTooMany(
            f"the search finds {total} messages; a bulk replay takes at most {MAX_BULK}",
            code="replay.bulk-too-many",
            expected=f"at most {MAX_BULK} messages",
            received=str(total),
        )
    seen: dict[str, Target] = {}
    for m in page:
        original = _original(m)
        if original not in seen:
            seen[original] = Target(original, m.msg_type, m.status, m.patient_id, m.id)
    return list(seen.values())


def bulk_replay(
    svc: Services, who: Who, query: MessageQuery, confirm: list[str], destinations: list[str]
) -> BulkResult:
    """Replay every target of ``query`` when ``confirm`` names exactly them; one audit row."""
    targets = find_targets(svc, query)
    ids = [t.id for t in targets]
    if sorted(set(confirm)) != sorted(ids):
        raise ReplayUnconfirmed(
            "the search no longer finds the messages that were confirmed; look again and confirm anew",
            code="replay.bulk-unconfirmed",
            expected=", ".join(ids) or "no message",
            received=", ".join(confirm) or "no message",
        )
    check_routes(svc, destinations)
    order = replay.ReplayOrder(destinations=list(destinations))
    replays: list[str] = []
    try:
        for target in targets:
            replays.append(replay.store_replay(svc, target.id, who, order, audited=False))
    finally:
        patients = [t.patient for t in targets if t.patient]
        detail = {"query": asked(query), "messages": ids, "replays": replays, "destinations": destinations}
        entry = Entry(
            Action.BULK_REPLAY, "/messages/replay", one_patient(None, patients), patients, detail=detail
        )
        record(svc, who, entry)
    return BulkResult(targets, [pipeline.process(svc, new_id) for new_id in replays])
