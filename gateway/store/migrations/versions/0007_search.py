"""Search as people type: indexes shaped for the queries, ``(key, received_at DESC, id)`` for each
business key, so a patient whose messages are all old is found without a backward scan of
``received_at``; the MsgId for prefix search; and the words of each message for free-text search
(SQLite FTS5 ``message_fts``; PostgreSQL ``message_text`` with a generated tsvector and a GIN index).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = (
    "patient_id",
    "sender_her",
    "receiver_her",
    "msg_type",
    "msg_namespace",
    "conversation_ref",
    "ebxml_conversation_id",
    "status",
)
"""Each business key gets ``(key, received_at DESC, id)``; its single-column index, if any, goes."""
REPLACED = ("patient_id", "sender_her", "receiver_her", "msg_type", "conversation_ref", "status")


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for key in REPLACED:
            batch_op.drop_index(f"ix_messages_{key}")
        for key in KEYS:
            batch_op.create_index(
                f"ix_messages_{key}_recent", [key, sa.text("received_at DESC"), "id"], unique=False
            )
    if not _postgres():
        op.execute(
            "CREATE VIRTUAL TABLE message_fts USING fts5("
            "message_id UNINDEXED, content, tokenize = 'unicode61 remove_diacritics 2')"
        )
        return
    op.execute("CREATE INDEX ix_messages_msg_id_prefix ON messages (lower(msg_id) text_pattern_ops)")
    op.execute(
        "CREATE TABLE message_text ("
        " message_id VARCHAR(36) PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,"
        " content TEXT NOT NULL,"
        " tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED)"
    )
    op.execute("CREATE INDEX ix_message_text_tsv ON message_text USING gin (tsv)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS message_text" if _postgres() else "DROP TABLE IF EXISTS message_fts")
    op.execute("DROP INDEX IF EXISTS ix_messages_msg_id_prefix")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        for key in KEYS:
            batch_op.drop_index(f"ix_messages_{key}_recent")
        for key in REPLACED:
            batch_op.create_index(f"ix_messages_{key}", [key], unique=False)
