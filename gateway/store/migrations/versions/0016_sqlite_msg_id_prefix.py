"""MsgId prefix search off an index on SQLite too: ``lower(msg_id)``, which the search reads as a range
(``lower(msg_id) >= prefix AND < the next prefix``). PostgreSQL has had ``text_pattern_ops`` since 0007.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-24 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def upgrade() -> None:
    if _sqlite():
        op.execute("CREATE INDEX IF NOT EXISTS ix_messages_msg_id_lower ON messages (lower(msg_id))")


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP INDEX IF EXISTS ix_messages_msg_id_lower")
