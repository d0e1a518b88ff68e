"""The real app served by uvicorn on a free loopback port, in a thread, with an httpx client for it."""

from __future__ import annotations

import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI

from samband.gateway.runtime import Services


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.client = httpx.Client(timeout=30)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 60  # start-up on a loaded machine
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.client.base_url = httpx.URL(f"http://127.0.0.1:{port}")

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        services: Services = self.app.state.services
        services.engine.dispose()
