"""Dependencies every router shares: the running services, and who the caller is and may do.

Every endpoint but ``/healthz`` and the console's static files declares the role it needs with one
of ``Submitter``, ``Reader``, ``Replayer``, ``Admin`` (``require_role(role)``); the dependency
gives the handler the ``Principal``, whose ``actor`` is what the gateway records as having acted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from samband.gateway.access import Access, Presented, Principal, Role
from samband.gateway.runtime import Services

__all__ = [
    "ROLE_CHECKS",
    "Admin",
    "Principal",
    "Reader",
    "Replayer",
    "ServicesDep",
    "Submitter",
    "authenticate",
    "get_services",
    "require_role",
]


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(
    auto_error=False,
    description="a HelseID access token (`DPoP <token>` with a `DPoP` proof when key-bound), "
    "or the development key",
)


async def authenticate(
    request: Request, _shown: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller behind the request's ``Authorization`` (and ``DPoP``) header, or a coded 401.
    With tokens configured it is checked in a worker thread, so fetching the issuer's keys never
    blocks the event loop; the development key alone needs no I/O and is compared on the loop."""
    access: Access = request.app.state.access
    presented = Presented(
        method=request.method,
        url=str(request.url),
        authorization=request.headers.get("Authorization"),
        dpop=tuple(request.headers.getlist("DPoP")),
        path=request.url.path,
    )
    if access.tokens is None:
        return access.authenticate(presented)
    return await run_in_threadpool(access.authenticate, presented)


RoleCheck = Callable[[Principal], Awaitable[Principal]]


def _role_check(role: Role) -> RoleCheck:
    async def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        return principal.require(role)

    check.__name__ = f"require_{role}"
    return check


ROLE_CHECKS: dict[RoleCheck, Role] = {
    _role_check(role): role for role in ("submit", "read", "replay", "admin")
}
"""The one dependency per role (FastAPI runs a shared dependency once per request)."""
_BY_ROLE = {role: check for check, role in ROLE_CHECKS.items()}


def require_role(role: Role) -> RoleCheck:
    """The dependency that lets only a caller with ``role`` through and gives its ``Principal``."""
    return _BY_ROLE[role]


Submitter = Annotated[Principal, Depends(require_role("submit"))]
Reader = Annotated[Principal, Depends(require_role("read"))]
Replayer = Annotated[Principal, Depends(require_role("replay"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]
