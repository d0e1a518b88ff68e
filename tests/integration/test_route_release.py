"""The kill switch says why it cannot: a route the route file disables is not released at run time
(409 route.held-by-file, nothing changes); and a failed delivery is counted under its message type."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import hodemelding
from tests.integration.receiver import Receiver

ROUTES = """
routes:
  - name: off-in-file
    enabled: false
    target_format: as-is
    transport: http
    endpoint: {a}
  - name: peer
    target_format: as-is
    transport: http
    endpoint: {b}
    retry: {delays: [1s], max_attempts: 1}
"""


def test_a_route_disabled_in_the_file_is_not_released_and_failures_carry_their_type(
    sqlite_url: str, gateway_factory: GatewayFactory, receivers: Callable[[], Receiver]
) -> None:
    a, b = receivers(), receivers()
    gw = gateway_factory(sqlite_url, ROUTES.replace("{a}", a.url).replace("{b}", b.url))
    refused = gw.client.post("/routes/off-in-file/release", headers=AUTH)
    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert error["code"] == "route.held-by-file" and error["where"] == "off-in-file"
    assert {r["name"]: r["enabled"] for r in gw.get("/routes")["routes"]}["off-in-file"] is False
    assert gw.client.post("/routes/peer/hold", headers=AUTH).status_code == 200
    assert gw.client.post("/routes/peer/release", headers=AUTH).json()["enabled"] is True

    b.status = 400  # the receiver refuses for good: dead letter at once
    gw.post(hodemelding())
    gw.drain()
    metrics = gw.client.get("/metrics", headers=AUTH).text
    failed = [line for line in metrics.splitlines() if line.startswith("samband_messages_failed_total{")]
    assert failed and all('message_type="HELSEOPPLYSNINGER_LEGE"' in line for line in failed), failed
    assert a.taken() == []
