"""The FHIR search index: ``fhir_index`` (token, reference, date and string rows per resource version)
replaces ``fhir_identifiers``; stored resources become server resources (``urn:uuid`` references to a
stored resource rewritten to ``Type/id``) and are indexed; ``_lastUpdated`` gets an index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.fhir import rewrite_references
from samband.gateway.store.fhir_index import index_rows
from samband.gateway.store.tables import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def upgrade() -> None:
    index = op.create_table(
        "fhir_index",
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("resource_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("param", sa.String(length=40), nullable=False),
        sa.Column("system", sa.String(length=255), nullable=True),
        sa.Column("value", sa.String(length=255), nullable=True),
        sa.Column("low", UTCDateTime(), nullable=True),
        sa.Column("high", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_fhir_index_value", "fhir_index", ["resource_type", "param", "value"])
    op.create_index("ix_fhir_index_low", "fhir_index", ["resource_type", "param", "low"])
    op.create_index("ix_fhir_index_resource", "fhir_index", ["resource_type", "resource_id", "version"])
    op.create_index("ix_fhir_resources_updated", "fhir_resources", ["resource_type", "current", "updated_at"])
    _index_what_is_stored(index)
    with op.batch_alter_table("fhir_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fhir_identifiers_value"))
    op.drop_table("fhir_identifiers")


def _index_what_is_stored(index: sa.Table) -> None:
    conn = op.get_bind()
    resources = sa.table(
        "fhir_resources",
        sa.column("resource_type", sa.String()),
        sa.column("resource_id", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("body", sa.JSON()),
    )
    kinds = conn.execute(sa.select(resources.c.resource_id, resources.c.resource_type)).all()
    targets = {f"urn:uuid:{rid}": f"{rtype}/{rid}" for rid, rtype in kinds}
    rows = conn.execute(sa.select(resources.c.resource_type, resources.c.resource_id, resources.c.version,
                                  resources.c.body)).all()  # fmt: skip
    changed: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for rtype, rid, version, body in rows:
        server = rewrite_references(body, targets)
        if server != body:
            changed.append({"t": rtype, "i": rid, "v": version, "b": server})
        found.extend(index_rows(server, int(version)))
    update = (
        sa.update(resources)
        .where(resources.c.resource_type == sa.bindparam("t"), resources.c.resource_id == sa.bindparam("i"))
        .where(resources.c.version == sa.bindparam("v"))
        .values(body=sa.bindparam("b"))
    )
    for start in range(0, len(changed), BATCH):
        conn.execute(update, changed[start : start + BATCH])
    for start in range(0, len(found), BATCH):
        conn.execute(index.insert(), found[start : start + BATCH])


def downgrade() -> None:
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
    op.drop_index("ix_fhir_resources_updated", table_name="fhir_resources")
    op.drop_table("fhir_index")
