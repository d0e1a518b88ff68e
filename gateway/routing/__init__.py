"""Routing as data: routes from a validated YAML file (``routing.loader``, or the built-in default)
and the pure matcher. The loader is not re-exported here: it checks transport names, and the
transports import the route shapes from this package.
"""

from samband.gateway.routing.routes import FHIR_STORE_ROUTE, Route, RouteMatch
from samband.gateway.routing.table import DEFAULT_ROUTES, RouteTable, route_table

__all__ = [
    "DEFAULT_ROUTES",
    "FHIR_STORE_ROUTE",
    "Route",
    "RouteMatch",
    "RouteTable",
    "route_table",
]
