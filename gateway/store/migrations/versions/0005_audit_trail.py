"""The audit trail: ``audit`` and ``audit_patients``, append-only by trigger on both databases; the
route switches already made become the first rows of the routes' hold/release history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-16 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.audit import APPEND_ONLY, DROP_APPEND_ONLY
from samband.gateway.store.tables import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    audit = op.create_table(
        "audit",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column("patient", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_patient"), ["patient"], unique=False)
    op.create_table(
        "audit_patients",
        sa.Column("audit_id", BigId, nullable=False),
        sa.Column("patient", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["audit.id"], name=op.f("fk_audit_patients_audit_id_audit")),
        sa.PrimaryKeyConstraint("audit_id", "patient", name=op.f("pk_audit_patients")),
    )
    with op.batch_alter_table("audit_patients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_patients_patient"), ["patient"], unique=False)
    _seed_route_history(audit)
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def _seed_route_history(audit: sa.Table | None) -> None:
    """The last switch of each route (all the old table kept) as its first history row."""
    assert audit is not None
    switches = sa.table(
        "route_switches",
        sa.column("route", sa.String),
        sa.column("enabled", sa.Boolean),
        sa.column("changed_at", UTCDateTime()),
        sa.column("changed_by", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(switches).order_by(switches.c.changed_at)).all()
    for row in rows:
        action = "route-release" if row.enabled else "route-hold"
        bind.execute(
            audit.insert().values(
                at=row.changed_at,
                actor=row.changed_by,
                action=action,
                target=row.route,
                outcome="ok",
                detail={"from": "route_switches"},
            )
        )


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table("audit_patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_patients_patient"))
    op.drop_table("audit_patients")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_patient"))
        batch_op.drop_index(batch_op.f("ix_audit_at"))
        batch_op.drop_index(batch_op.f("ix_audit_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_action"))
    op.drop_table("audit")
