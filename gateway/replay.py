"""Replay: store a stored message again from its original raw bytes, to all routes, some, or one
endpoint; the spine then runs it through its replay stages (``pipeline.REPLAYED``).

The replay is a new message (kind ``replay``) linked to the original; the ``replays`` table, both
timelines and the audit trail (``replay``, in the same transaction) record who replayed what, when
and where to. History is never overwritten, and a replay never sends the sender a second AppRec.

An override endpoint must pass the allow-list (``gateway/allowlist.py``) first; one that does not is
refused (``replay.endpoint-not-allowed``, 403) and audited (``replay-refused``), and nothing is
stored or sent. A target format the message cannot be written as (``replay.no-mapping``) or a
transport the gateway does not have, or one without an endpoint (``replay.unknown-transport``), is
refused the same way (422), as is a target format the transport of a route the replay goes to cannot
carry (``replay.not-carried``: ``plo`` into ``fhir-store``). The order is stored whole, so a replay a
worker takes over goes the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from samband.adapters.formats import translated_as
from samband.gateway.allowlist import refusal
from samband.gateway.audit import Who, record, record_in
from samband.gateway.delivery.transports.registry import carried_by, carries, transport_names
from samband.gateway.routing.routes import Route
from samband.gateway.runtime import Services
from samband.gateway.store import replays
from samband.gateway.store import repository as repo
from samband.gateway.store.audit import Action, AuditOutcome, Entry
from samband.gateway.store.repository import Direction, Kind, Status, StoredMessage
from samband.kernel.errors import NoRouteMatched, ReplayRefused, ReplayUnwritable
from samband.kernel.formats import ROUTE_TARGETS, Format
from samband.mappings.registry import can_write, targets_of

OVERRIDE_ROUTE = "replay-override"


@dataclass(frozen=True)
class ReplayOrder:
    """Where to: named routes (empty: every route that matches) or one override endpoint; in which
    format (None: each route's own) and, for the endpoint, over which transport (None: ``http``)."""

    destinations: list[str] = field(default_factory=list)
    endpoint: str | None = None
    transport: str | None = None
    target_format: str | None = None


def check_order(original: StoredMessage, order: ReplayOrder) -> None:
    """Refuse (``ReplayUnwritable``, 422) a target format ``original`` cannot be written as, and a
    transport the gateway does not have or has no endpoint to use on."""
    if order.transport is not None:
        known = sorted(transport_names())
        if order.transport not in known or order.endpoint is None:
            raise ReplayUnwritable(
                f"replay transport {order.transport!r} "
                + ("needs an endpoint" if order.transport in known else "is not one the gateway has"),
                code="replay.unknown-transport",
                where="transport",
                expected=f"one of {', '.join(known)}, with an endpoint",
                received=order.transport,
            )
    if order.target_format is None or original.format == "ebxml":  # an envelope: its payloads decide
        return
    source = translated_as(Format(original.format or "msghead"), original.msg_namespace)
    writable = [*targets_of(source), Format.AS_IS]
    target = order.target_format
    ok = target in ROUTE_TARGETS and (
        target == Format.AS_IS or (Format(target) in writable and _writes(source, Format(target), original))
    )
    if not ok:
        raise ReplayUnwritable(
            f"a {source} message ({original.msg_type}) cannot be written as {target!r}",
            code="replay.no-mapping",
            where="target_format",
            expected=", ".join(writable),
            received=target,
        )


def _writes(source: Format, target: Format, original: StoredMessage) -> bool:
    types = frozenset({original.msg_type}) if original.msg_type else None
    return can_write(source, target, types)


def check_endpoint(
    svc: Services, who: Who, order: ReplayOrder, *, development: bool, target: str, patient: str | None = None
) -> None:
    """Refuse (``ReplayRefused``, audited as ``replay-refused``) an override endpoint the allow-list
    does not take; ``development``: the caller uses the development key from loopback."""
    if order.endpoint is None:
        return
    allowed = svc.settings.replay_allowed_endpoints
    reason = refusal(order.endpoint, allowed, development)
    if reason is None:
        return
    detail = {"endpoint": order.endpoint, "transport": order.transport, "reason": reason}
    outcome = AuditOutcome.REFUSED
    record(
        svc, who, Entry(Action.REPLAY_REFUSED, target=target, patient=patient, outcome=outcome, detail=detail)
    )
    raise ReplayRefused(
        f"replay endpoint refused: {reason}",
        code="replay.endpoint-not-allowed",
        expected="a loopback URL" if development and not allowed else "a URL the allow-list takes",
        received=order.endpoint,
    )


def check_carried(svc: Services, original: StoredMessage, order: ReplayOrder, source_format: str) -> None:
    """Refuse (``replay.not-carried``, 422) a target format that a route the replay goes to cannot
    carry over its transport (``CARRIES`` in the transport registry)."""
    if order.target_format is None:
        return
    try:
        routes = routes_for(svc, original, order, source_format)
    except NoRouteMatched:
        return  # no route or an unknown one: the replay itself fails with that, as before
    for route in routes:
        if not carries(route.transport, route.target_format):
            carried = ", ".join(carried_by(route.transport) or ())
            raise ReplayUnwritable(
                f"route {route.name!r} uses {route.transport}, which cannot carry {route.target_format}",
                code="replay.not-carried",
                where="target_format",
                expected=f"a format {route.transport} carries: {carried}",
                received=order.target_format,
            )


def check_replay(
    svc: Services,
    original_id: str,
    who: Who,
    order: ReplayOrder,
    development: bool,
    source_format: Callable[[StoredMessage], str] | None = None,
) -> None:
    """``check_order``, ``check_carried`` and ``check_endpoint`` for a replay of the stored
    ``original_id`` (KeyError when there is none); ``source_format``: how a message came in (default:
    its stored format)."""
    with svc.reads.begin() as conn:
        original = repo.get_message(conn, original_id)
    if original is None:
        raise KeyError(original_id)
    check_order(original, order)
    came_as = source_format(original) if source_format else original.format or ""
    check_carried(svc, original, order, came_as)
    check_endpoint(svc, who, order, development=development, target=original_id, patient=original.patient_id)


def store_replay(
    svc: Services, original_id: str, who: Who, order: ReplayOrder, *, audited: bool = True
) -> str:
    """Store the replay (linked, attributed, audited) in one transaction; returns its message id.
    ``audited=False``: the caller records one audit row for a whole batch (bulk replay, test message)."""
    now = svc.now()
    actor = who.actor
    with svc.engine.begin() as conn:
        original = repo.get_message(conn, original_id)
        raw = repo.get_raw(conn, original_id)
        if original is None or raw is None:
            raise KeyError(original_id)
        new_id = repo.insert_message(
            conn,
            raw=raw,
            direction=Direction.INBOUND,
            kind=Kind.REPLAY,
            status=Status.RECEIVED,
            now=now,
            content_type=original.content_type,
            source_id=original.id,
        )
        replays.add_replay(
            conn,
            original.id,
            new_id,
            actor,
            now,
            list(order.destinations),
            order.endpoint,
            order.transport,
            order.target_format,
        )
        where = {
            "destinations": order.destinations,
            "endpoint": order.endpoint,
            "transport": order.transport,
            "target_format": order.target_format,
        }
        repo.add_event(conn, original.id, "replayed", now, actor=actor, replay=new_id, **where)
        repo.add_event(conn, new_id, "replay-of", now, actor=actor, original=original.id, **where)
        detail = {"replay": new_id, **where}
        if audited:
            entry = Entry(Action.REPLAY, target=original.id, patient=original.patient_id, detail=detail)
            record_in(conn, now, who, entry)
    return new_id


def store_only(svc: Services, raw: bytes, content_type: str | None, **detail: str | None) -> str:
    """Keep a document without processing it (a file replayed to an override endpoint only)."""
    now = svc.now()
    with svc.engine.begin() as conn:
        mid = repo.insert_message(
            conn,
            raw=raw,
            direction=Direction.INBOUND,
            kind=Kind.MESSAGE,
            status=Status.STORED,
            now=now,
            content_type=content_type,
        )
        repo.add_event(conn, mid, "received", now, size=len(raw), sha256=repo.sha256(raw), **detail)
        repo.add_event(conn, mid, "stored-for-replay", now, actor=detail.get("actor"))
    return mid


def _order_of(svc: Services, message: StoredMessage) -> tuple[ReplayOrder, str | None]:
    with svc.reads.begin() as conn:
        row = replays.order_of(conn, message.id)
    if row is None:
        return ReplayOrder(), None
    order = ReplayOrder(list(row.destinations or []), row.endpoint, row.transport, row.target_format)
    return order, row.actor


def replay_routes(svc: Services, message: StoredMessage, source_format: str) -> list[Route]:
    """The routes a replay goes to, decided by its stored order (so a taken-over replay goes the same way)."""
    order, _actor = _order_of(svc, message)
    return routes_for(svc, message, order, source_format)


def routes_for(svc: Services, message: StoredMessage, order: ReplayOrder, source_format: str) -> list[Route]:
    """The routes ``order`` sends ``message`` to: its override endpoint, its named routes or every
    route that matches, each in the order's target format."""
    if order.endpoint:
        return [_override(svc, message, order, source_format)]
    if not order.destinations:
        return _in_format(
            svc.routes.match(message.envelope(), source_format, channel_of=svc.receiver_channel), order
        )
    unknown = [name for name in order.destinations if name not in svc.routes.names]
    if unknown:
        raise NoRouteMatched(
            f"replay names unknown routes: {', '.join(unknown)}",
            code="replay.unknown-destination",
            expected=", ".join(svc.routes.names),
            received=", ".join(unknown),
        )
    return _in_format([svc.routes.get(name) for name in order.destinations], order)


def _in_format(routes: list[Route], order: ReplayOrder) -> list[Route]:
    """The routes, each writing the format the replay asked for (when it asked for one)."""
    if order.target_format is None:
        return routes
    return [replace(r, target_format=Format(order.target_format)) for r in routes]


def _override(svc: Services, message: StoredMessage, order: ReplayOrder, source_format: str) -> Route:
    """One ad-hoc route to the override endpoint; its format is the first matching route's, else FHIR."""
    target = order.target_format
    if target is None:
        try:
            matched = svc.routes.match(message.envelope(), source_format, channel_of=svc.receiver_channel)
            target = str(matched[0].target_format)
        except NoRouteMatched:
            target = str(Format.FHIR)
    return Route(
        name=OVERRIDE_ROUTE,
        target_format=Format(target),
        transport=order.transport or "http",
        endpoint=order.endpoint,
        description="replay to an override endpoint",
    )
