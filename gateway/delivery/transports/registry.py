"""Transport names → factories, a plain dict a reader can open; route files name these keys.

``fhir-store`` (delivery into the gateway's own FHIR store) is registered by the service at
start-up with ``register_transport``, since it writes into the service's store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from samband.gateway.delivery.transports.base import Transport
from samband.gateway.delivery.transports.ebxml import EbxmlHttpTransport
from samband.gateway.delivery.transports.filedrop import FileDropTransport
from samband.gateway.delivery.transports.http import HttpTransport
from samband.gateway.delivery.transports.nhn_msh import NhnMshTransport
from samband.gateway.routing.routes import Route
from samband.kernel.errors import ConfigurationError
from samband.kernel.formats import Format

TransportFactory = Callable[[Route], Transport]

FHIR_STORE = "fhir-store"


TRANSPORTS: dict[str, TransportFactory] = {
    "http": HttpTransport,
    "ebxml-http": EbxmlHttpTransport,
    "file-drop": FileDropTransport,
    "nhn-msh": NhnMshTransport,
}

HODEMELDING_TARGETS = frozenset({Format.AS_IS, Format.PLO, Format.DIALOGMELDING})

CARRIES: dict[str, frozenset[Format]] = {
    FHIR_STORE: frozenset({Format.FHIR}),  # FHIR JSON into the gateway's own store
    "ebxml-http": HODEMELDING_TARGETS,  # an ebMS package around a Hodemelding
    "nhn-msh": HODEMELDING_TARGETS,  # NHN's message service takes a Hodemelding
}
"""The target formats a transport can carry, where it cannot carry every one (``http`` and
``file-drop`` carry any); the route loader and replay both ask ``carries``."""

# Names a route file may use even before their factory is registered (the service adds these).
RESERVED_NAMES = frozenset({FHIR_STORE})


def register_transport(name: str, factory: TransportFactory) -> None:
    """Add (or replace) the factory for ``name``; the service registers ``fhir-store`` this way."""
    TRANSPORTS[name] = factory


def transport_names(transports: Mapping[str, TransportFactory] | None = None) -> frozenset[str]:
    """Every transport name a route may use."""
    return frozenset(TRANSPORTS if transports is None else transports) | RESERVED_NAMES


def create_transport(route: Route, transports: Mapping[str, TransportFactory] | None = None) -> Transport:
    """The transport for ``route`` from ``transports`` (default: ``TRANSPORTS``)."""
    registry = TRANSPORTS if transports is None else transports
    factory = registry.get(route.transport)
    if factory is None:
        raise ConfigurationError(
            f"route {route.name!r} uses transport {route.transport!r}, which is not registered",
            code="config.routes.unknown-transport",
            where=route.name,
            expected=f"one of {', '.join(sorted(registry))}",
            received=route.transport,
        )
    return factory(route)


def carries(transport: str, target: str) -> bool:
    """True when ``transport`` can carry a message written as ``target`` (a route target format)."""
    allowed = CARRIES.get(transport)
    return allowed is None or target in allowed


def carried_by(transport: str) -> tuple[Format, ...] | None:
    """The target formats ``transport`` carries, in route-target order (None: every one)."""
    allowed = CARRIES.get(transport)
    return None if allowed is None else tuple(f for f in Format if f in allowed)
