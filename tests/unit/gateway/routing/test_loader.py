"""Route files: the shipped example validates, and every mistake names file, line, pointer, expectation."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from samband.adapters.registry.ar_model import Channel
from samband.gateway.routing import DEFAULT_ROUTES
from samband.gateway.routing.loader import load_routes, parse_routes, routes_schema
from samband.kernel.envelope import Envelope
from samband.kernel.errors import ConfigurationError
from samband.kernel.formats import ROUTE_SOURCES, ROUTE_TARGETS, Format

ROOT = Path(__file__).resolve().parents[4]
EXAMPLE = ROOT / "examples" / "routes.yaml"

MINIMAL = """\
routes:
  - name: out
    target_format: fhir
    transport: http
    endpoint: http://127.0.0.1:8081/plo
"""


def _error(text: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        parse_routes(text, "routes.yaml")
    return caught.value


def test_no_file_means_the_default_route() -> None:
    assert load_routes(None) is DEFAULT_ROUTES


def test_the_shipped_example_validates() -> None:
    table = load_routes(EXAMPLE)
    assert table.names == ("fhir-store", "kommune-fhir", "fastlege-ebxml", "iplan-drop")
    gp = table.get("fastlege-ebxml")
    assert gp.target_format is Format.DIALOGMELDING
    assert gp.options == {"cpa_id": "nhn_8100001_8100003"}
    assert gp.retry.max_attempts == 32 and gp.retry.delays[-1] == timedelta(hours=24)
    assert (gp.timeout, gp.connect_timeout) == (60.0, 5.0)  # own total, default connect
    assert table.get("iplan-drop").enabled is False
    kommune = table.get("kommune-fhir")
    envelope = Envelope(
        msg_id="m", msg_type="UTSKRIVNINGSRAPPORT", sender_her="8100001", receiver_her="8100002"
    )
    assert [r.name for r in table.match(envelope, "ebxml")] == ["fhir-store", "kommune-fhir"]
    assert kommune.headers == {"Accept": "application/fhir+json"}


def test_defaults_and_built_in_values_fill_in() -> None:
    [route] = parse_routes(MINIMAL)
    assert route.enabled is True
    assert route.retry == DEFAULT_ROUTES.get("fhir-store").retry
    assert route.match.message_types is None  # matches anything


def test_her_ids_written_as_yaml_integers_are_read_as_text() -> None:
    text = MINIMAL + "    match: {sender_her: [8100001]}\n"
    [route] = parse_routes(text)
    assert route.match.sender_her == ("8100001",)


def test_secrets_come_from_the_environment() -> None:
    text = MINIMAL + '    headers: {Authorization: "Bearer ${KOMMUNE_TOKEN}"}\n'
    [route] = parse_routes(text, environ={"KOMMUNE_TOKEN": "s3cret"})
    assert route.headers == {"Authorization": "Bearer s3cret"}
    with pytest.raises(ConfigurationError) as caught:
        parse_routes(text, "routes.yaml", environ={})
    assert caught.value.code == "config.routes.missing-env"
    assert caught.value.where == "routes.yaml#/routes/0/headers/Authorization"
    assert caught.value.line == 6
    assert "s3cret" not in str(caught.value)


def test_an_endpoint_from_the_environment_is_checked_after_expansion() -> None:
    text = MINIMAL.replace("http://127.0.0.1:8081/plo", "${PLO_URL}")
    [route] = parse_routes(text, environ={"PLO_URL": "https://plo.kommune.example/in"})
    assert route.endpoint == "https://plo.kommune.example/in"
    with pytest.raises(ConfigurationError) as caught:
        parse_routes(text, "routes.yaml", environ={"PLO_URL": "ftp://plo.kommune.example/in"})
    assert caught.value.where == "routes.yaml#/routes/0/endpoint"
    assert caught.value.line == 5


def test_a_schema_error_gives_line_pointer_and_expectation() -> None:
    error = _error(MINIMAL.replace("target_format: fhir", "target_format: hl7v2"))
    assert error.code == "config.routes.invalid"
    assert error.where == "routes.yaml#/routes/0/target_format"
    assert error.line == 3
    assert "as-is" in (error.expected or "") and error.received == '"hl7v2"'


def test_an_unknown_key_is_refused_where_it_is() -> None:
    error = _error(MINIMAL + "    retries: 5\n")
    assert error.where == "routes.yaml#/routes/0"
    assert "retries" in error.detail
    assert "retry" in (error.expected or "")


def test_a_bad_duration_is_refused() -> None:
    error = _error(MINIMAL + "    retry: {delays: [30s, 2 minutes]}\n")
    assert error.where == "routes.yaml#/routes/0/retry/delays/1"
    assert error.line == 6


def test_http_routes_need_a_url_endpoint() -> None:
    error = _error(MINIMAL.replace("    endpoint: http://127.0.0.1:8081/plo\n", ""))
    assert "endpoint" in error.detail
    error = _error(MINIMAL.replace("http://127.0.0.1:8081/plo", "/var/drop"))
    assert error.where == "routes.yaml#/routes/0/endpoint"


def test_the_fhir_store_only_takes_fhir() -> None:
    error = _error("routes:\n  - {name: s, target_format: plo, transport: fhir-store}\n")
    assert error.where == "routes.yaml#/routes/0/target_format"
    assert error.code == "config.routes.not-carried"
    assert error.expected == "a target fhir-store carries: fhir"
    error = _error(
        "routes:\n  - {name: e, target_format: fhir, transport: ebxml-http, endpoint: http://h/e}\n"
    )
    assert (error.code, error.received) == ("config.routes.not-carried", "fhir")


def test_an_unknown_transport_is_refused_with_the_known_ones() -> None:
    error = _error(
        MINIMAL.replace("transport: http", "transport: amqp").replace("    endpoint", "    # endpoint")
    )
    assert error.code == "config.routes.unknown-transport"
    assert error.line == 4
    assert "file-drop" in (error.expected or "") and "fhir-store" in (error.expected or "")


def test_duplicate_names_point_at_the_second() -> None:
    error = _error(MINIMAL + MINIMAL.replace("routes:\n", ""))
    assert error.code == "config.routes.duplicate-name"
    assert error.where == "routes.yaml#/routes/1/name"
    assert error.line == 6


def test_broken_yaml_names_the_line() -> None:
    error = _error("routes:\n  - name: a\n   bad indent: [\n")
    assert error.code == "config.routes.yaml"
    assert error.line is not None and error.line >= 2


@pytest.mark.parametrize("text", ["", "[]", "routes: []"])
def test_empty_or_wrong_shape_is_refused(text: str) -> None:
    assert _error(text).code == "config.routes.invalid"


def test_an_unreadable_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_routes(tmp_path / "missing.yaml")
    assert caught.value.code == "config.routes.unreadable"


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(routes_schema())


def test_the_yaml_in_the_routing_docs_validates() -> None:
    docs = (ROOT / "docs" / "routing.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", docs, flags=re.DOTALL)
    assert blocks, "docs/routing.md shows the file format"
    for block in blocks:
        table = parse_routes(block, "docs/routing.md", environ={"KOMMUNE_TOKEN": "t"})
        assert len(table) >= 1


def test_schema_knows_every_source_format_and_target() -> None:
    match = routes_schema()["$defs"]["match"]["properties"]
    assert set(match["source_formats"]["items"]["enum"]) == {f.value for f in ROUTE_SOURCES}
    targets = routes_schema()["$defs"]["route"]["properties"]["target_format"]["enum"]
    assert set(targets) == {t.value for t in ROUTE_TARGETS}


def test_schema_knows_every_channel_the_register_gives() -> None:
    match = routes_schema()["$defs"]["match"]["properties"]
    assert set(match["receiver_channel"]["items"]["enum"]) == {c.value for c in Channel}
    text = """\
