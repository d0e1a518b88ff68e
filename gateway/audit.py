"""Writing the audit trail: who (a signed-in principal, or the CLI's user) did what to whose data.

Every read of patient data through the API, every replay, every route hold or release and every
refused sign-in leaves one row (``gateway/store/audit.py`` keeps them, append-only). A read is
recorded before its answer leaves: when the row cannot be written, the data is not sent either. A
refused sign-in is recorded when the store answers, and refused all the same when it does not.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection

from samband.gateway.runtime import Services
from samband.gateway.store import audit as trail
from samband.gateway.store.audit import Action, AuditOutcome, Entry

log = logging.getLogger(__name__)


class Who(Protocol):
    """Whoever acts: the recorded name (``actor``) and the client it came through, when known."""

    @property
    def actor(self) -> str: ...

    @property
    def client_id(self) -> str | None: ...


@dataclass(frozen=True)
class Caller:
    """Who acts without a signed-in principal: the user of a command (``cli:<user>``), or a caller the
    sign-in refused."""

    actor: str
    client_id: str | None = None
    how: str = "cli"


def record_in(conn: Connection, at: datetime, who: Who, entry: Entry) -> None:
    """One audit row inside the caller's transaction (it commits with what it records)."""
    trail.add(conn, at, who.actor, who.client_id, entry)


def record(svc: Services, who: Who, entry: Entry) -> None:
    """One audit row in a transaction of its own."""
    with svc.engine.begin() as conn:
        record_in(conn, svc.now(), who, entry)


def asked(query: object) -> dict[str, Any]:
    """The filters a search was given (a query dataclass's fields that are set), as JSON values."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in vars(query).items()
        if value is not None
    }


def one_patient(named: str | None, found: Collection[str]) -> str | None:
    """The patient a search row names: the one asked for, else the only one found."""
    if named:
        return named
    distinct = {p for p in found if p}
    return next(iter(distinct)) if len(distinct) == 1 else None


def audit_refusal(
    svc: Services,
    request: HTTPConnection,
    status: int,
    code: str,
    *,
    actor: str | None = None,
    client_id: str | None = None,
    reason: str | None = None,
) -> None:
    """Record a refused sign-in (401) or a refused role (403): the authentication calls this before
    answering. ``actor``/``client_id`` when the credentials named someone; the refusal stands even
    when the store cannot take the row (logged)."""
    who = Caller(actor or "anonymous", client_id, "refused")
    detail: dict[str, Any] = {
        "status": status,
        "code": code,
        "method": request.scope.get("method"),
        "path": request.url.path,
        "peer": request.client.host if request.client else None,
    }
    if reason:
        detail["reason"] = reason
    try:
        entry = Entry(Action.LOGIN_REFUSED, request.url.path, outcome=AuditOutcome.REFUSED, detail=detail)
        record(svc, who, entry)
    except SQLAlchemyError:
        log.exception("the refused sign-in on %s could not be recorded", request.url.path)
