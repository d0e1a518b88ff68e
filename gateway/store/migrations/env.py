"""Alembic environment: migrates the engine handed over by ``gateway.store.db.run_migrations``.

The features' branches sit in version folders of their own, which ``run_migrations`` adds; every
command that opens the store (``samband serve``, ``worker``, ``replay``) migrates it the same way.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from samband.gateway.store.db import make_engine
from samband.gateway.store.tables import metadata


def _engine() -> Engine:
    given = context.config.attributes.get("engine")
    if isinstance(given, Engine):
        return given
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///./var/samband.db")
    return make_engine(url)


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
