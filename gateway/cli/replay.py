"""``samband replay SOURCE [--to URL] [--transport T] [--target-format F] [--dry-run]``: re-send stored
messages or files, with progress.

SOURCE is a stored message id, a search (``type=PLO,status=failed,sender_her=123``; the keys of
``GET /messages``), or a folder of files. Stored messages are replayed from their original bytes
(linked, attributed to ``cli:<user>``). Files are received like a post; with ``--to`` they are only
stored and replayed to that endpoint. ``--to`` must pass the replay allow-list
(``SAMBAND_REPLAY_ALLOWED_ENDPOINTS``; while the development key is on, loopback URLs pass an empty
list, as they do for its holder through the API), checked before anything is stored. The command
then delivers what it queued and prints a summary that names each refused message with its code.
``--target-format`` and ``--transport`` are honoured as through the API (a format the message cannot
be written as is refused, ``replay.no-mapping``). Exit 0 when everything was accepted, 1 when anything
was refused or there was nothing to replay (the reason is said). A SQLite store that does not exist
is an error (``config.database-missing``, exit 2): no empty store is made in its place.
"""

from __future__ import annotations

import getpass
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from samband.features.registry import MIGRATIONS
from samband.gateway import pipeline, replay
from samband.gateway.audit import Caller
from samband.gateway.cli.serve import settings_for
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services, start_services
from samband.gateway.settings import Settings
from samband.gateway.store import deliveries as queue
from samband.gateway.store.repository import Direction, Kind, get_message
from samband.gateway.store.search import MessageQuery, search_messages
from samband.kernel.errors import ConfigurationError, GatewayError, ReplayRefused

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
REFUSED = {"rejected", "failed", "refused"}
DELIVERY_WAIT_SECONDS = 30.0
QUERY_KEYS = {
    "msg_id",
    "conversation_id",
    "patient",
    "sender_her",
    "receiver_her",
    "type",
    "status",
    "since",
    "until",
}


@dataclass(frozen=True)
class Item:
    """One thing to replay: a stored message id, or a file to store first."""

    label: str
    message_id: str | None = None
    path: Path | None = None


def parse_search(source: str) -> MessageQuery:
    """``key=value,key=value`` → a query over inbound received messages (ValueError for unknown keys)."""
    values: dict[str, Any] = {}
    for part in source.split(","):
        key, _, value = part.partition("=")
        key = key.strip()
        if key not in QUERY_KEYS or not value:
            raise ValueError(f"unknown search key {key!r}; use {', '.join(sorted(QUERY_KEYS))}")
        values[key] = datetime.fromisoformat(value) if key in {"since", "until"} else value.strip()
    return MessageQuery(direction=str(Direction.INBOUND), kind=str(Kind.MESSAGE), limit=500, **values)


def select_items(svc: Services, source: str) -> tuple[list[Item], str]:
    """What SOURCE names (a folder's files, one stored message, or the messages a search finds), and
    when that is nothing, why."""
    folder = Path(source)
    if folder.is_dir():
        files = [Item(p.name, path=p) for p in sorted(folder.iterdir()) if p.is_file()]
        return files, f"the folder {source} holds no file"
    with svc.engine.begin() as conn:
        if "=" not in source:
            found = get_message(conn, source)
            reason = f"no folder {source}" if "/" in source else f"no stored message with id {source}"
            return ([Item(source, message_id=source)] if found else []), reason
        _total, page = search_messages(conn, parse_search(source))
    items = [Item(f"{m.id} {m.msg_type or ''} {m.msg_id or ''}".strip(), message_id=m.id) for m in page]
    return items, f"no received message matches {source}"


