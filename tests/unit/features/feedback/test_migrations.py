"""The feedback feature's own Alembic branch: beside the core's, never inside it."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from samband.features.feedback.tables import FEEDBACK_TABLES
from samband.features.registry import MIGRATIONS
from samband.gateway.store.db import alembic_config, make_engine, run_migrations

CORE_HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
"""The newest revision of the core's own chain (one head: the feature branches are not in it)."""


def _versions(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return found


def test_the_core_alone_makes_no_feature_table_and_the_feature_adds_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    run_migrations(engine)
    assert not {t.name for t in FEEDBACK_TABLES} & set(inspect(engine).get_table_names())
    assert _versions(url) == {CORE_HEAD}
    run_migrations(engine, MIGRATIONS)
    assert {t.name for t in FEEDBACK_TABLES} <= set(inspect(engine).get_table_names())
    assert _versions(url) == {CORE_HEAD, "f001"}, "the revision ids existing stores carry are kept"
    run_migrations(engine, MIGRATIONS)  # a second start-up is a no-op
    engine.dispose()
