"""``samband check``: is this installation ready to run? Each part (settings, database, schemas, route
file, registers, NHN) is ``ok``, ``note`` (optional and not configured) or ``problem``, with the fix.

Nothing is created or changed: a SQLite file that does not exist yet is reported, not made, and the
schema is compared with the migrations, not upgraded. Exit 0 when no part has a problem, else 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import requests
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from samband.adapters.xml.official import FETCH
from samband.adapters.xml.official import check as check_schemas
from samband.features.feedback.settings import FeedbackSettings
from samband.features.registry import FEATURES, MIGRATIONS
from samband.gateway.delivery.transports.nhn_msh import NAME as NHN_MSH
from samband.gateway.delivery.transports.nhn_msh import settings_of
from samband.gateway.routing.loader import load_routes
from samband.gateway.routing.routes import Route
from samband.gateway.settings import Settings
from samband.gateway.store.db import alembic_config, make_engine
from samband.integrations.adresseregister import RegisterSettings, build_client
from samband.integrations.nhn_msh import MshClient
from samband.kernel.errors import GatewayError, NoRouteMatched

PLACEHOLDER_HER_ID = Settings.model_fields["her_id"].default


class Verdict(StrEnum):
    OK = "ok"
    NOTE = "note"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One part's state: what was found and, unless it is ok, what to do about it."""

    part: str
    verdict: Verdict
    detail: str
    fix: str = ""


Check = Callable[[Settings], Finding]


def check_settings(_settings: Settings) -> Finding:
    """Every feature's settings group reads (the core's was read to get here)."""
    for name, feature in FEATURES.items():
        if feature.settings is None:
            continue
        try:
            feature.settings()
        except ValidationError as exc:
            where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            return Finding(
                "settings", Verdict.PROBLEM, f"{name}: invalid {where}", "correct the SAMBAND_* variables"
            )
    return Finding("settings", Verdict.OK, "every settings group reads")


def check_database(settings: Settings) -> Finding:
    """The store answers and its schema is at the newest migration; a SQLite file is never created."""
    url = settings.database_url
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Finding("database", Verdict.PROBLEM, "cannot read the URL", "set SAMBAND_DATABASE_URL")
    shown = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).is_file():
        return Finding(
            "database", Verdict.NOTE, f"{shown}: not created yet", "`samband serve` creates it at start"
        )
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
        finally:
            engine.dispose()
    except Exception as exc:  # whatever the driver raises, it is reported, never a traceback
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
        return Finding(
            "database", Verdict.PROBLEM, f"{shown}: {reason}", "start the database or correct the URL"
        )
    heads = set(ScriptDirectory.from_config(alembic_config(None, MIGRATIONS)).get_heads())
    if current != heads:
        missing = len(heads - current)
        return Finding(
            "database",
            Verdict.NOTE,
            f"{shown}: {missing} migration(s) to apply",
            "`samband serve` applies them",
        )
    return Finding("database", Verdict.OK, f"{shown}: answers, schema up to date")


def check_official_schemas(_settings: Settings) -> Finding:
    found = check_schemas()
    problem = found.problem()
    if problem is not None:
        return Finding("schemas", Verdict.PROBLEM, problem.detail, f"`{FETCH}` (or --from a folder)")
    return Finding("schemas", Verdict.OK, f"official XSDs installed as pinned in {found.folder}")


def check_routes(settings: Settings) -> Finding:
    if settings.routes is None:
        return Finding("routes", Verdict.OK, "no route file: the built-in defaults (docs/routing.md)")
    try:
        table = load_routes(settings.routes)
    except GatewayError as exc:
        return Finding("routes", Verdict.PROBLEM, str(exc), "correct the route file")
    return Finding("routes", Verdict.OK, f"{settings.routes}: {len(table)} route(s)")


def check_registers(settings: Settings) -> Finding:
    """The Adresseregister, when one is set: the SOAP endpoint answers HTTP at all; the REST API gives
    a HelseID token and looks up the gateway's own HER-id (``check_rest_register``)."""
    try:
        register = FeedbackSettings()
    except ValidationError as exc:
        return Finding(
            "registers", Verdict.PROBLEM, f"invalid Adresseregister settings: {exc.errors()[0]['msg']}"
        )
    if register.adresseregister_api == "rest":
        return check_rest_register(settings, register)
    endpoint = register.ar_endpoint
    if endpoint is None:
        return _no_register(
            settings,
            "SAMBAND_AR_ENDPOINT",
            "set SAMBAND_AR_ENDPOINT (and SAMBAND_AR_USERNAME/SAMBAND_AR_PASSWORD)",
        )
    try:
        requests.get(endpoint, timeout=register.ar_timeout_seconds)
    except requests.RequestException as exc:
        return Finding(
            "registers",
            Verdict.PROBLEM,
            f"Adresseregister {endpoint} does not answer ({type(exc).__name__})",
            "check the network and SAMBAND_AR_ENDPOINT",
        )
    return Finding("registers", Verdict.OK, f"Adresseregister {endpoint} answers")


def _no_register(settings: Settings, variable: str, fix: str) -> Finding:
    """No register configured: a note, or a problem when a route lets the register decide."""
    if _routes_ask_register(settings):
        detail = f"a route lets the Adresseregister decide (receiver_channel), but none is set ({variable})"
        return Finding("registers", Verdict.PROBLEM, detail, fix)
    detail = f"no Adresseregister ({variable}): GP feedback waits for an address"
    return Finding("registers", Verdict.NOTE, detail, fix)


