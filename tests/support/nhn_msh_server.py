"""The local Meldingstjener for tests (it lives in ``integrations/nhn_msh/local/`` because
``samband dev nhn-msh`` serves it too): skip without NHN's definition, start once per module, and
clients bound to chosen HER-ids.

    @pytest.fixture(scope="module")
    def msh() -> Iterator[LocalMeldingstjener]:
        yield from meldingstjener([8142001, 8142002])

    with msh_client(msh, tmp_path, "kommune", [8142001]) as client:
        client.unread([8142001])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from samband.integrations.nhn_msh import MshClient
from samband.integrations.nhn_msh.local import LocalMeldingstjener, running_meldingstjener
from samband.integrations.nhn_msh.local.spec import find_definition
from samband.kernel.errors import ConfigurationError


def meldingstjener(her_ids: Collection[int]) -> Iterator[LocalMeldingstjener]:
    """A started local service for a fixture to yield from; the test skips without the definition.
    At the end, every answer it gave matched the definition."""
    try:
        find_definition()
    except ConfigurationError as exc:
        pytest.skip(f"NHN's API definition is not available: {exc}")
    with running_meldingstjener(her_ids) as started:
        yield started
    assert not started.app.invalid_responses, started.app.invalid_responses


def msh_client(
    msh: LocalMeldingstjener,
    folder: Path,
    client_id: str,
    her_ids: Collection[int] | None = None,
    **settings: object,
) -> MshClient:
    """A client of ``msh`` with its own HelseID client (a new key in ``folder``, bound to ``her_ids``,
    default all); an id already registered keeps its key."""
    key_path = folder / f"{client_id}.jwk"
    if client_id not in msh.helseid.clients:
        msh.new_client(client_id, key_path, her_ids)
    return MshClient(msh.settings_for(key_path, client_id, **settings))
