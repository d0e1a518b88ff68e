"""Request bodies: their size and time bounded as the bytes arrive, and JSON bodies read safely.

``BodyLimit`` wraps the whole app (ASGI): a body whose ``Content-Length`` is past the limit is refused
before a byte of it is read; one that arrives in chunks (or lies about its length) is counted as it
comes and refused the moment it passes, so no more than the limit is ever held. A body that does not
arrive within its time is refused too. ``SafeJsonRoute`` makes the JSON bodies FastAPI reads for a
model (``/referrals``, ``/messages/{id}/replay``) go through ``adapters/json/safe.py``.

Each refusal is coded (``http.body-too-large`` 413, ``http.body-timeout`` 408, ``json.*`` 422) and
answered like any ``GatewayError`` on that path by the ``refuse`` the app hands ``BodyLimit``
(``api/replies.py``): an OperationOutcome under ``/fhir/``, else ``{"errors": [{code, detail, …}]}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samband.adapters.json.safe import read_json
from samband.adapters.limits import JsonLimits
from samband.kernel.errors import GatewayError, RequestRefused, RequestTimeout, reply_for


class BodyRefused(HTTPException):
    """A request refused for its body; FastAPI passes it on as it is (an ``HTTPException``)."""

    def __init__(self, error: GatewayError) -> None:
        super().__init__(reply_for(error).http_status, detail=error.as_dict())
        self.error = error


def too_large(limit: int, seen: int | None = None) -> RequestRefused:
    said = f"{seen} bytes" if seen is not None else f"more than {limit} bytes"
    return RequestRefused(
        f"the request body is {said}",
        code="http.body-too-large",
        expected=f"at most {limit} bytes (SAMBAND_MAX_BODY_BYTES)",
    )


def too_slow(seconds: float) -> RequestTimeout:
    return RequestTimeout(
        f"the request body did not arrive within {seconds:g} seconds",
        code="http.body-timeout",
        expected=f"the whole body within {seconds:g} seconds (SAMBAND_BODY_TIMEOUT_SECONDS)",
    )


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isdigit() else None


class _Counted:
    """The ``receive`` of one request, counting body bytes and keeping the body's deadline."""

    def __init__(self, receive: Receive, limit: int, seconds: float) -> None:
        self._receive = receive
        self.limit = limit
        self.seconds = seconds
        self.seen = 0
        self.done = False
        self.deadline = anyio.current_time() + seconds

    async def __call__(self) -> Message:
        if self.done:  # the body is in: waiting for a disconnect has no deadline
            return await self._receive()
        try:
            with anyio.fail_after(max(self.deadline - anyio.current_time(), 0)):
                message = await self._receive()
        except TimeoutError as exc:
            raise BodyRefused(too_slow(self.seconds)) from exc
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                raise BodyRefused(too_large(self.limit))
            self.done = not message.get("more_body", False)
        return message


Refuse = Callable[[Request, GatewayError], Response]
"""How a refused body is answered (the error shape of the request's path)."""


class BodyLimit:
    """ASGI middleware: request bodies of at most ``max_bytes``, arriving within ``timeout_seconds``;
    a refusal is answered by ``refuse``."""

    def __init__(
        self, app: ASGIApp, refuse: Refuse, max_bytes: int, timeout_seconds: float = math.inf
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:  # refused unread
            await self.refuse(Request(scope), too_large(self.max_bytes, declared))(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _Counted(receive, self.max_bytes, self.timeout_seconds), watched)
        except BodyRefused as refused:  # raised where no exception handler answered it
            if started:
                raise
            await self.refuse(Request(scope), refused.error)(scope, receive, send)


def json_limits(request: Request) -> JsonLimits | None:
    """The JSON limits of the running gateway (``SAMBAND_JSON_*``), None for the defaults."""
    services = getattr(request.app.state, "services", None)
    settings = getattr(services, "settings", None)
    return settings.limits().json if settings is not None else None


class SafeJsonRequest(Request):
    """A request whose ``json()`` is the safe read; a refusal is a ``BodyRefused`` (422, coded)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                self._json = read_json(raw, json_limits(self))
            except GatewayError as error:
                raise BodyRefused(error) from error
        return self._json


class SafeJsonRoute(APIRoute):
    """A route whose JSON body (a pydantic model parameter) FastAPI reads through ``SafeJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def safe(request: Request) -> Response:
            return await handler(SafeJsonRequest(request.scope, request.receive))

        return safe
