"""The local message service's HTTP face: the API v2 and its HelseID, as one WSGI application.

Every API request is checked against NHN's definition (``spec.py``) before anything else and kept
with what was found (``seen``; ``invalid_requests()`` for tests), then must carry a DPoP-bound token
of the local HelseID with a proof for that very request (``use_dpop_nonce`` first when
``demand_nonce``), with the message service's scope; the client's HER-ids decide what it may send
and read (403). Every answer the definition documents is checked against it too
(``invalid_responses``). ``fail_next`` makes the next requests fail (503, 423, 500 …) for tests.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from samband.integrations.helseid.dpop import DpopVerifier
from samband.integrations.helseid.keys import IssuerKeys
from samband.integrations.helseid.tokens import TokenVerifier
from samband.integrations.nhn_msh.local.helseid import (
    DISCOVERY_PATH,
    JWKS_PATH,
    SCOPE,
    TOKEN_PATH,
    Answer,
    LocalHelseId,
    claims_of,
)
from samband.integrations.nhn_msh.local.service import ApiError, MessageService
from samband.integrations.nhn_msh.local.spec import ApiDefinition, SpecRequest
from samband.kernel.errors import AccessRefused

MAX_BODY = 36 * 1024 * 1024  # the service takes 35 MB
Handler = Callable[[frozenset[int], dict[str, Any], Any], Answer]


@dataclass(frozen=True)
class Seen:
    """One API request as the service saw it, and what the definition found wrong with it."""

    method: str
    path: str
    status: int
    problems: tuple[str, ...]


@dataclass
class Fault:
    status: int
    count: int
    path: str | None
    method: str | None


class MeldingstjenerApp:
    """The WSGI application; ``bind(url)`` once the address is known."""

    def __init__(self, definition: ApiDefinition, service: MessageService) -> None:
        self.definition = definition
        self.service = service
        self.helseid: LocalHelseId | None = None
        self.demand_nonce = False
        self.nonce = secrets.token_urlsafe(12)
        self.seen: list[Seen] = []
        self.invalid_responses: list[str] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._tokens: TokenVerifier | None = None
        self._proofs = DpopVerifier()
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", _path("/Messages"), self._unread),
            ("POST", _path("/Messages"), self._post),
            (
                "GET",
                _path("/Messages/{id}"),
                lambda a, p, b: Answer(200, self.service.message(a, str(p["id"]))),
            ),
            ("GET", _path("/Messages/{id}/business-document"), self._document),
            (
                "GET",
                _path("/Messages/{id}/status"),
                lambda a, p, b: Answer(200, self.service.status(a, str(p["id"]))),
            ),
            ("GET", _path("/Messages/{id}/apprec"), self._apprec_info),
            ("POST", _path("/Messages/{id}/apprec/{appRecSenderHerId}"), self._post_apprec),
            ("PUT", _path("/Messages/{id}/read/{herId}"), self._read),
        ]

    def bind(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.helseid = LocalHelseId(self.url)
        keys = IssuerKeys(self.helseid.issuer, self.helseid.jwks_url)
        self._tokens = TokenVerifier(keys, issuer=self.helseid.issuer, audience=self.helseid.audience)

    # -- for tests -----------------------------------------------------------------------------

    def fail_next(
        self, count: int = 1, status: int = 503, path: str | None = None, method: str | None = None
    ) -> None:
        """The next ``count`` API requests (``method`` to paths starting with ``path``) answer ``status``."""
        with self._lock:
            self._faults.append(Fault(status, count, path, method))

    def invalid_requests(self) -> list[Seen]:
        return [seen for seen in self.seen if seen.problems]

    # -- WSGI ----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        helseid = self.helseid
        assert helseid is not None, "bind(url) before serving"
        if request.path == DISCOVERY_PATH:
            return _json(helseid.discovery())
        if request.path == JWKS_PATH:
            return _json(helseid.jwks())
        if request.path == TOKEN_PATH and request.method == "POST":
            return _json(helseid.token_endpoint(request.get_data(), request.headers.get("DPoP")))
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return self._api(request, handler)
        return _json(_error(404, "Not Found"))

    def _api(self, request: Request, handler: Handler) -> Response:
        body = request.get_data()
        spec_request = self.definition.request(
            request.method,
            request.path,
            request.query_string.decode("latin-1"),
            dict(request.headers.items()),
            body,
            request.content_type or "application/octet-stream",
        )
        checked = self.definition.check_request(spec_request)
        answer = self._fault(request.method, request.path) or self._refused(request)
        if answer is None and checked.problems:
            answer = _error(400, "Model validation error occurred", checked.problems, code=1000)
        if answer is None:
            allowed = self._allowed(request)
            try:
                answer = handler(allowed, {**checked.path, **checked.query}, checked.body)
            except ApiError as exc:
                answer = _error(exc.status, exc.error, exc.validation_errors)
        response = _json(answer)
        self._check_answer(spec_request, response)
        with self._lock:
            self.seen.append(Seen(request.method, request.path, answer.status, tuple(checked.problems)))
        return response

    def _fault(self, method: str, path: str) -> Answer | None:
        with self._lock:
            for fault in self._faults:
                if (
                    fault.count > 0
                    and (fault.path is None or path.startswith(fault.path))
                    and (fault.method is None or fault.method == method)
                ):
                    fault.count -= 1
                    reason = "Locked" if fault.status == 423 else "An unknown error occurred"
                    return _error(fault.status, reason)
        return None

    def _refused(self, request: Request) -> Answer | None:
        """None when the request carries a valid DPoP-bound token and proof; else the 401 (or 403)."""
        scheme, _, raw = (request.headers.get("Authorization") or "").partition(" ")
        proofs = request.headers.getlist("DPoP")
        if self.demand_nonce and claims_of(proofs[0] if proofs else None).get("nonce") != self.nonce:
            challenge = 'DPoP error="use_dpop_nonce", error_description="send the nonce"'
            return Answer(401, None, (("WWW-Authenticate", challenge), ("DPoP-Nonce", self.nonce)))
        assert self._tokens is not None
        try:
            if scheme.lower() != "dpop":
                raise AccessRefused("a DPoP-bound HelseID token is needed", code="auth.dpop-required")
            token = self._tokens.verify(raw.strip(), "DPoP")
            if token.jkt is None:
                raise AccessRefused("the token is not bound to a key (cnf.jkt)", code="auth.dpop-required")
            url = request.base_url  # as the client addressed it, without the query
            self._proofs.verify(proofs, method=request.method, url=url, token=raw.strip(), jkt=token.jkt)
        except AccessRefused as exc:
            challenge = f'DPoP error="invalid_token", error_description="{exc.code}: {exc.detail}"'
            return Answer(401, None, (("WWW-Authenticate", challenge.replace("\n", " ")),))
        scope = token.claims.get("scope")
        scopes = scope.split() if isinstance(scope, str) else list(scope or [])
        if SCOPE not in scopes:
            return _error(403, f"the token lacks the scope {SCOPE}")
        request.environ["samband.client_id"] = token.claims.get("client_id")
        return None

    def _allowed(self, request: Request) -> frozenset[int]:
        assert self.helseid is not None
        client = self.helseid.clients.get(str(request.environ.get("samband.client_id")))
        if client is None:
            return frozenset()
        return self.service.hosted if client.her_ids is None else client.her_ids & self.service.hosted

    def _check_answer(self, request: SpecRequest, response: Response) -> None:
        if not self.definition.documents(request, response.status_code):
            return  # 401, 423, 503 …: answers the definition does not list
        problems = self.definition.check_response(
            request, response.status_code, response.get_data(), response.mimetype or ""
        )
        if problems:
            with self._lock:
                self.invalid_responses.append(
                    f"{request.method} {request.path} {response.status_code}: {problems}"
                )

    # -- the operations ------------------------------------------------------------------------

    def _unread(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        return Answer(200, self.service.unread(allowed, params))

    def _post(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        created = self.service.post_message(allowed, body)
        return Answer(201, created, (("Location", f"{self.url}/Messages/{created}"),))

    def _document(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        return Answer(200, self.service.business_document(allowed, str(params["id"])))

    def _apprec_info(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        return Answer(200, self.service.apprec_info(allowed, str(params["id"])))

    def _post_apprec(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        her = int(params["appRecSenderHerId"])
        created = self.service.post_apprec(allowed, str(params["id"]), her, body)
        return Answer(201, created, (("Location", f"{self.url}/Messages/{created}"),))

    def _read(self, allowed: frozenset[int], params: dict[str, Any], body: Any) -> Answer:
        self.service.mark_read(allowed, str(params["id"]), int(params["herId"]))
        return Answer(204, None)


def _path(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


def _error(status: int, error: str, validation_errors: list[str] | None = None, code: int = 0) -> Answer:
    """``ErrorMessage`` as the service answers it."""
    body = {
        "error": error,
        "errorCode": code,
        "validationErrors": validation_errors,
        "stackTrace": None,
        "requestId": str(uuid.uuid4()),
    }
    return Answer(status, body)


def _json(answer: Answer) -> Response:
    if answer.status == 204 or (answer.body is None and answer.status == 401):
        response = Response(b"", status=answer.status)
    else:
        response = Response(json.dumps(answer.body), status=answer.status, mimetype="application/json")
    for name, value in answer.headers:
        response.headers[name] = value
    return response