def _routes_ask_register(settings: Settings) -> bool:
    if settings.routes is None:
        return False
    try:
        return load_routes(settings.routes).asks_register
    except GatewayError:  # the routes part reports it
        return False


def check_rest_register(settings: Settings, register: RegisterSettings) -> Finding:
    """The REST API: a token from HelseID, then the gateway's own HER-id looked up (its channel shown)."""
    url = register.ar_rest_url
    try:
        client = build_client(register)
        if client is None or url is None:
            return _no_register(
                settings,
                "SAMBAND_AR_REST_URL",
                "set SAMBAND_AR_REST_URL and SAMBAND_AR_HELSEID_* (docs/nhn.md, Adresseregister REST)",
            )
        party = client.communication_party(settings.her_id)
    except NoRouteMatched as exc:
        return Finding(
            "registers",
            Verdict.NOTE,
            f"Adresseregister {url} answers, but not for HER-id {settings.her_id} [{exc.code}]",
            "set SAMBAND_HER_ID to the gateway's registered HER-id",
        )
    except GatewayError as exc:
        return Finding(
            "registers",
            Verdict.PROBLEM,
            f"Adresseregister {url}: {exc}",
            "check the network, SAMBAND_AR_REST_URL and the HelseID client (SAMBAND_AR_HELSEID_*)",
        )
    reached = party.channel or "no EDI address"
    return Finding(
        "registers",
        Verdict.OK,
        f"Adresseregister {url} knows HER-id {party.her_id} ({party.name}; {reached})",
    )


def check_nhn(settings: Settings) -> Finding:
    """What NHN's network needs of the gateway: its own HER-id (not the placeholder), and a HelseID
    token for every route over NHN's message service (``check_message_service``)."""
    refused = check_message_service(settings)
    if refused is not None:
        return refused
    routes = ", ".join(route.name for route in _message_service_routes(settings))
    over = f"; HelseID tokens for {routes}" if routes else ""
    if settings.nhn_receiver_her_ids:
        over += f"; receiving for {_her_ids(settings)} through NHN's message service"
    if settings.her_id == PLACEHOLDER_HER_ID:
        return Finding(
            "nhn",
            Verdict.NOTE,
            f"the gateway's HER-id is the placeholder {PLACEHOLDER_HER_ID}{over}",
            "set SAMBAND_HER_ID to the HER-id NHN gave your communication party",
        )
    return Finding("nhn", Verdict.OK, f"HER-id {settings.her_id}{over}")


def _message_service_routes(settings: Settings) -> list[Route]:
    try:
        table = load_routes(settings.routes)
    except GatewayError:  # the routes part reports it
        return []
    return [route for route in table.routes if route.transport == NHN_MSH]


def check_message_service(settings: Settings) -> Finding | None:
    """A problem when a route over NHN's message service cannot get a HelseID token (the key, the
    client, the scope); None when every such route can."""
    for route in _message_service_routes(settings):
        try:
            with MshClient(settings_of(route)) as client:
                client.helseid.access_token()
        except GatewayError as exc:
            return Finding(
                "nhn",
                Verdict.PROBLEM,
                f"route {route.name}: no HelseID token for NHN's message service: {exc}",
                "check the route's token_url, client_id, key_path, scope and issuer (docs/nhn.md)",
            )
    return check_receiving(settings)


def check_receiving(settings: Settings) -> Finding | None:
    """A problem when the poller (``SAMBAND_NHN_*``) cannot list its HER-ids' unread messages: no
    token, or a HER-id its client is not bound to (403). Listing changes nothing at the service."""
    receiving = settings.nhn_msh()
    if receiving is None:
        return None
    try:
        with MshClient(receiving) as client:
            client.unread(settings.nhn_receiver_her_ids, limit=1)
    except GatewayError as exc:
        return Finding(
            "nhn",
            Verdict.PROBLEM,
            f"receiving for {_her_ids(settings)}: NHN's message service: {exc}",
            "check the SAMBAND_NHN_* settings and that the HelseID client is bound to each HER-id "
            "(docs/nhn.md, Receiving)",
        )
    return None


def _her_ids(settings: Settings) -> str:
    return ", ".join(str(her) for her in settings.nhn_receiver_her_ids)


CHECKS: dict[str, Check] = {
    "settings": check_settings,
    "database": check_database,
    "schemas": check_official_schemas,
    "routes": check_routes,
    "registers": check_registers,
    "nhn": check_nhn,
}


def run_checks(settings: Settings) -> list[Finding]:
    return [check(settings) for check in CHECKS.values()]


def run_check(database_url: str | None) -> int:
    """Print one line per part (and its fix); 0 when nothing is a problem, else 1."""
    try:
        settings = Settings(database_url=database_url) if database_url else Settings()
    except ValidationError as exc:
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        sys.stdout.write(
            f"problem  settings   invalid {where}\n         fix: correct the SAMBAND_* variables\n"
        )
        return 1
    findings = run_checks(settings)
    for f in findings:
        sys.stdout.write(f"{f.verdict:<8} {f.part:<10} {f.detail}\n")
        if f.fix and f.verdict is not Verdict.OK:
            sys.stdout.write(f"{'':<8} {'':<10} fix: {f.fix}\n")
    return 1 if any(f.verdict is Verdict.PROBLEM for f in findings) else 0
