"""Where a replay may be sent when it names its own endpoint: ``SAMBAND_REPLAY_ALLOWED_ENDPOINTS``.

An entry is an absolute ``http``/``https`` URL without credentials or fragment. An entry whose path
ends in ``/`` (or has no path: ``https://host:8443``) is a prefix; any other entry is one exact URL.
A URL is allowed when scheme, host (case-insensitive) and port (80/443 when not written) equal an
entry's, and its path starts with a prefix entry's path, or its path and query equal an exact
entry's. A URL with credentials, a fragment, a ``.``/``..`` path segment (also percent-encoded), a
backslash or an encoded ``/`` is refused whatever the list says; so is any scheme but http(s).

With no list, nothing is allowed, except in development mode (the development key, from loopback):
then URLs on loopback (``localhost``, ``127.0.0.0/8``, ``[::1]``) are.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

SCHEMES = {"http": 80, "https": 443}


def is_loopback(host: str | None) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def development_caller(how: str, peer: str | None) -> bool:
    """Development mode for one request: the development key, sent from a loopback address."""
    return how == "dev-key" and is_loopback(peer)


@dataclass(frozen=True)
class Endpoint:
    """A URL taken apart for matching: scheme, host, port, path (``/`` at least) and query."""

    scheme: str
    host: str
    port: int
    path: str
    query: str


def _split(url: str) -> SplitResult:
    parts = urlsplit(url.strip())
    parts.port  # noqa: B018  (raises ValueError on a port that is not a number in range)
    return parts


def _problem(url: str) -> tuple[Endpoint | None, str | None]:
    """The URL taken apart, or why it can never be a replay endpoint."""
    try:
        parts = _split(url)
    except ValueError:
        return None, "not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return None, f"scheme {parts.scheme or '(none)'!r} is not http or https"
    if not parts.hostname:
        return None, "the URL names no host"
    if parts.username is not None or parts.password is not None:
        return None, "the URL carries credentials"
    if parts.fragment or url.strip().endswith("#"):
        return None, "the URL has a fragment"
    path = parts.path or "/"
    if "\\" in path or "%2f" in path.lower() or "%5c" in path.lower():
        return None, "the path has a backslash or an encoded slash"
    if any(unquote(segment) in {".", ".."} for segment in path.split("/")):
        return None, "the path has a '.' or '..' segment"
    port = parts.port or SCHEMES[scheme]
    return Endpoint(scheme, parts.hostname.lower(), port, path, parts.query), None


def check_entry(entry: str) -> str:
    """A list entry as given, or ValueError saying what is wrong with it."""
    parsed, problem = _problem(entry)
    if parsed is None:
        raise ValueError(f"replay allow-list entry {entry!r}: {problem}")
    if parsed.path.endswith("/") and parsed.query:
        raise ValueError(f"replay allow-list entry {entry!r}: a prefix (path ending in /) takes no query")
    return entry.strip()


def _matches(url: Endpoint, entry: Endpoint) -> bool:
    if (url.scheme, url.host, url.port) != (entry.scheme, entry.host, entry.port):
        return False
    if entry.path.endswith("/"):
        return url.path.startswith(entry.path)
    return (url.path, url.query) == (entry.path, entry.query)


def refusal(url: str, allowed: list[str], development: bool) -> str | None:
    """Why ``url`` may not be a replay endpoint, or None when it may."""
    parsed, problem = _problem(url)
    if parsed is None:
        return problem
    if not allowed:
        if development and is_loopback(parsed.host):
            return None
        if development:
            return "only loopback URLs are allowed (development mode, SAMBAND_REPLAY_ALLOWED_ENDPOINTS empty)"
        return "SAMBAND_REPLAY_ALLOWED_ENDPOINTS is empty: no replay endpoint is allowed"
    for entry in allowed:
        known, _ = _problem(entry)
        if known is not None and _matches(parsed, known):
            return None
    return "not in SAMBAND_REPLAY_ALLOWED_ENDPOINTS"
