"""The operator web console: one static page, its stylesheet and its script, read from package data.

The page holds no data and needs no key; everything it shows comes from the JSON API with the
caller's Bearer key (taken from the ``#key=`` fragment of the start-up link, kept in sessionStorage).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response

router = APIRouter(tags=["console"], include_in_schema=False)

STATIC = files("samband.gateway.console") / "static"

ASSETS: dict[str, str] = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "alerts.js": "text/javascript; charset=utf-8",
}
"""The only files served under ``/console/``: name → media type (nothing else on disk is reachable)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""Only same-origin scripts, styles and API calls; the page cannot be framed or leak its address."""


@cache
def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@router.get("/console")
def console_page() -> Response:
    """The console page (no data in it; the script asks the API, with the key, for everything)."""
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
    return Response(_read("console.html"), media_type="text/html; charset=utf-8", headers=headers)


@router.get("/console/{asset}")
def console_asset(asset: str) -> Response:
    """The console's stylesheet and script, by exact name."""
    media_type = ASSETS.get(asset)
    if media_type is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail={"code": "console.not-found", "detail": f"no asset {asset}"}
        )
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(_read(asset), media_type=media_type, headers=headers)
