"""The receiving system a folder of test messages is run against, set up as the test documents ask:
it receives for the receivers of the folder's base messages (``SAMBAND_SERVED_HER_IDS`` when set
names them instead). With a route file (``SAMBAND_ROUTES``) its routes decide which receivers the
gateway takes messages for, each route delivering into a folder of the run instead of its
endpoint; without one a single route takes what is addressed to the served receivers into the
gateway's own FHIR store, so a message to anyone else has no route (E21), unless a base message
names its receiver by no HER-id (no route could name it): then every receiver is taken. Nothing
leaves the machine.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from samband.gateway.delivery.transports.registry import FHIR_STORE
from samband.gateway.routing import DEFAULT_ROUTES, RouteTable
from samband.gateway.routing.loader import load_routes
from samband.gateway.routing.routes import FHIR_STORE_ROUTE, Route, RouteMatch
from samband.gateway.settings import Settings

FILE_DROP = "file-drop"


@dataclass(frozen=True)
class Receiver:
    """The settings and routes every gateway of one folder runs with."""

    settings: Settings
    routes: RouteTable


def set_up(settings: Settings, receivers: Collection[str | None], drop: Path) -> Receiver:
    """The receiving system for a folder whose base messages are addressed to ``receivers`` (their
    HER-ids; None for one addressed otherwise, by organisation number, say)."""
    served = sorted(settings.served_her_ids or {her for her in receivers if her})
    routes = routes_for(settings, served if None not in receivers else (), drop)
    return Receiver(settings.model_copy(update={"served_her_ids": served}), routes)


def routes_for(settings: Settings, served: Collection[str], drop: Path) -> RouteTable:
    """The configured route table delivered locally, or one route for the ``served`` receivers (with
    none, the default route: every receiver)."""
    if settings.routes is not None:
        table = load_routes(settings.routes)
        return RouteTable(tuple(_local(route, drop) for route in table), f"{table.source}, delivered locally")
    if not served:
        return DEFAULT_ROUTES
    match = RouteMatch(receiver_her=tuple(served))
    route = replace(FHIR_STORE_ROUTE, name="served", match=match, description="the served receivers")
    return RouteTable((route,), "the receivers of the base messages")


def _local(route: Route, drop: Path) -> Route:
    """``route`` as configured but for where it delivers: a folder of the run (or the FHIR store)."""
    if route.transport == FHIR_STORE:
        return route
    (drop / route.name).mkdir(parents=True, exist_ok=True)
    return replace(route, transport=FILE_DROP, endpoint=str(drop / route.name), headers={}, options={})
