"""The gateway's tables (SQLAlchemy Core): messages, events, translations, deliveries, attempts, receipts,
the append-only audit trail and the Adresseregister answers kept (register_cache).

Business keys (MsgId, ConversationRef, patient, HER-ids, type, status, times) are indexed columns so
searches never scan content. Migrations live in ``gateway/store/migrations``; change both together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)  # the core's tables; each feature keeps its own MetaData


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it is stored as naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware values")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


Id = String(36)
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _id(name: str = "id") -> Column[Any]:
    return Column(name, Id, primary_key=True)


messages = Table(
    "messages",
    metadata,
    _id(),
    Column("direction", String(8), nullable=False, index=True),  # inbound | outbound
    Column("kind", String(16), nullable=False),  # message | translation | apprec | replay | duplicate
    Column("format", String(24)),
    Column("content_type", Text),
    Column("raw", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("msg_id", String(100), index=True),
    Column("msg_type", String(60)),
    Column("msg_version", String(60)),
    Column("msg_namespace", String(255)),  # payload namespace: a Hodemelding's family (PLO, Dialogmelding)
    Column("conversation_ref", String(100)),
    Column("parent_ref", String(100), index=True),  # RefToParent: what a change or reply names
    Column("ebxml_message_id", String(255), index=True),
    Column("ebxml_conversation_id", String(255)),
    Column("cpa_id", String(255)),
    Column("patient_id", String(32)),
    Column("sender_her", String(32)),
    Column("receiver_her", String(32)),
    Column("status", String(20), nullable=False),
    Column("source_id", Id, ForeignKey("messages.id"), index=True),  # the message it came from
    Column("route", String(100)),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    Column("lease_until", UTCDateTime, index=True),  # processing claim of an inbound message
    Column("apprec_due_at", UTCDateTime, index=True),  # outbound: an AppRec is expected by then
    Column("issues", JSON, nullable=False, default=list),
    Column("error", JSON),
    Column("pruned_at", UTCDateTime),  # the bytes were cleared by the retention (``store/retention.py``)
)

SEARCH_KEYS = (
    "patient_id",
    "sender_her",
    "receiver_her",
    "msg_type",
    "msg_namespace",
    "conversation_ref",
    "ebxml_conversation_id",
    "status",
)
"""Each searched business key has ``(key, received_at DESC, id)``: the newest page of a key is read off
the index, however old its messages are (migration 0007)."""
for _key in SEARCH_KEYS:
    Index(f"ix_messages_{_key}_recent", messages.c[_key], messages.c.received_at.desc(), messages.c.id)
DIALECT_INDEXES = {"ix_messages_msg_id_prefix": "postgresql", "ix_messages_msg_id_lower": "sqlite"}
"""Made by migrations on one database only, so not in this metadata: for MsgId prefix search,
``lower(msg_id) text_pattern_ops`` on PostgreSQL (0007) and ``lower(msg_id)`` on SQLite (0016)."""

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(40), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("detail", JSON, nullable=False, default=dict),
)

translations = Table(
    "translations",
    metadata,
    _id(),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False, index=True),
    Column("output_id", Id, ForeignKey("messages.id"), nullable=False),
    Column("route", String(100), nullable=False),
    Column("target_format", String(24), nullable=False),
    Column("issues", JSON, nullable=False, default=list),
    Column("created_at", UTCDateTime, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    _id(),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False, index=True),  # what is sent
    Column("source_id", Id, ForeignKey("messages.id"), nullable=False, index=True),  # what caused it
    Column("route", String(100), nullable=False, index=True),
    Column("transport", String(40), nullable=False),
    Column("endpoint", Text),
    Column("target_format", String(24), nullable=False),
    Column("schedule", JSON, nullable=False, default=list),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, index=True),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
    Column("last_error", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    Column("remote_id", String(200)),  # the receiver's id for what it took (NHN's message id)
    Column("remote_state", JSON),  # what the receiver last said of it (status per receiver)
    Column("follow_up_at", UTCDateTime, index=True),  # when to ask the receiver again; None: no more
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("delivery_id", Id, ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("attempt_no", Integer, nullable=False),
    Column("worker", String(100), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(16), nullable=False),  # sending | delivered | failed | refused | in-doubt
    Column("error_code", String(80)),
    Column("detail", JSON),
    UniqueConstraint("delivery_id", "attempt_no"),
)

receipts = Table(
    "receipts",
    metadata,
    _id(),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False, index=True),  # answered message
    Column("apprec_id", Id, ForeignKey("messages.id"), nullable=False),  # the stored AppRec
    Column("direction", String(8), nullable=False),  # sent (we answer) | received (they answer us)
    Column("status", String(2), nullable=False),  # 8258: 1 OK, 2 Avvist, 3 OK med feil
    Column("errors", JSON, nullable=False, default=list),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("message_id", "direction"),
)

fhir_resources = Table(
    "fhir_resources",
    metadata,
    Column("resource_type", String(40), primary_key=True),
    Column("resource_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("patient", String(100), index=True),
    Column("current", Boolean, nullable=False),
    Column("body", JSON, nullable=False),
    Column("source_message_id", Id, ForeignKey("messages.id")),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_fhir_resources_current", "resource_type", "current", "patient"),
    Index("ix_fhir_resources_updated", "resource_type", "current", "updated_at"),
)
"""Every version of every pivot resource the store keeps; ``current`` marks the one served."""

fhir_index = Table(
    "fhir_index",
    metadata,
    Column("resource_type", String(40), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("param", String(40), nullable=False),
    Column("system", String(255)),
    Column("value", String(255)),
    Column("low", UTCDateTime),
    Column("high", UTCDateTime),
    Index("ix_fhir_index_value", "resource_type", "param", "value"),
    Index("ix_fhir_index_low", "resource_type", "param", "low"),
    Index("ix_fhir_index_resource", "resource_type", "resource_id", "version"),
)
"""Search-parameter values per resource version (``gateway/store/fhir_index.py``): token, reference,
date and string rows as indexed columns, so searches never scan the JSON."""

route_switches = Table(
    "route_switches",
    metadata,
    Column("route", String(100), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("reason", Text),
)

nhn_inbound = Table(
    "nhn_inbound",  # what the NHN poller took from the message service (``store/nhn_inbound.py``)
    metadata,
    Column("nhn_id", String(100), primary_key=True),  # the service's id of the message for this receiver
    Column("receiver_her", String(20), nullable=False),
    Column("sender_her", String(20)),
    Column("msg_id", String(200)),  # the business document's MsgId, as the service lists it
    Column("message_id", Id, nullable=False, index=True),  # the stored raw message
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),  # marked read at the service
    Column("answered_at", UTCDateTime, index=True),  # AppRec sent (or none to send)
    Column("apprec_id", Id),  # the AppRec sent back (a stored outbound message)
    Column("nhn_apprec_id", String(100)),  # the service's id for that AppRec
    Column("claimed_until", UTCDateTime),  # an answer in hand, or not looked at again before
)

nhn_inbound_failures = Table(
    "nhn_inbound_failures",  # a request of the NHN poller the service failed or refused (for alerts)
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("operation", String(200), nullable=False),  # e.g. GET /Messages
    Column("code", String(60), nullable=False),  # nhn-msh.* or helseid.*
    Column("detail", Text, nullable=False),
)

job_locks = Table(
    "job_locks",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("owner", String(100)),
    Column("until", UTCDateTime),
)

replays = Table(
    "replays",
    metadata,
    _id(),
    Column("original_id", Id, ForeignKey("messages.id"), nullable=False, index=True),
    Column("new_id", Id, ForeignKey("messages.id"), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("destinations", JSON, nullable=False, default=list),
    Column("endpoint", Text),
    Column("transport", String(40)),  # as asked (None: the routes' own, or http for an endpoint)
    Column("target_format", String(24)),  # as asked (None: the routes' own)
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False, index=True),
    Column("client_id", String(200)),
    Column("action", String(40), nullable=False, index=True),
    Column("target", String(255)),  # a message id, a FHIR resource (Type/id), a route name, a path
    Column("patient", String(100), index=True),  # the one patient the data concerns, as messages store it
    Column("outcome", String(16), nullable=False),  # ok | refused
    Column("detail", JSON, nullable=False, default=dict),
)
"""Who read or changed what, when: appended only (database triggers refuse UPDATE and DELETE); no
foreign key, so the message retention never touches it. ``gateway/store/audit.py`` reads and writes it."""

audit_patients = Table(
    "audit_patients",
    metadata,
    Column("audit_id", BigId, ForeignKey("audit.id"), primary_key=True),
    Column("patient", String(100), primary_key=True, index=True),
)
"""Every patient an audit row concerns when it concerns several (a search): found by ``?patient=``."""

alerts = Table(
    "alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("condition", String(40), nullable=False, index=True),
    Column("channel", String(20), nullable=False),  # webhook | email | none (recorded only)
    Column("count", Integer, nullable=False),
    Column("summary", Text, nullable=False),
    Column("detail", JSON, nullable=False, default=dict),
    Column("outcome", String(16), nullable=False),  # sent | failed | recorded
    Column("error", JSON),
)
"""Every alert the gateway raised, per channel, with whether it went out (``gateway/store/alerts.py``)."""

alert_state = Table(
    "alert_state",
    metadata,
    Column("condition", String(40), primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("sent_at", UTCDateTime, nullable=False),
)
"""When each condition last went out on each channel: at most once per alert interval."""

prunes = Table(
    "prunes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("cutoff", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False),
    Column("actor", String(100), nullable=False),
)
"""Each prune the retention made: what kind, how many, received before which cut-off, when, by whom."""

register_cache = Table(
    "register_cache",
    metadata,
    Column("kind", String(16), primary_key=True),  # party (by HER-id) | search (by any id)
    Column("key", String(64), primary_key=True),  # a HER-id, HPR or organisation number
    Column("value", JSON, nullable=False),  # adapters/registry/ar_codec.py
    Column("fetched_at", UTCDateTime, nullable=False),
)
"""Adresseregister answers kept for every worker and across restarts (``gateway/store/register_cache.py``)."""
