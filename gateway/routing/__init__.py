"""Routing as data: routes from a validated YAML file (or the built-in default) and the pure matcher."""

from samband.gateway.routing.loader import load_routes, parse_routes
from samband.gateway.routing.routes import FHIR_STORE_ROUTE, Route, RouteMatch, TargetFormat
from samband.gateway.routing.table import DEFAULT_ROUTES, RouteTable, route_table

__all__ = [
    "DEFAULT_ROUTES",
    "FHIR_STORE_ROUTE",
    "Route",
    "RouteMatch",
    "RouteTable",
    "TargetFormat",
    "load_routes",
    "parse_routes",
    "route_table",
]
