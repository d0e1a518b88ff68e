"""Test fixtures shared by the whole suite: network blocked, reference material, databases.

Reference XSDs and samples are read from ../shared/reference (never copied into the repo): the
official XSDs through ``SAMBAND_XSD_DIR``, set before collection unless the caller chose a folder.
``tests/support/code_check.py`` fails the session when the source makes a code the catalogue lacks.
PostgreSQL tests use SAMBAND_TEST_POSTGRES_URL (default: the local server, database ``test``)
and skip with the reason when nothing answers there.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.support.code_check"]  # every code made during the run is in the catalogue

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SAMBAND_SHARED_DIR", ROOT.parent / "shared"))
REFERENCE = SHARED / "reference"
SAMPLES = REFERENCE / "samples"
XSD_DIR = REFERENCE / "xsd"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/test"

_real_connect = socket.socket.connect


def pytest_configure(config: pytest.Config) -> None:
    """Point the schema catalog at the reference XSDs (before collection, which builds messages)."""
    if "SAMBAND_XSD_DIR" not in os.environ and XSD_DIR.is_dir():
        os.environ["SAMBAND_XSD_DIR"] = str(XSD_DIR)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite expected golden files from the current output",
    )


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host in {"localhost", "::1"} or host.startswith("127.")
    return isinstance(address, str | bytes)  # unix sockets


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise RuntimeError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback is reachable: local receivers and databases, never the outside."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"reference samples not found at {SAMPLES}")
    return SAMPLES


def postgres_url() -> str | None:
    """The PostgreSQL URL for tests, or None when no server answers there."""
    url = os.environ.get("SAMBAND_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return None
    return url


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip(
            "PostgreSQL not reachable (set SAMBAND_TEST_POSTGRES_URL); "
            "the PostgreSQL tests need a running server"
        )
    return url
