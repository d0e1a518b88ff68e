"""The receiving system a folder of test messages is run against, set up as the test documents ask:
the parties it receives for are the receivers of the folder's base messages (unless
``SAMBAND_SERVED_HER_IDS`` names them), and the route file, when one is configured, decides where
messages go, each route delivering into a folder of the run instead of its endpoint. With no route
file every message goes into the gateway's own FHIR store. Nothing leaves the machine either way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from samband.gateway.delivery.transports.registry import FHIR_STORE
from samband.gateway.routing import DEFAULT_ROUTES, RouteTable
from samband.gateway.routing.loader import load_routes
from samband.gateway.routing.routes import Route
from samband.gateway.settings import Settings

FILE_DROP = "file-drop"


@dataclass(frozen=True)
class Receiver:
    """The settings and routes every gateway of one folder runs with."""

    settings: Settings
    routes: RouteTable


def set_up(settings: Settings, receivers: Collection[str], drop: Path) -> Receiver:
    """The receiving system for a folder whose base messages are addressed to ``receivers``."""
    configured = getattr(settings, "served_her_ids", None)  # TEMPORARY until the setting lands
    served = {"served_her_ids": sorted(receivers)} if receivers and configured == [] else {}
    return Receiver(settings.model_copy(update=served), routes_for(settings, drop))


def routes_for(settings: Settings, drop: Path) -> RouteTable:
    """The configured route table delivered locally, or the default (everything into the FHIR store)."""
    if settings.routes is None:
        return DEFAULT_ROUTES
    table = load_routes(settings.routes)
    return RouteTable(tuple(_local(route, drop) for route in table), f"{table.source}, delivered locally")


def _local(route: Route, drop: Path) -> Route:
    """``route`` as configured but for where it delivers: a folder of the run (or the FHIR store)."""
    if route.transport == FHIR_STORE:
        return route
    (drop / route.name).mkdir(parents=True, exist_ok=True)
    return replace(route, transport=FILE_DROP, endpoint=str(drop / route.name), headers={}, options={})
