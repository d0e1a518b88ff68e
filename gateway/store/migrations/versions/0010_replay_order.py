"""A replay's whole order: the transport and target format it asked for, beside its destinations and
endpoint, so a replay taken over by a worker goes the same way as the one asked for.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-21 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transport", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("target_format", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.drop_column("target_format")
        batch_op.drop_column("transport")
