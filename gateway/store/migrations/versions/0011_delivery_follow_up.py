"""Deliveries keep the receiver's id for what it took, what it last said of it, and when to ask again
(NHN's message service: status and AppRec are asked for after the send).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.tables import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remote_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("remote_state", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_at", UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_follow_up_at"), ["follow_up_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_follow_up_at"))
        batch_op.drop_column("follow_up_at")
        batch_op.drop_column("remote_state")
        batch_op.drop_column("remote_id")
