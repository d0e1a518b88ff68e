"""Engines and migrations: SQLite in WAL mode as the embedded default, PostgreSQL for production.

SQLite transactions start with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade;
migrations run at start-up (under an advisory lock on PostgreSQL, so replicas may start together).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy import exc as db_errors
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from samband.kernel.errors import ConfigurationError

MIGRATION_LOCK_KEY = 5_471_002  # any constant; shared by every replica
READ_ONLY = "samband_read_only"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, foreign keys and immediate transactions.

    A URL SQLAlchemy cannot read, or whose driver is not installed, is ``config.database-url``.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            # No ping before each checkout (a round trip per transaction): a connection the server
            # dropped fails its statement as a store fault (503, or the message left for the
            # take-over), and SQLAlchemy then replaces every pooled connection of that server.
            return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    except (ArgumentError, ImportError, OSError) as exc:
        raise ConfigurationError(
            f"cannot use the database URL: {' '.join(str(exc).split())}",
            code="config.database-url",
            where="SAMBAND_DATABASE_URL",
            expected="sqlite:///PATH or postgresql://USER@HOST/DB",
        ) from exc
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The driver's own transaction handling is switched off; ``_sqlite_begin_immediate`` takes over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process crash
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # Readers (``reader(engine)``) begin deferred: in WAL mode they never wait for a writer.
    deferred = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


_LOST = (
    db_errors.OperationalError,  # the server went away, a lock wait timed out, "database is locked"
    db_errors.InterfaceError,  # the connection was closed under the driver
    db_errors.DisconnectionError,
    db_errors.TimeoutError,  # no connection from the pool in time
)


def is_store_fault(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) is the store failing, not the work done with it: a lost
    or invalidated connection, an operational error, no connection in time. Such a fault is transient:
    the same work done again later succeeds."""
    seen: BaseException | None = error
    for _ in range(8):  # the cause chain, not forever
        if seen is None:
            return False
        invalidated = isinstance(seen, db_errors.DBAPIError) and seen.connection_invalidated
        if invalidated or isinstance(seen, _LOST):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def reader(engine: Engine) -> Engine:
    """The engine for read-only work (API reads, metrics): on SQLite it does not take the write lock."""
    return engine.execution_options(**{READ_ONLY: True})


def ping(engine: Engine) -> None:
    """Raise unless the store answers (a read: it never waits for the write lock)."""
    with reader(engine).begin() as conn:
        conn.execute(text("SELECT 1"))


def alembic_config(engine: Engine | None = None, locations: Sequence[Path] = ()) -> Config:
    """The packaged Alembic configuration (``gateway/store/alembic.ini``), bound to ``engine``.

    ``locations`` are the version folders of features (each its own branch) beside the core's own.
    """
    ini = files("samband.gateway.store").joinpath("alembic.ini")
    config = Config(str(ini))
    migrations = files("samband.gateway.store").joinpath("migrations")
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("path_separator", "newline")
    folders = [str(migrations.joinpath("versions")), *(str(p) for p in locations)]
    config.set_main_option("version_locations", "\n".join(folders))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def run_migrations(engine: Engine, locations: Sequence[Path] = ()) -> None:
    """Bring the schema to the newest revisions of the core and of every feature whose version folder
    is in ``locations``; safe when several processes start at once. A store that cannot be
    reached or opened is ``config.database-unavailable``."""
    try:
        _upgrade(engine, alembic_config(engine, locations))
    except OperationalError as exc:
        raise ConfigurationError(
            f"cannot open the store: {' '.join(str(exc.orig).split())}",
            code="config.database-unavailable",
            where=engine.url.render_as_string(hide_password=True),
        ) from exc


def _upgrade(engine: Engine, config: Config) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                command.upgrade(config, "heads")
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                connection.commit()
        return
    command.upgrade(config, "heads")
