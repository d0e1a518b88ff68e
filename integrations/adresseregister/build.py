"""The Adresseregister client the settings choose (SOAP or REST), with its cache in front.

``build_registry(settings, store=…)`` is what the gateway's features call: None when no register is
configured, else a ``CachedRegistry`` over ``ArClient`` or ``RestClient``, its entries kept in
``store`` (the gateway's database; in memory when none is given).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from samband.integrations.adresseregister.cache import CachedRegistry, CacheStore
from samband.integrations.adresseregister.lookup import AddressRegistry
from samband.integrations.adresseregister.rest import RestClient
from samband.integrations.adresseregister.settings import RegisterSettings
from samband.integrations.adresseregister.soap import ArClient
from samband.integrations.helseid import HelseIdClient


def build_client(settings: RegisterSettings) -> AddressRegistry | None:
    """The client of the chosen API, uncached; None when its address is not set."""
    if settings.adresseregister_api == "rest":
        if settings.ar_rest_url is None:
            return None
        return RestClient(
            settings.ar_rest_url, HelseIdClient(settings.helseid()), timeout=settings.ar_timeout_seconds
        )
    if settings.ar_endpoint is None:
        return None
    return ArClient(
        settings.ar_endpoint,
        username=settings.ar_username,
        password=settings.ar_password,
        timeout=settings.ar_timeout_seconds,
    )


def build_registry(
    settings: RegisterSettings,
    *,
    store: CacheStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> CachedRegistry | None:
    """The cached lookup interface the settings describe; None when no register is configured."""
    client = build_client(settings)
    if client is None:
        return None
    return CachedRegistry(client, ttl=timedelta(hours=settings.ar_cache_hours), clock=clock, store=store)
