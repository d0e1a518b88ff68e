"""The transport registry: plain dict, built-ins present, fhir-store reserved for the service."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.gateway.delivery.transports import (
    FHIR_STORE,
    TRANSPORTS,
    EbxmlHttpTransport,
    FakeTransport,
    FileDropTransport,
    HttpTransport,
    create_transport,
    transport_names,
)
from samband.gateway.delivery.transports.base import Receipt
from samband.kernel.errors import ConfigurationError
from tests.unit.gateway.delivery.factories import make_request, make_route


def test_builtins_are_registered() -> None:
    assert {"http", "ebxml-http", "file-drop"} <= set(TRANSPORTS)
    assert FHIR_STORE in transport_names()


def test_factories_build_the_transport_for_the_route(tmp_path: Path) -> None:
    http = create_transport(make_route(transport="http", endpoint="http://127.0.0.1:1/"))
    assert isinstance(http, HttpTransport)
    http.close()
    drop = create_transport(make_route(transport="file-drop", endpoint=str(tmp_path)))
    assert isinstance(drop, FileDropTransport)
    ebxml = create_transport(make_route(transport="ebxml-http", endpoint="http://127.0.0.1:1/ebms"))
    assert isinstance(ebxml, EbxmlHttpTransport)
    ebxml.close()


def test_an_explicit_registry_replaces_the_default() -> None:
    fake = FakeTransport(lambda request: Receipt(status_code=202, remote_id=request.message_id))
    registry = {FHIR_STORE: lambda route: fake}
    route = make_route(transport=FHIR_STORE)
    receipt = create_transport(route, registry).send(make_request(route))
    assert receipt.remote_id == "out-0001"
    assert [r.message_id for r in fake.sent] == ["out-0001"]


def test_an_unregistered_transport_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_transport(make_route(transport=FHIR_STORE), {"http": HttpTransport})
    assert caught.value.code == "config.routes.unknown-transport"
    assert caught.value.received == FHIR_STORE
