"""``samband dev nhn-msh``: a local NHN message service with its own HelseID, for trying flows on one
machine. It prints what a client needs: the API address, the token URL, a client id and its key."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import typer

from samband.gateway.logs import configure_logging
from samband.integrations.nhn_msh.local import LocalMeldingstjener
from samband.integrations.nhn_msh.local.helseid import SCOPE
from samband.kernel.errors import ConfigurationError


def her_ids_of(text: str) -> list[int]:
    """``8142001,8142002`` as HER-ids; ``config.invalid`` for anything else."""
    values = [part.strip() for part in text.split(",") if part.strip()]
    if not values or not all(v.isdigit() and 0 < int(v) < 2**31 for v in values):
        raise ConfigurationError(
            f"--her-ids must be HER-ids separated by commas, not {text!r}",
            code="config.invalid",
            where="--her-ids",
            expected="e.g. 8142001,8142002",
        )
    return [int(v) for v in values]


def run_nhn_msh(
    host: str, port: int, her_ids: Sequence[int], spec: Path | None, client_id: str, key: Path, nonce: bool
) -> None:
    """Serve until interrupted; one client (``client_id``, key in ``key``) bound to every HER-id."""
    configure_logging(logging.INFO)
    msh = LocalMeldingstjener(her_ids, spec=spec, host=host, port=port, quiet=False)
    msh.app.demand_nonce = msh.helseid.demand_nonce = nonce
    key_path = msh.new_client(client_id, key, keep=True).resolve()
    for line in (
        "Local NHN message service (Meldingstjener API v2) with its own HelseID",
        f"  API definition  {msh.app.definition.path}",
        f"  HER-ids served  {', '.join(str(h) for h in her_ids)}",
        f"  base_url        {msh.url}",
        f"  token_url       {msh.token_url}",
        f"  client_id       {client_id}",
        f"  key_path        {key_path}",
        f"  scope           {SCOPE}",
        "Ctrl-C stops it; messages are kept in memory only.",
    ):
        typer.echo(line)
    try:
        msh.serve_forever()
    finally:
        msh.stop()
