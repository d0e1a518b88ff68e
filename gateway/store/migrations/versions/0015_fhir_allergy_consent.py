"""AllergyIntolerance and Consent are served and searched (the PLO mappings store an
AllergyIntolerance per Cave, the ip-export mapping a Consent per consent): their stored versions get
their index rows.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-23 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.fhir_index import index_rows
from samband.gateway.store.tables import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
TYPES = ("AllergyIntolerance", "Consent")


def upgrade() -> None:
    conn = op.get_bind()
    resources = sa.table(
        "fhir_resources",
        sa.column("resource_type", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("body", sa.JSON()),
    )
    index = sa.table(
        "fhir_index",
        *(
            sa.column(name, sa.String())
            for name in ("resource_type", "resource_id", "param", "system", "value")
        ),
        sa.column("version", sa.Integer()),
        sa.column("low", UTCDateTime()),
        sa.column("high", UTCDateTime()),
    )
    conn.execute(sa.delete(index).where(index.c.resource_type.in_(TYPES)))
    rows: list[dict[str, Any]] = []
    query = sa.select(resources.c.version, resources.c.body).where(resources.c.resource_type.in_(TYPES))
    for version, body in conn.execute(query):
        rows.extend(index_rows(dict(body), int(version)))
    for start in range(0, len(rows), BATCH):
        conn.execute(index.insert(), rows[start : start + BATCH])


def downgrade() -> None:
    """The rows written stay: an older release does not serve these types and never reads them."""
