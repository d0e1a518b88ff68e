"""The NHN poller's failed requests: ``nhn_inbound_failures`` (when, which request, the code and
what the service said), read by the ``nhn-unreachable`` alert beside the failed delivery tries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-22 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.tables import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "nhn_inbound_failures",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("operation", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nhn_inbound_failures")),
    )
    with op.batch_alter_table("nhn_inbound_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nhn_inbound_failures_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nhn_inbound_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nhn_inbound_failures_at"))
    op.drop_table("nhn_inbound_failures")
