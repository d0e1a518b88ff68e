"""Matching messages to routes: exact criteria, fan-out in file order, coded refusal, kill switch."""

from __future__ import annotations

from dataclasses import replace

import pytest

from samband.gateway.routing import DEFAULT_ROUTES, Route, RouteMatch, route_table
from samband.kernel.envelope import Envelope
from samband.kernel.errors import ConfigurationError, NoRouteMatched, reply_for
from samband.kernel.formats import Format

PLO_IN = Envelope(msg_id="m-1", msg_type="INNLEGGELSESRAPPORT", sender_her="8100001", receiver_her="8100002")
DIALOG = Envelope(msg_id="m-2", msg_type="DIALOG_FORESPORSEL", sender_her="8100001", receiver_her="8100003")

STORE = Route(name="fhir-store")
KOMMUNE = Route(
    name="kommune",
    match=RouteMatch(message_types=("INNLEGGELSESRAPPORT",), receiver_her=("8100002",)),
    transport="http",
    endpoint="http://127.0.0.1:1/fhir",
)
GP = Route(
    name="gp",
    match=RouteMatch(sender_her=("8100001",), receiver_her=("8100003",), source_formats=("ebxml",)),
    target_format=Format.DIALOGMELDING,
    transport="ebxml-http",
)


def test_default_route_takes_every_message_into_the_fhir_store() -> None:
    [route] = DEFAULT_ROUTES.match(PLO_IN, "ebxml")
    assert (route.name, route.target_format, route.transport) == ("fhir-store", "fhir", "fhir-store")
    assert DEFAULT_ROUTES.match(Envelope(msg_id=None, msg_type=None), "fhir") == [route]


def test_all_matching_routes_in_file_order() -> None:
    table = route_table([KOMMUNE, STORE, GP])
    assert [r.name for r in table.match(PLO_IN, "ebxml")] == ["kommune", "fhir-store"]
    assert [r.name for r in table.match(DIALOG, "ebxml")] == ["fhir-store", "gp"]


def test_every_given_criterion_must_hold() -> None:
    table = route_table([GP])
    with pytest.raises(NoRouteMatched):
        table.match(DIALOG, "msghead")  # right parties, wrong source format
    with pytest.raises(NoRouteMatched):
        table.match(replace(DIALOG, sender_her="8100009"), "ebxml")


def test_matches_are_exact_not_globs() -> None:
    table = route_table([replace(KOMMUNE, match=RouteMatch(message_types=("INNLEGG*",)))])
    with pytest.raises(NoRouteMatched):
        table.match(PLO_IN, "ebxml")


def test_no_route_is_a_permanent_coded_refusal_naming_the_message() -> None:
    with pytest.raises(NoRouteMatched) as caught:
        route_table([KOMMUNE]).match(DIALOG, "ebxml")
    error = caught.value
    assert error.code == "routing.no-route"
    for fact in ("DIALOG_FORESPORSEL", "8100001", "8100003"):
        assert fact in error.detail
    assert reply_for(error).apprec_error == "E21"


def test_a_disabled_route_still_matches_so_its_deliveries_are_held() -> None:
    table = route_table([KOMMUNE]).with_enabled("kommune", False)
    [route] = table.match(PLO_IN, "ebxml")
    assert route.enabled is False
    assert table.with_enabled("kommune", True).get("kommune").enabled is True


def test_unknown_route_name() -> None:
    with pytest.raises(KeyError):
        DEFAULT_ROUTES.get("nope")
    with pytest.raises(KeyError):
        DEFAULT_ROUTES.with_enabled("nope", False)


def test_route_names_are_unique() -> None:
    with pytest.raises(ConfigurationError) as caught:
        route_table([STORE, STORE])
    assert caught.value.code == "config.routes.duplicate-name"


def test_a_hodemelding_also_matches_as_its_payload_family() -> None:
    plo_only = route_table([replace(STORE, match=RouteMatch(source_formats=("plo",)))])
    dialog_only = route_table([replace(STORE, match=RouteMatch(source_formats=("dialogmelding",)))])
    plo = replace(PLO_IN, namespace="http://www.kith.no/xmlstds/po/Innleggelsesrapport/2012-04-01")
    dialog = replace(DIALOG, namespace="http://www.kith.no/xmlstds/dialog/2013-01-23")
    assert [r.name for r in plo_only.match(plo, "msghead")] == ["fhir-store"]
    assert [r.name for r in plo_only.match(plo, "ebxml")] == ["fhir-store"]
    assert [r.name for r in dialog_only.match(dialog, "msghead")] == ["fhir-store"]
    with pytest.raises(NoRouteMatched):
        plo_only.match(dialog, "msghead")
    with pytest.raises(NoRouteMatched):
        dialog_only.match(PLO_IN, "msghead")


def test_a_route_that_lets_the_register_decide_asks_it_last_and_only_when_needed() -> None:
    via_msh = Route(
        name="msh", match=RouteMatch(message_types=("DIALOG_FORESPORSEL",), receiver_channel=("nhn-msh",))
    )
    via_ebxml = Route(name="ebxml", match=RouteMatch(receiver_channel=("ebxml-http",)))
    table = route_table([via_msh, via_ebxml, STORE])
    asked: list[str] = []
    channels = {"8100003": "nhn-msh", "8100002": "ebxml-http"}

    def channel_of(her_id: str) -> str | None:
        asked.append(her_id)
        return channels.get(her_id)

    assert table.asks_register and not route_table([STORE]).asks_register
    assert [r.name for r in table.match(DIALOG, "ebxml", channel_of=channel_of)] == ["msh", "fhir-store"]
    assert [r.name for r in table.match(PLO_IN, "ebxml", channel_of=channel_of)] == ["ebxml", "fhir-store"]
    assert asked == ["8100003", "8100003", "8100002"]  # the PLO message is not of the msh route's type
    assert [r.name for r in table.match(DIALOG, "ebxml")] == ["fhir-store"]  # no register: not taken
    no_edi = replace(DIALOG, receiver_her="8100009")
    assert [r.name for r in table.match(no_edi, "ebxml", channel_of=channel_of)] == ["fhir-store"]