routes:
  - name: via-message-service
    match: {receiver_channel: [nhn-msh]}
    target_format: as-is
    transport: file-drop
    endpoint: /var/lib/samband/out
"""
    [route] = parse_routes(text, "routes.yaml")
    assert route.match.receiver_channel == ("nhn-msh",)
    refused = _error(text.replace("[nhn-msh]", "[amqp]"))
    assert refused.code == "config.routes.invalid"


def test_a_pair_without_a_mapping_is_refused_with_line_and_pointer() -> None:
    text = """\
routes:
  - name: iplan-drop
    match:
      source_formats: [plo]
      message_types: [ORIENTERING_TJENESTETILBUD]
    target_format: ip-export
    transport: file-drop
    endpoint: /var/lib/samband/ip-exports
    enabled: false
"""
    error = _error(text)
    assert error.code == "config.routes.no-mapping"
    assert error.where == "routes.yaml#/routes/0/target_format"
    assert error.line == 6
    assert error.received == "plo → ip-export"
    assert "fhir" in (error.expected or "") and "as-is" in (error.expected or "")


def test_a_hodemelding_route_covers_both_payload_families() -> None:
    error = _error(
        MINIMAL.replace("target_format: fhir", "target_format: plo")
        + "    match: {source_formats: [msghead], message_types: [LOG_INNLAGT, DIALOG_NOTAT]}\n"
    )
    assert error.code == "config.routes.no-mapping"
    assert error.received == "dialogmelding → plo"


def test_a_message_type_the_target_cannot_be_written_for_is_refused_where_it_is_named() -> None:
    text = MINIMAL.replace("target_format: fhir", "target_format: plo")
    text += (
        "    match:\n      source_formats: [fhir]\n"
        "      message_types: [ORIENTERING_TJENESTETILBUD, DIALOG_NOTAT]\n"
    )
    error = _error(text)
    assert error.code == "config.routes.unwritable"
    assert error.where == "routes.yaml#/routes/0/match/message_types/1"
    assert error.line == 8
    assert error.received == "DIALOG_NOTAT"
    assert "ORIENTERING_TJENESTETILBUD" in (error.expected or "")


def test_a_target_written_only_for_some_types_needs_the_types_named() -> None:
    text = (
        MINIMAL.replace("target_format: fhir", "target_format: plo") + "    match: {source_formats: [fhir]}\n"
    )
    error = _error(text)
    assert error.code == "config.routes.unwritable"
    assert error.where == "routes.yaml#/routes/0/target_format"
    assert error.line == 3
    [route] = parse_routes(text.replace("[fhir]}", "[fhir], message_types: [LOG_INNLAGT]}"))
    assert route.target_format is Format.PLO


def test_routes_that_can_be_written_load() -> None:
    text = """\
routes:
  - {name: plo, match: {source_formats: [plo]}, target_format: fhir, transport: fhir-store}
  - name: dialog
    match: {source_formats: [dialogmelding], message_types: [DIALOG_NOTAT]}
    target_format: dialogmelding
    transport: file-drop
    endpoint: /tmp/out
  - {name: exports, match: {source_formats: [ip-export]}, target_format: ip-export, transport: file-drop,
     endpoint: /tmp/out}
  - {name: anything, target_format: as-is, transport: file-drop, endpoint: /tmp/out}
"""
    assert parse_routes(text).names == ("plo", "dialog", "exports", "anything")
