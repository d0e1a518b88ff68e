"""GP feedback and referrals: state, events, decisions, digest items, plan baselines, alerts, referrals.

Revision ID: f001
Revises: 0002
Create Date: 2026-11-25 14:10:00

The first revision of the feature's own branch (label ``feedback``), beside the core store's revisions
(it branches from ``0002``, where it always stood, so existing databases carry on unchanged). The
tables are defined once, in ``features/feedback/tables.py``; this revision creates them as they stand
at this revision (later changes to them need a revision of their own).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from samband.features.feedback.tables import FEEDBACK_TABLES

revision: str = "f001"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = ("feedback",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in FEEDBACK_TABLES:
        table.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(FEEDBACK_TABLES):
        table.drop(bind, checkfirst=True)
