"""Dependencies every router shares: the running services and development-mode Bearer auth."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from samband.gateway.runtime import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def require_key(request: Request, svc: ServicesDep) -> str:
    """Development mode: ``Authorization: Bearer <SAMBAND_DEV_API_KEY>``; returns the caller's name."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip(), svc.settings.api_key()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"code": "auth.required", "detail": "send Authorization: Bearer <key>"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return request.headers.get("X-Samband-Actor", "dev-key")


Actor = Annotated[str, Depends(require_key)]
