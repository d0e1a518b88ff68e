"""FHIR identifiers of current resources, so ``?patient=<FNR>`` and ``?identifier=`` need no scan.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fhir_identifiers",
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("system", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("resource_type", "resource_id", "value", name=op.f("pk_fhir_identifiers")),
    )
    with op.batch_alter_table("fhir_identifiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fhir_identifiers_value"), ["value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fhir_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fhir_identifiers_value"))
    op.drop_table("fhir_identifiers")
