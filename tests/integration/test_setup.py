"""Set-up and discovery: ``samband check`` says what is missing without creating anything, ``/docs`` and
``/redoc`` work offline from the installed package, and the OpenAPI document describes the inbound
bodies and every answer of every endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband import __version__
from samband.gateway.cli.main import app
from tests.integration.conftest import GatewayFactory

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"samband {__version__}"


def test_check_reports_each_part_and_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBAND_ROUTES", raising=False)
    db = tmp_path / "var" / "samband.db"
    result = runner.invoke(app, ["check", "--database-url", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.stdout
    parts = {line.split()[1]: line.split()[0] for line in result.stdout.splitlines() if not line[0].isspace()}
    assert set(parts) == {"settings", "database", "schemas", "routes", "registers", "nhn"}
    assert parts["database"] == "note" and "serve` creates it" in result.stdout
    assert not db.exists() and not db.parent.exists()


def test_check_fails_on_a_broken_route_file_and_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text("routes: [{name: x, transport: carrier-pigeon}]\n", encoding="utf-8")
    monkeypatch.setenv("SAMBAND_ROUTES", str(routes))
    result = runner.invoke(app, ["check", "--database-url", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem")]
    assert [p.split()[1] for p in problems] == ["database", "routes"]
    assert "fix: correct the route file" in result.stdout


def test_docs_are_served_from_the_package_and_describe_every_answer(
    gateway_factory: GatewayFactory, sqlite_url: str
) -> None:
    gw = gateway_factory(sqlite_url)
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = gw.client.get(page).text
        assert "cdn" not in html.lower() and f"/docs-assets/{asset}" in html
        assert len(gw.client.get(f"/docs-assets/{asset}").content) > 100_000
    document = gw.client.get("/openapi.json").json()
    paths = document["paths"]
    for path, media in (
        ("/messages", "application/xml"),
        ("/ebxml", "multipart/related"),
        ("/fhir", "application/fhir+json"),
        ("/ip-exports", "application/json"),
        ("/fhir/$validate", "application/fhir+xml"),
        ("/fhir/{resource_type}/$validate", "application/fhir+json"),
    ):
        body = paths[path]["post"]["requestBody"]
        assert body["required"] and media in body["content"] and body["description"]
    for path in ("/messages", "/fhir", "/ip-exports"):
        assert {"202", "401", "403", "413", "422", "500", "503"} <= set(paths[path]["post"]["responses"])
    assert {"200", "204", "400"} <= set(paths["/ebxml"]["post"]["responses"])
    assert "400" in paths["/messages"]["get"]["responses"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "503" in codes, (method, path)
            if path != "/healthz":
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
