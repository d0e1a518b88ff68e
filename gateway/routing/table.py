"""The route table: which routes take a message, in file order, or a coded refusal when none does."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from samband.gateway.routing.routes import FHIR_STORE_ROUTE, INBOUND, OUTBOX_ROUTE, ChannelOf, Route
from samband.kernel.envelope import Envelope
from samband.kernel.errors import ConfigurationError, NoRouteMatched


@dataclass(frozen=True)
class RouteTable:
    """An ordered, validated set of routes with unique names; ``match`` is pure."""

    routes: tuple[Route, ...]
    source: str = "built-in default"

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for route in self.routes:
            if route.name in seen:
                raise ConfigurationError(
                    f"route name {route.name!r} is used twice",
                    code="config.routes.duplicate-name",
                    where=self.source,
                    expected="unique route names",
                )
            seen.add(route.name)

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def __len__(self) -> int:
        return len(self.routes)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(route.name for route in self.routes)

    def get(self, name: str) -> Route:
        """The route called ``name``; KeyError when there is none."""
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)

    @property
    def asks_register(self) -> bool:
        """Whether a route lets the Adresseregister decide (``match.receiver_channel``)."""
        return any(route.match.receiver_channel is not None for route in self.routes)

    def match(
        self,
        envelope: Envelope,
        source_format: str,
        direction: str = INBOUND,
        channel_of: ChannelOf | None = None,
    ) -> list[Route]:
        """Every route that takes this message, in file order (a message may fan out); ``direction`` is
        ``outbound`` for a message the gateway composed itself; ``channel_of`` answers a route's
        ``receiver_channel`` (the gateway's Adresseregister; without it such a route takes nothing).

        Disabled routes are included: the kill switch holds their deliveries, it does not turn the
        message into a "no route" refusal. None matching raises NoRouteMatched ("routing.no-route",
        AppRec E21) naming the message type, sender and receiver.
        """
        matched = [r for r in self.routes if r.accepts(envelope, source_format, direction, channel_of)]
        if not matched:
            raise NoRouteMatched(
                f"no route takes message type {envelope.msg_type!r} from HER-id {envelope.sender_her!r}"
                f" to HER-id {envelope.receiver_her!r} (as {source_format}, {direction})",
                code="routing.no-route",
                where=self.source,
                expected="a route whose match covers this type, sender and receiver",
                received=f"type={envelope.msg_type} sender={envelope.sender_her}"
                f" receiver={envelope.receiver_her} format={source_format}",
            )
        return matched

    def with_enabled(self, name: str, enabled: bool) -> RouteTable:
        """A copy with route ``name``'s kill switch set (KeyError for an unknown name)."""
        self.get(name)
        routes = tuple(replace(r, enabled=enabled) if r.name == name else r for r in self.routes)
        return RouteTable(routes, self.source)


def route_table(routes: Sequence[Route], source: str = "code") -> RouteTable:
    """Build a table from routes made in code (tests, embedding)."""
    return RouteTable(tuple(routes), source)


DEFAULT_ROUTES = RouteTable((FHIR_STORE_ROUTE, OUTBOX_ROUTE), "built-in default (no route file)")
