"""The one place transport library exceptions become coded delivery errors (``raise … from exc``).

Most specific first, as httpx's ``map_httpcore_exceptions``: a timeout is transient, a malformed
endpoint URL is permanent (no retry can fix configuration), a lost connection is transient.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from samband.kernel.errors import DeliveryError, DeliveryRefused, DeliveryUnavailable

# (library exception, gateway error class, code, what the operator reads)
EXCEPTION_MAP: tuple[tuple[type[BaseException], type[DeliveryError], str, str], ...] = (
    (httpx.TimeoutException, DeliveryUnavailable, "delivery.timeout", "the receiver did not answer in time"),
    (httpx.ConnectError, DeliveryUnavailable, "delivery.connect-failed", "could not connect to the receiver"),
    (
        httpx.RemoteProtocolError,
        DeliveryUnavailable,
        "delivery.connection-lost",
        "the receiver closed the connection without a complete answer",
    ),
    (httpx.NetworkError, DeliveryUnavailable, "delivery.connection-lost", "the connection broke"),
    (httpx.ProxyError, DeliveryUnavailable, "delivery.proxy", "the proxy refused or failed"),
    (httpx.UnsupportedProtocol, DeliveryRefused, "delivery.bad-endpoint", "the endpoint is not http(s)"),
    (httpx.InvalidURL, DeliveryRefused, "delivery.bad-endpoint", "the endpoint is not a valid URL"),
    (httpx.TooManyRedirects, DeliveryRefused, "delivery.redirect", "the receiver redirected too often"),
    (httpx.DecodingError, DeliveryUnavailable, "delivery.bad-reply", "the reply could not be decoded"),
    (httpx.TransportError, DeliveryUnavailable, "delivery.transport", "the HTTP transport failed"),
    (httpx.HTTPError, DeliveryUnavailable, "delivery.http", "the HTTP exchange failed"),
    (FileExistsError, DeliveryRefused, "delivery.file-exists", "a different file has that name"),
    (PermissionError, DeliveryUnavailable, "delivery.io-error", "no permission to write there"),
    (OSError, DeliveryUnavailable, "delivery.io-error", "the file system refused the write"),
)


def to_delivery_error(exc: BaseException, where: str | None) -> DeliveryError | None:
    """The coded delivery error for a library exception, or None when it is not a delivery problem."""
    for exc_type, error_type, code, meaning in EXCEPTION_MAP:
        if isinstance(exc, exc_type):
            detail = f"{meaning}: {type(exc).__name__}: {exc}".rstrip(": ")
            return error_type(detail, code=code, where=where)
    return None


@contextmanager
def delivery_errors(where: str | None) -> Iterator[None]:
    """Translate transport library exceptions raised inside into DeliveryUnavailable/DeliveryRefused."""
    try:
        yield
    except DeliveryError:
        raise
    except (httpx.HTTPError, OSError) as exc:
        mapped = to_delivery_error(exc, where)
        if mapped is None:  # pragma: no cover - EXCEPTION_MAP ends with the two base classes
            raise
        raise mapped from exc
