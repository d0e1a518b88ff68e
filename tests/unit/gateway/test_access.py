"""Access to the HTTP API: every endpoint declares its role; the development key, where it may be used.

Runs the real app from ``create_app(settings)`` on a temporary SQLite store; ``samband serve`` runs
through the CLI with uvicorn's ``run`` replaced by a recorder (nothing listens).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
import yaml
from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from typer.testing import CliRunner

from samband.gateway.access import DEV_KEY_PRINCIPAL, ROLES, Principal
from samband.gateway.app import create_app
from samband.gateway.cli.main import app as cli
from samband.gateway.deps import ROLE_CHECKS
from samband.gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
FASTAPI_PAGES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/docs-assets"}
OPEN = {("GET", "/healthz"), ("GET", "/console"), ("GET", "/console/{asset}")}
"""The only endpoints anyone may call: liveness and the console's static files (no data in them)."""

EXPECTED = {
    ("POST", "/messages"): "submit",
    ("POST", "/ebxml"): "submit",
    ("POST", "/fhir"): "submit",
    ("POST", "/ip-exports"): "submit",
    ("POST", "/referrals"): "submit",
    ("GET", "/messages"): "read",
    ("GET", "/messages/{message_id}"): "read",
    ("GET", "/messages/{message_id}/raw"): "read",
    ("GET", "/messages/{message_id}/events"): "read",
    ("GET", "/messages/{message_id}/apprec"): "read",
    ("GET", "/fhir/{resource_type}"): "read",
    ("GET", "/fhir/{resource_type}/{resource_id}"): "read",
    ("GET", "/patients/{patient_id}/timeline"): "read",
    ("GET", "/routes"): "read",
    ("GET", "/metrics"): "read",
    ("POST", "/messages/{message_id}/replay"): "replay",
    ("POST", "/routes/{name}/{switch}"): "admin",
}
"""Where the roles stand today; an endpoint added later needs only a role, not a line here."""


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'samband.db'}", dev_api_key="k", worker_enabled=False
    )
    return create_app(settings)


def _roles(dependant: Dependant) -> set[str]:
    found: set[str] = {ROLE_CHECKS[d.call] for d in dependant.dependencies if d.call in ROLE_CHECKS}
    for sub in dependant.dependencies:
        found |= _roles(sub)
    return found


def test_every_endpoint_declares_the_role_it_needs(app: FastAPI) -> None:
    declared: dict[tuple[str, str], str] = {}
    missing: list[str] = []
    for context in routing.iter_route_contexts(app.routes):
        if context.path in FASTAPI_PAGES:  # the API's own description, served from the package
            continue
        if not isinstance(context.original_route, APIRoute):
            assert context.path in FASTAPI_PAGES, f"{context.path}: not an endpoint with a role"
            continue
        roles = _roles(context.dependant)
        path = str(context.path)
        for method in context.methods or ():
            if (method, path) in OPEN:
                assert not roles, f"{method} {path} is open by design"
            elif len(roles) != 1:
                missing.append(f"{method} {path}: roles {sorted(roles)}")
            else:
                declared[(method, path)] = next(iter(roles))
    assert not missing, "declare one role (Submitter, Reader, Replayer, Admin) on:\n" + "\n".join(missing)
    assert {k: v for k, v in declared.items() if k in EXPECTED} == EXPECTED
    assert set(app.openapi()["components"]["securitySchemes"]) == {"HTTPBearer"}


def test_every_role_is_a_dependency_of_its_own() -> None:
    assert sorted(ROLE_CHECKS.values()) == sorted(ROLES)


def test_the_actor_comes_from_the_principal() -> None:
    assert DEV_KEY_PRINCIPAL.actor == "dev-key" and DEV_KEY_PRINCIPAL.roles == frozenset(ROLES)
    person = Principal("pseudonym-sub", "client-1", frozenset({"read"}), "token")
    system = Principal("client-2", "client-2", frozenset({"submit"}), "token")
    assert person.actor == "pseudonym-sub via client-1" and system.actor == "client:client-2"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FastAPI]]:
    apps: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_kw: apps.append(app))
    for name in ("SAMBAND_DEV_API_KEY", "SAMBAND_DEV_KEY_ANY_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAMBAND_WORKER_ENABLED", "false")
    yield apps


def test_serve_refuses_the_dev_key_beyond_loopback(tmp_path: Path, served: list[FastAPI]) -> None:
    db = tmp_path / "serve.db"
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--database-url", f"sqlite:///{db}"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("samband: [config.dev-key-exposed] ") and "SAMBAND_DEV_KEY_ANY_HOST" in line
    assert served == [] and not db.exists(), "refused before anything was started or migrated"


def test_serve_refuses_the_placeholder_key_of_the_templates(
    tmp_path: Path, served: list[FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBAND_DEV_API_KEY", "change-me")
    db = tmp_path / "serve.db"
    result = CliRunner().invoke(cli, ["serve", "--database-url", f"sqlite:///{db}"])
    assert result.exit_code == 2
    assert result.output.startswith("samband: [config.dev-key-placeholder] ")
    assert served == [] and not db.exists()


def test_compose_publishes_on_loopback_and_has_no_default_key() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text(encoding="utf-8"))
    gateway, worker = compose["services"]["gateway"], compose["services"]["worker"]
    assert all(str(port).startswith("127.0.0.1:") for port in gateway["ports"])
    key = compose["x-gateway-env"]["SAMBAND_DEV_API_KEY"]
    assert ":?" in key and "change-me" not in key, "compose stops when no key of one's own is given"
    assert worker["build"] == gateway["build"], "the worker is built, not only pulled"
    assert worker["healthcheck"]["test"] == ["CMD", "samband", "check"]
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert "/healthz').status != 200" in dockerfile, "unhealthy (503) without the official XSDs"


def test_serve_beyond_loopback_on_purpose_never_shows_a_generated_key(
    tmp_path: Path,
    served: list[FastAPI],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SAMBAND_DEV_KEY_ANY_HOST", "true")
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(
            cli, ["serve", "--host", "0.0.0.0", "--database-url", f"sqlite:///{tmp_path / 'serve.db'}"]
        )
    assert result.exit_code == 0, result.output
    [app] = served
    key = app.state.access.dev_key
    assert key and key not in caplog.text and key not in result.output
    assert "not shown off loopback" in caplog.text


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serve_on_loopback_keeps_the_dev_key(
    host: str, tmp_path: Path, served: list[FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="samband"):
        result = CliRunner().invoke(
            cli, ["serve", "--host", host, "--database-url", f"sqlite:///{tmp_path / 'serve.db'}"]
        )
    assert result.exit_code == 0, result.output
    assert f"/console#key={served[0].state.access.dev_key}" in caplog.text


def test_serve_with_tokens_listens_anywhere_and_shows_no_key(
    tmp_path: Path, served: list[FastAPI], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SAMBAND_AUTH_ISSUER", "https://helseid-sts.test.nhn.no")
    monkeypatch.setenv("SAMBAND_AUTH_AUDIENCE", "nhn:samband")
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(
            cli, ["serve", "--host", "0.0.0.0", "--database-url", f"sqlite:///{tmp_path / 'serve.db'}"]
        )
    assert result.exit_code == 0, result.output
    [app] = served
    assert app.state.access.dev_key is None and "#key=" not in caplog.text
    assert "sign in with an access token" in caplog.text
