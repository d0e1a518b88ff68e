"""Message search as people type: business keys through their indexes (``(key, received_at DESC, id)``,
migration 0007), message types case-insensitive and by family (``PLO`` is every PLO type), MsgId by
prefix, and free text over patient names and document text (``store/text.py``); newest first.

The total is counted up to ``COUNT_CAP`` unless an exact count is asked for, so a broad search never
counts a million rows to show fifty.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from samband.adapters.dialogmelding import DIALOGMELDING_1_0, DIALOGMELDING_1_1
from samband.adapters.plo import PLO_PAYLOADS
from samband.gateway.store import text
from samband.gateway.store.repository import MESSAGE_COLUMNS, Direction, Kind, Status, StoredMessage
from samband.gateway.store.tables import messages
from samband.kernel.errors import RequestInvalid

MAX_LIMIT = 500
COUNT_CAP = 10_000

FAMILIES: dict[str, tuple[str, ...]] = {
    "PLO": tuple(PLO_PAYLOADS),
    "DIALOGMELDING": (DIALOGMELDING_1_0.namespace, DIALOGMELDING_1_1.namespace),
}
"""``type=`` values that stand for a family of message types: the payload namespaces of the family."""
FORMAT_TYPES = {"FHIR": "fhir", "IP-EXPORT": "ip-export"}
"""``type=`` values that stand for every message that came in as that format."""
CHOICES: dict[str, tuple[str, ...]] = {
    "status": tuple(Status),
    "direction": tuple(Direction),
    "kind": tuple(Kind),
}
"""The filters with a closed set of values: anything else is refused (``search.invalid-filter``)."""


@dataclass(frozen=True)
class MessageQuery:
    """The filters of ``GET /messages``; each one given narrows the result."""

    msg_id: str | None = None
    conversation_id: str | None = None
    patient: str | None = None
    sender_her: str | None = None
    receiver_her: str | None = None
    type: str | None = None
    status: str | None = None
    direction: str | None = None
    source_id: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0
    q: str | None = None
    exact_count: bool = False

    def checked(self) -> MessageQuery:
        """This query with blanks trimmed (a blank filter is no filter) and closed-set values lower-cased;
        ``RequestInvalid`` (400) naming the filter and the values it takes when one is unknown."""
        values: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip() or None
            if f.name in CHOICES and isinstance(value, str):
                value = value.lower()
                if value not in CHOICES[f.name]:
                    raise RequestInvalid(
                        f"{f.name}={value!r} is not a value this filter takes",
                        code="search.invalid-filter",
                        where=f.name,
                        expected=", ".join(CHOICES[f.name]),
                        received=value,
                    )
            values[f.name] = value
        return MessageQuery(**values)  # type: ignore[arg-type]


def moment(name: str, typed: str | None) -> datetime | None:
    """A ``since``/``until`` value as typed: an ISO 8601 date or date-time, UTC when it names no offset;
    ``RequestInvalid`` (400, ``search.invalid-filter``) for anything else."""
    if typed is None or not typed.strip():
        return None
    try:
        found = datetime.fromisoformat(typed.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise RequestInvalid(
            f"{name}={typed!r} is not a date or date-time",
            code="search.invalid-filter",
            where=name,
            expected="an ISO 8601 date or date-time, e.g. 2026-03-01 or 2026-03-01T08:00:00+01:00",
            received=typed,
        ) from exc
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def type_clause(wanted: str) -> ColumnElement[bool]:
    """A message type as typed, upper- or lower-case (types are stored as their senders spell them,
    in practice one case); a family (``PLO``, ``DIALOGMELDING``) or a format (``FHIR``, ``IP-EXPORT``)."""
    c = messages.c
    key = wanted.upper()
    if key in FAMILIES:
        return c.msg_namespace.in_(FAMILIES[key])
    if key in FORMAT_TYPES:
        return c.format == FORMAT_TYPES[key]
    return c.msg_type.in_(sorted({wanted, key, wanted.lower()}))


def msg_id_clause(wanted: str, dialect: str) -> ColumnElement[bool]:
    """The MsgId as typed so far: a prefix, in any case (``%`` and ``_`` taken literally); read off the
    index on ``lower(msg_id)`` (PostgreSQL: ``text_pattern_ops`` serves the LIKE; SQLite: a range on the
    expression index, which its LIKE cannot use)."""
    prefix = wanted.lower()
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = func.lower(messages.c.msg_id).like(escaped + "%", escape="\\")
    if dialect != "sqlite" or not prefix or ord(prefix[-1]) >= 0x10FFFF:
        return like
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string past every one with the prefix
    lowered = func.lower(messages.c.msg_id)
    return and_(lowered >= prefix, lowered < following, like)


def _clauses(conn: Connection, q: MessageQuery) -> list[ColumnElement[bool]]:
    c = messages.c
    clauses: list[ColumnElement[bool]] = []
    exact = {
        c.patient_id: q.patient,
        c.sender_her: q.sender_her,
        c.receiver_her: q.receiver_her,
        c.status: q.status,
        c.direction: q.direction,
        c.source_id: q.source_id,
        c.kind: q.kind,
    }
    clauses.extend(column == value for column, value in exact.items() if value is not None)
    if q.msg_id is not None:
        clauses.append(msg_id_clause(q.msg_id, conn.dialect.name))
    if q.type is not None:
        clauses.append(type_clause(q.type))
    if q.conversation_id is not None:
        clauses.append(
            or_(c.conversation_ref == q.conversation_id, c.ebxml_conversation_id == q.conversation_id)
        )
    if q.since is not None:
        clauses.append(c.received_at >= q.since)
    if q.until is not None:
        clauses.append(c.received_at < q.until)
    if q.q is not None:
        clauses.append(text.matching(conn, q.q))
    return clauses


def search_messages(conn: Connection, q: MessageQuery) -> tuple[int, list[StoredMessage]]:
    """(total matching, capped at ``COUNT_CAP`` unless ``q.exact_count``; one page) for the query."""
    q = q.checked()
    clauses = _clauses(conn, q)
    matching = select(messages.c.id).where(*clauses)
    if not q.exact_count:
        matching = matching.limit(COUNT_CAP)
    total = conn.execute(select(func.count()).select_from(matching.subquery())).scalar_one()
    page = (
        select(*MESSAGE_COLUMNS)
        .where(*clauses)
        .order_by(messages.c.received_at.desc(), messages.c.id)
        .limit(min(max(q.limit, 1), MAX_LIMIT))
        .offset(max(q.offset, 0))
    )
    return int(total), [StoredMessage.from_row(r) for r in conn.execute(page)]