def run_one(svc: Services, item: Item, order: replay.ReplayOrder, who: Caller) -> Outcome:
    """Replay one item; a refusal of this item alone (its format, say) is its outcome, coded."""
    try:
        if item.path is not None:
            raw = item.path.read_bytes()
            if order.endpoint is None:
                return pipeline.receive(svc, raw, None)
            stored = replay.store_only(svc, raw, None, actor=who.actor, path=str(item.path))
            return pipeline.replay_message(svc, stored, who, order, development=svc.settings.dev_key_active)
        assert item.message_id is not None
        return pipeline.replay_message(
            svc, item.message_id, who, order, development=svc.settings.dev_key_active
        )
    except GatewayError as refused:
        return Outcome(item.message_id or str(item.path), "refused", None, errors=[refused.as_dict()])


def deliver_queued(svc: Services, outcomes: list[Outcome]) -> Counter[str]:
    """Deliver what the replays queued (a running ``serve`` may take part); count the end states."""
    worker = DeliveryWorker(svc, name="samband-replay")
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    states: Counter[str] = Counter()
    while time.monotonic() < deadline:
        worker.deliver_due()
        with svc.engine.begin() as conn:
            states = Counter(d.status for o in outcomes for d in queue.for_source(conn, o.id))
        if not states.get("pending"):
            break
        time.sleep(0.2)
    return states


def require_store(settings: Settings) -> None:
    """Refuse a SQLite store that does not exist (``config.database-missing``) instead of making one."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        return  # start_services says what is wrong with it
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():
        raise ConfigurationError(
            f"there is no store at {file} (run from the folder that holds it, or set the URL)",
            code="config.database-missing",
            where="SAMBAND_DATABASE_URL",
            expected="an existing SQLite file or a PostgreSQL URL",
            received=settings.database_url,
        )


def run_replay(source: str, order: replay.ReplayOrder, dry_run: bool, database_url: str | None) -> int:
    """The ``samband replay`` command; returns the exit code."""
    console = Console(stderr=True)
    settings = settings_for(database_url)
    require_store(settings)
    svc = start_services(settings, migrations=MIGRATIONS)
    try:
        items, reason = select_items(svc, source)
    except ValueError as exc:
        console.print(f"[red]usage:[/red] {exc}")
        return EXIT_USAGE
    if not items:
        console.print(f"[red]nothing to replay[/red] {escape('[replay.nothing]')}: {escape(reason)}")
        return EXIT_REFUSED
    to = order.endpoint
    if dry_run:
        for item in items:
            console.print(f"would replay {item.label} → {to or 'its routes'}")
        console.print(f"{len(items)} message(s); nothing sent (--dry-run)")
        return EXIT_OK
    who = Caller(f"cli:{getpass.getuser()}")
    try:  # refused before anything is stored: the files of a folder are stored first
        replay.check_endpoint(svc, who, order, development=svc.settings.dev_key_active, target=source)
    except ReplayRefused as exc:
        console.print(f"[red]refused:[/red] {escape(str(exc))}")
        return EXIT_REFUSED
    outcomes: list[Outcome] = []
    with Progress(console=console) as progress:
        task = progress.add_task("replaying", total=len(items))
        for item in items:
            outcomes.append(run_one(svc, item, order, who))
            progress.advance(task)
    states = deliver_queued(svc, outcomes)
    console.print(summary(outcomes, states))
    svc.engine.dispose()
    return EXIT_REFUSED if any(o.status in REFUSED for o in outcomes) else EXIT_OK


def summary(outcomes: list[Outcome], states: Counter[str]) -> Table:
    """Counts by status, then each refused message with its code."""
    table = Table(title="replay summary")
    table.add_column("what")
    table.add_column("count or code", justify="right")
    for status, n in sorted(Counter(o.status for o in outcomes).items()):
        table.add_row(f"messages {status}", str(n))
    for status, n in sorted(states.items()):
        table.add_row(f"deliveries {status}", str(n))
    for o in outcomes:
        if o.status in REFUSED:
            codes = ", ".join(str(e.get("code")) for e in o.errors) or o.status
            detail = "; ".join(str(e.get("detail") or "") for e in o.errors)[:200]
            table.add_row(f"refused {escape(o.id)}: {escape(detail)}", escape(codes))
    return table
