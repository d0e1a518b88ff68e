"""The feedback feature's tables, on its own metadata (its Alembic branch ``feedback``: ``migrations/``).

feedback_state      one row per patient: consent, GP, blocked GPs, what the GP already has, last digest
feedback_events     every feedback event seen (the patient timeline), with its source
feedback_decisions  one row per (event, rule): send / digest / task / suppress, and the message sent
feedback_digest     minor events waiting for (or folded into) the daily digest
feedback_plans      the last full ip-export per plan, the baseline for change detection
feedback_seen       inbound messages the feedback runner has handled (idempotence)
feedback_alerts     operator events: DIALOG_AVVIK, negative or missing AppRec, no GP address
referrals           identification flags received and what became of them (no content when declined)
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, LargeBinary, MetaData, String, Table, Text

from samband.gateway.store.tables import NAMING, UTCDateTime

metadata = MetaData(naming_convention=NAMING)

feedback_state = Table(
    "feedback_state",
    metadata,
    Column("patient_id", String(20), primary_key=True),
    Column("gp_her", String(20)),
    Column("referrer_her", String(20)),
    Column("consent_gp_feedback", Boolean, nullable=False, default=False),
    Column("consent_plan_content", Boolean, nullable=False, default=False),
    Column("blocked_gps", JSON, nullable=False, default=list),
    Column("known", JSON, nullable=False, default=dict),
    Column("last_digest_at", UTCDateTime()),
    Column("updated_at", UTCDateTime(), nullable=False),
)

feedback_events = Table(
    "feedback_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_key", String(400), nullable=False, unique=True),
    Column("patient_id", String(20), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_ref", String(200), nullable=False),
    Column("plan_id", String(100)),
    Column("subject_id", String(100)),
    Column("significant", Boolean, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

feedback_decisions = Table(
    "feedback_decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), index=True),
    Column("patient_id", String(20), nullable=False, index=True),
    Column("rule_id", String(10), nullable=False),
    Column("action", String(10), nullable=False),
    Column("reason", String(40)),
    Column("detail", Text),
    Column("status", String(20), nullable=False),  # suppressed|digested|task|waiting|queued|acked|refused|…
    Column("channel", String(40)),
    Column("gp_her", String(20)),
    Column("message_id", String(36), index=True),  # the outbound messages row
    Column("msg_id", String(100), index=True),  # its MsgId
    Column("heading", Text),
    Column("text", Text),
    Column("draft", JSON),  # the composed message while it waits for an address
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

feedback_digest = Table(
    "feedback_digest",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("patient_id", String(20), nullable=False, index=True),
    Column("event_key", String(400), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("subject_id", String(100)),
    Column("title", Text, nullable=False),
    Column("consent", String(20), nullable=False),
    Column("decision_id", String(36)),  # the digest decision that folded it in; NULL = waiting
    Column("dropped", String(40)),  # why it was left out (consent withdrawn before the digest)
)

feedback_plans = Table(
    "feedback_plans",
    metadata,
    Column("plan_id", String(100), primary_key=True),
    Column("patient_id", String(20), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("export", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

feedback_seen = Table(
    "feedback_seen",
    metadata,
    Column("message_id", String(36), primary_key=True),
    Column("outcome", String(40), nullable=False),
    Column("seen_at", UTCDateTime(), nullable=False),
)

feedback_alerts = Table(
    "feedback_alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("patient_id", String(20), index=True),
    Column("kind", String(40), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("flag_id", String(100), nullable=False, index=True),
    Column("patient_id", String(20), index=True),  # only when the patient consented
    Column("gp_her", String(20)),
    Column("status", String(20), nullable=False),  # sent | kept-local
    Column("reason", String(60)),
    Column("message_id", String(36)),
    Column("msg_id", String(100)),
    Column("service_request", JSON),
    Column("created_at", UTCDateTime(), nullable=False),
)

FEEDBACK_TABLES = (
    feedback_state,
    feedback_events,
    feedback_decisions,
    feedback_digest,
    feedback_plans,
    feedback_seen,
    feedback_alerts,
    referrals,
)
