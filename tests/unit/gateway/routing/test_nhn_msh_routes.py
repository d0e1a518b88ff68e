"""Routes over NHN's message service: the options the schema and the loader take, and what they refuse
with file, line and pointer; a route whose options make no client is refused at its first send."""

from __future__ import annotations

import pytest

from samband.gateway.delivery.transports.base import DeliveryRequest
from samband.gateway.delivery.transports.nhn_msh import NhnMshTransport, follow_up_seconds
from samband.gateway.routing.loader import parse_routes
from samband.gateway.routing.routes import Route
from samband.kernel.envelope import Envelope
from samband.kernel.errors import ConfigurationError

ROUTE = """\
routes:
  - name: nhn
    target_format: as-is
    transport: nhn-msh
    options:
      base_url: ${{MSH}}
      token_url: https://helseid-sts.test.nhn.no/connect/token
      client_id: samband-kommune
      key_path: /etc/samband/helseid.jwk
      scope: nhn:msh/api
{extra}"""


def load(extra: str = "", msh: str = "https://api.hn-tjener.test.melding.nhn.no") -> Route:
    [route] = parse_routes(ROUTE.format(extra=extra), "routes.yaml", environ={"MSH": msh}).routes
    return route


def refusal(extra: str = "", msh: str = "https://api.hn-tjener.test.melding.nhn.no") -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        load(extra, msh)
    return caught.value


def test_a_route_takes_lists_objects_and_numbers_in_its_options() -> None:
    route = load(
        "      api_version: 2\n      receiver_her_ids_subset: [91100, '8142001']\n"
        "      ebxml_overrides: {cpaId: nav-cpa, compressPayload: true}\n      follow_up: 30s\n"
    )
    assert route.options["receiver_her_ids_subset"] == [91100, "8142001"]
    assert route.options["ebxml_overrides"] == {"cpaId": "nav-cpa", "compressPayload": True}
    assert follow_up_seconds(route) == 30.0


def test_a_missing_setting_is_named() -> None:
    text = ROUTE.replace("      scope: nhn:msh/api\n", "").format(extra="")
    with pytest.raises(ConfigurationError) as caught:
        parse_routes(text, "routes.yaml", environ={"MSH": "https://x"})
    assert (
        caught.value.code == "config.routes.invalid"
        and "'scope' is a required property" in caught.value.detail
    )


def test_an_unknown_option_or_ebxml_field_is_refused_where_it_stands() -> None:
    assert "priority" in refusal("      priority: high\n").detail
    wrong = refusal("      ebxml_overrides: {cpaID: x}\n")
    assert wrong.code == "config.routes.invalid" and "cpaID is no EbXmlInfo field" in wrong.detail
    assert wrong.where == "routes.yaml#/routes/0/options/ebxml_overrides" and wrong.line == 11


def test_an_address_from_the_environment_must_be_http() -> None:
    error = refusal(msh="ftp://example")
    assert "base_url must be an http(s) URL" in error.detail
    assert error.where == "routes.yaml#/routes/0/options/base_url"


def test_other_transports_keep_string_options() -> None:
    text = "routes:\n  - name: gp\n    target_format: as-is\n    transport: ebxml-http\n"
    text += "    endpoint: http://127.0.0.1:1/ebxml\n    options: {cpa_id: [1]}\n"
    with pytest.raises(ConfigurationError) as caught:
        parse_routes(text, "routes.yaml")
    assert caught.value.where == "routes.yaml#/routes/0/options/cpa_id"


def test_options_that_make_no_client_are_refused_at_the_first_send() -> None:
    route = Route(name="nhn", transport="nhn-msh", options={"base_url": "https://x", "scope": "s"})
    request = DeliveryRequest("m1", Envelope(msg_id="1", msg_type="PLO"), b"<x/>", "application/xml", route)
    with pytest.raises(ConfigurationError) as caught:
        NhnMshTransport(route).send(request)
    assert caught.value.code == "config.routes.nhn-msh" and "token_url" in str(caught.value.expected)
