"""Search parameters changed: Communication ``based-on`` also names a Task (a Dialogmelding answer is
based on its question), MedicationStatement gets ``medication`` (the Medication it references), and
Provenance no longer has ``target``/``patient`` (its target is the message's MessageHeader, which is
not stored). The index rows of those parameters are written again for every stored version.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from samband.gateway.store.fhir_index import param_rows
from samband.gateway.store.fhir_params import params_of
from samband.gateway.store.tables import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
CHANGED = (
    ("Communication", "based-on"),
    ("MedicationStatement", "medication"),
    ("Provenance", "target"),
    ("Provenance", "patient"),
)


def _tables() -> tuple[sa.TableClause, sa.TableClause]:
    resources = sa.table(
        "fhir_resources",
        sa.column("resource_type", sa.String()),
        sa.column("resource_id", sa.String()),
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
    return resources, index


def upgrade() -> None:
    conn = op.get_bind()
    resources, index = _tables()
    for rtype, name in CHANGED:
        conn.execute(sa.delete(index).where(index.c.resource_type == rtype, index.c.param == name))
        param = params_of(rtype).get(name)
        if param is None:
            continue
        rows: list[dict[str, Any]] = []
        query = sa.select(resources.c.resource_id, resources.c.version, resources.c.body).where(
            resources.c.resource_type == rtype
        )
        for rid, version, body in conn.execute(query):
            key = {"resource_type": rtype, "resource_id": rid, "version": int(version)}
            rows.extend({**key, **row} for row in param_rows(name, param, dict(body)))
        for start in range(0, len(rows), BATCH):
            conn.execute(index.insert(), rows[start : start + BATCH])


def downgrade() -> None:
    """The rows written stay: an older release ignores parameters it does not know."""
