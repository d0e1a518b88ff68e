"""The NHN poller's journal: ``nhn_inbound``, one row per message taken from NHN's message service
(its id there, the stored raw message, when it was marked read and when its AppRec went back).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-21 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.tables import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nhn_inbound",
        sa.Column("nhn_id", sa.String(length=100), nullable=False),
        sa.Column("receiver_her", sa.String(length=20), nullable=False),
        sa.Column("sender_her", sa.String(length=20), nullable=True),
        sa.Column("msg_id", sa.String(length=200), nullable=True),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("apprec_id", sa.String(length=36), nullable=True),
        sa.Column("nhn_apprec_id", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("nhn_id", name=op.f("pk_nhn_inbound")),
    )
    with op.batch_alter_table("nhn_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nhn_inbound_answered_at"), ["answered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_nhn_inbound_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nhn_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nhn_inbound_message_id"))
        batch_op.drop_index(batch_op.f("ix_nhn_inbound_answered_at"))
    op.drop_table("nhn_inbound")
