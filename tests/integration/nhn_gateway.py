"""A gateway that receives through the local Meldingstjener: its ``SAMBAND_NHN_*`` environment, and
what the service and the gateway's store hold, for the NHN receiving tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from samband.gateway.store.tables import messages, nhn_inbound
from samband.integrations.nhn_msh.local import LocalMeldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE

T = TypeVar("T")


def nhn_env(msh: LocalMeldingstjener, key_path: Path, client_id: str, her_ids: list[int]) -> dict[str, str]:
    """The settings that make a gateway poll ``msh`` for ``her_ids`` (looks every 0.2 s)."""
    return {
        "SAMBAND_NHN_RECEIVER_HER_IDS": ",".join(str(her) for her in her_ids),
        "SAMBAND_NHN_BASE_URL": msh.url,
        "SAMBAND_NHN_SOURCE_SYSTEM": "Samband, test",
        "SAMBAND_NHN_TOKEN_URL": msh.token_url,
        "SAMBAND_NHN_CLIENT_ID": client_id,
        "SAMBAND_NHN_KEY_PATH": str(key_path),
        "SAMBAND_NHN_SCOPE": SCOPE,
        "SAMBAND_NHN_ISSUER": msh.helseid.issuer,
        "SAMBAND_NHN_POLL_SECONDS": "0.2",
        "SAMBAND_WORKER_POLL_SECONDS": "0.05",
        "SAMBAND_PROCESSING_GRACE_SECONDS": "1",
        "SAMBAND_LEASE_SECONDS": "2",
    }


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60) -> T:
    """The first truthy answer of ``probe`` (a wait for the worker, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s")


def stored(engine: sa.Engine) -> list[tuple[str, str, str | None, str]]:
    """(direction, kind, MsgId, status) of every stored message, in the order stored."""
    query = sa.select(messages.c.direction, messages.c.kind, messages.c.msg_id, messages.c.status)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query.order_by(messages.c.received_at))]


def journal(engine: sa.Engine) -> list[sa.Row[tuple[object, ...]]]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(nhn_inbound).order_by(nhn_inbound.c.fetched_at)))


def entries(msh: LocalMeldingstjener, her: int) -> list[tuple[str | None, bool, bool]]:
    """(MsgId, is an AppRec, read) of each message the service holds for ``her``, oldest first."""
    held = [e for e in msh.app.service.entries.values() if e.receiver == her]
    held.sort(key=lambda e: e.sent.gen_date)
    return [(e.sent.msg_id, e.sent.is_apprec, e.read) for e in held]
