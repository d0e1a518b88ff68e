"""The local message service on a loopback port: started for a test, or by ``samband dev nhn-msh``.

with running_meldingstjener([8142001, 8142002]) as msh:
    key = msh.new_client("kommune-a")         # a HelseID client with a fresh key, bound to all HER-ids
    settings = msh.settings_for(key_path, "kommune-a")   # MshSettings for MshClient
    msh.app.fail_next(2, 503)                 # the next two API requests fail
    assert not msh.app.invalid_requests()
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from samband.integrations.helseid.client import HelseIdSettings, SigningKey, load_client_key
from samband.integrations.nhn_msh.local.app import MeldingstjenerApp
from samband.integrations.nhn_msh.local.helseid import SCOPE, LocalHelseId, RegisteredClient
from samband.integrations.nhn_msh.local.service import MessageService
from samband.integrations.nhn_msh.local.spec import ApiDefinition, find_definition
from samband.integrations.nhn_msh.models import MshSettings


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Tests read ``seen``, not a log line per request."""


class LocalMeldingstjener:
    """The service, its HelseID and the HTTP server around them."""

    def __init__(
        self,
        her_ids: Collection[int],
        *,
        spec: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        quiet: bool = True,
    ) -> None:
        self.app = MeldingstjenerApp(ApiDefinition(find_definition(spec)), MessageService(her_ids))
        handler = _QuietHandler if quiet else WSGIRequestHandler
        self.server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=handler
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self.app.bind(self.url)
        self._thread: threading.Thread | None = None

    @property
    def helseid(self) -> LocalHelseId:
        assert self.app.helseid is not None
        return self.app.helseid

    @property
    def token_url(self) -> str:
        return self.helseid.token_url

    def register(
        self, client_id: str, key: SigningKey, her_ids: Collection[int] | None = None
    ) -> RegisteredClient:
        """A HelseID client with ``key`` (the public half is kept), bound to ``her_ids`` (default all)."""
        return self.helseid.register_client(client_id, key, None if her_ids is None else frozenset(her_ids))

    def new_client(
        self, client_id: str, key_path: Path, her_ids: Collection[int] | None = None, *, keep: bool = False
    ) -> Path:
        """A client whose key is in ``key_path`` (a JWK): a fresh P-256 key written there (mode 0600),
        or with ``keep`` the key already there, so clients configured earlier go on working."""
        if keep and key_path.is_file():
            key: SigningKey = load_client_key(key_path)
        else:
            key = ECKey.generate_key("P-256", parameters={"kid": client_id}, private=True)
            key_path.parent.mkdir(parents=True, exist_ok=True)
            key_path.touch(mode=0o600)
            key_path.write_text(json.dumps(key.as_dict(private=True)), "utf-8")
        self.register(client_id, key, her_ids)
        return key_path

    def settings_for(self, key_path: Path, client_id: str, **msh: Any) -> MshSettings:
        """The settings a client of this service uses (token URL, scope, issuer as registered)."""
        helseid = HelseIdSettings(
            token_url=self.token_url,
            client_id=client_id,
            key_path=key_path,
            scope=[SCOPE],
            issuer=self.helseid.issuer,
        )
        return MshSettings(base_url=self.url, helseid=helseid, **{"source_system": "Samband, test", **msh})

    def start(self) -> None:
        self._thread = threading.Thread(target=self.server.serve_forever, name="nhn-msh-local", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()


@contextmanager
def running_meldingstjener(
    her_ids: Collection[int], *, spec: Path | None = None, port: int = 0
) -> Iterator[LocalMeldingstjener]:
    """The local service on loopback for the duration of the block."""
    msh = LocalMeldingstjener(her_ids, spec=spec, port=port)
    msh.start()
    try:
        yield msh
    finally:
        msh.stop()
