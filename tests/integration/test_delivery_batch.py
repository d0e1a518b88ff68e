"""Deliveries into the gateway's own FHIR store go as one batch: a Bundle the store refuses, or one
that fails while it is written, fails alone (the rest of the batch is stored and answered), and a
worker killed while it settles a batch leaves nothing of it; the next worker stores it once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import update

from samband.gateway.delivery.worker import CRASH_VARIABLE
from samband.gateway.store.tables import messages
from tests.integration.conftest import Gateway, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES, hodemelding


def _outbound(gw: Gateway, mid: str) -> str:
    """The id of the FHIR translation of ``mid`` that the fhir-store route delivers."""
    [item] = [
        i for i in gw.get("/messages", source_id=mid, direction="outbound")["items"] if i["kind"] != "apprec"
    ]
    return str(item["id"])


def _replace_payload(gw: Gateway, message_id: str, payload: dict[str, Any]) -> None:
    with gw.services.engine.begin() as conn:
        conn.execute(
            update(messages).where(messages.c.id == message_id).values(raw=json.dumps(payload).encode())
        )


def _patient_ids(gw: Gateway, mid: str) -> list[str]:
    national_id = gw.get(f"/messages/{mid}")["patient"]
    return [e["resource"]["id"] for e in gw.get("/fhir/Patient", identifier=national_id).get("entry", [])]


def test_a_bundle_the_store_refuses_or_cannot_write_fails_alone_in_its_batch(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES)
    first = gw.post(hodemelding(patient_seed=10)).json()["id"]
    gw.drain()
    [kept] = _patient_ids(gw, first)

    ok_a, refused, ok_b, broken = (
        gw.post(hodemelding(patient_seed=s)).json()["id"] for s in (11, 12, 13, 14)
    )
    _replace_payload(gw, _outbound(gw, refused), {"not": "a FHIR resource"})
    # retires the first message's Patient, then fails while it is written (a meta that is no object)
    _replace_payload(
        gw,
        _outbound(gw, broken),
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {"request": {"method": "DELETE", "url": f"Patient/{kept}"}},
                {"resource": {"resourceType": "Basic", "id": "broken", "meta": "not an object"}},
            ],
        },
    )

    assert gw.worker.deliver_due() == 4  # one batch

    for mid in (ok_a, ok_b):
        message = gw.get(f"/messages/{mid}")
        assert message["status"] == "delivered" and message["apprec"]["status"] == "1"
        assert len(_patient_ids(gw, mid)) == 1
    assert gw.get(f"/fhir/Patient/{kept}")["id"] == kept, "the broken Bundle's delete was undone"

    message = gw.get(f"/messages/{refused}")
    assert message["status"] == "failed" and message["apprec"]["status"] == "2"
    [delivery] = message["deliveries"]
    assert delivery["status"] == "dead" and delivery["last_error"]["code"] == "delivery.fhir-store.not-fhir"

    message = gw.get(f"/messages/{broken}")
    [delivery] = message["deliveries"]
    assert message["status"] == "routed" and delivery["status"] == "pending"
    assert delivery["last_error"]["code"] == "delivery.transport-crashed"
    assert "delivery.retry" in gw.events(broken)


def test_a_worker_killed_while_it_settles_a_batch_leaves_nothing_and_the_next_stores_it_once(
    database_url: str, gateway_factory: GatewayFactory, tmp_path: Path
) -> None:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES)
    mids = [gw.post(hodemelding(patient_seed=s)).json()["id"] for s in (21, 22, 23)]
    env = {
        **os.environ,
        "SAMBAND_ROUTES": str(gw.services.settings.routes),
        "SAMBAND_HER_ID": gw.services.settings.her_id or "",
        CRASH_VARIABLE: "settled",
    }
    command = [sys.executable, "-c", "from samband.gateway.cli.main import main; main()", "worker"]
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        ended = subprocess.run(
            [*command, "--database-url", database_url],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
    assert ended.returncode == 70, log.read_text()

    for mid in mids:  # the tries were started (committed); nothing stored, settled nor answered
        message = gw.get(f"/messages/{mid}")
        assert message["status"] == "routed" and message["apprec"] is None
        [delivery] = message["deliveries"]
        assert [a["outcome"] for a in delivery["attempts"]] == ["sending"]
        assert _patient_ids(gw, mid) == []
        assert "delivery.delivered" not in gw.events(mid)

    gw.clock.advance(gw.worker.lease.total_seconds() + 600)  # the dead worker's claim runs out
    gw.drain()
    for mid in mids:
        message = gw.get(f"/messages/{mid}")
        assert message["status"] == "delivered" and message["apprec"]["status"] == "1"
        [delivery] = message["deliveries"]
        assert [a["outcome"] for a in delivery["attempts"]] == ["in-doubt", "delivered"]
        [pid] = _patient_ids(gw, mid)
        assert gw.get(f"/fhir/Patient/{pid}")["meta"]["versionId"] == "1", "stored once"
        assert gw.events(mid).count("apprec.produced") == 1


def test_a_message_whose_apprec_cannot_be_built_does_not_keep_the_rest_of_its_batch_from_theirs(
    database_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(database_url, FHIR_STORE_ROUTES)
    ok_a, pruned, ok_b = (gw.post(hodemelding(patient_seed=s)).json()["id"] for s in (31, 32, 33))
    with gw.services.engine.begin() as conn:  # its bytes are gone by the time it is delivered
        conn.execute(update(messages).where(messages.c.id == pruned).values(raw=b"", pruned_at=gw.clock()))

    assert gw.worker.deliver_due() == 3  # one batch

    for mid in (ok_a, ok_b):
        message = gw.get(f"/messages/{mid}")
        assert message["status"] == "delivered" and message["apprec"]["status"] == "1"
        assert gw.events(mid).count("apprec.produced") == 1
    message = gw.get(f"/messages/{pruned}")
    assert message["status"] == "delivered" and message["apprec"] is None
    events = gw.events(pruned)
    assert "apprec.impossible" in events and "apprec.produced" not in events
    assert events.index("delivered") < events.index("apprec.impossible")
