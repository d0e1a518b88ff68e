"""Test messages: a small set of built-in synthetic Hodemeldinger (an invented patient, test HER-ids)
that an operator sends to one route to see it work end to end, without a sender.

A test message is kept as a stored document (event ``test-message``), then replayed to the one route
(``gateway/replay.py``), so it runs the whole spine after the store: translation to the route's
format, delivery with retries, the timeline. No AppRec goes anywhere (it has no real sender), and
the audit trail records who sent which example where (``test-message``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from samband.adapters.dialogmelding.model import Dialogmelding, Notat, RichText
from samband.adapters.ident.person import synthetic_fnr
from samband.adapters.msghead import Code, Ident, Organisation, Person, build_msghead, serialize_msghead
from samband.adapters.plo import build as plo
from samband.gateway import pipeline, replay
from samband.gateway.audit import Who, record
from samband.gateway.bulk import check_routes
from samband.gateway.outcome import Outcome
from samband.gateway.runtime import Services
from samband.gateway.store import repository as repo
from samband.gateway.store.audit import Action, Entry
from samband.kernel.errors import NoRouteMatched

HER = Code.of("HER", "HER-id", 9051)
TEST_SENDER = Organisation(name="Testsykehuset (Samband testmelding)", idents=(Ident("8149990", HER),))
TEST_OFFICE = Organisation(name="Testlegekontoret (Samband testmelding)", idents=(Ident("8149991", HER),))
TEST_RECEIVER = Organisation(name="Testkommunen (Samband testmelding)", idents=(Ident("8149992", HER),))
TEST_PATIENT_FNR = synthetic_fnr(date(1950, 1, 1), 0)
TEST_PATIENT = Person(
    family_name="Testesen",
    given_name="Test",
    idents=(Ident(TEST_PATIENT_FNR, Code.of("FNR", "Fødselsnummer", 8116)),),
)


@dataclass(frozen=True)
class Example:
    """One built-in test message: what it is (for the operator) and how it is made, fresh each time."""

    title: str
    msg_type: str
    build: Callable[[datetime], bytes]


def _admitted(now: datetime) -> bytes:
    moment = now.astimezone(UTC).isoformat(timespec="seconds")
    payload = plo.build_logistikk("LOG_INNLAGT", [plo.hendelse("1", moment)])
    head = build_msghead(
        msg_type=Code.of("LOG_INNLAGT", None, 8279),
        sender=TEST_SENDER,
        receiver=TEST_RECEIVER,
        payload=payload,
        patient=TEST_PATIENT,
        now=now,
    )
    return serialize_msghead(head)


def _notat(now: datetime) -> bytes:
    text = "Testmelding fra Samband. Ingen handling er nødvendig."
    payload = Dialogmelding(
        version="1.1",
        notater=(
            Notat(tema_kodet=Code.of("1", "Notat om pasient", 7321), tekst_notat_innhold=RichText(text)),
        ),
    )
    head = build_msghead(
        msg_type=Code.of("DIALOG_NOTAT", "Notat", 8279),
        sender=TEST_OFFICE,
        receiver=TEST_RECEIVER,
        payload=payload,
        patient=TEST_PATIENT,
        now=now,
    )
    return serialize_msghead(head)


EXAMPLES: dict[str, Example] = {
    "plo-innlagt": Example("PLO 1.6 Melding om innlagt pasient (Pasientlogistikk)", "LOG_INNLAGT", _admitted),
    "dialog-notat": Example("Dialogmelding 1.1 Notat from a GP office", "DIALOG_NOTAT", _notat),
}
"""The built-in examples by name (``POST /routes/{name}/test-message`` with ``{"example": name}``)."""


def example_of(name: str) -> Example:
    found = EXAMPLES.get(name)
    if found is None:
        raise NoRouteMatched(
            f"no built-in test message {name!r}",
            code="test-message.unknown-example",
            expected=", ".join(EXAMPLES),
            received=name,
        )
    return found


def send_example(svc: Services, who: Who, route: str, name: str) -> Outcome:
    """Store a fresh copy of example ``name`` and send it through ``route`` only; audited once."""
    example = example_of(name)
    check_routes(svc, [route])
    raw = example.build(svc.now())
    stored = replay.store_only(svc, raw, "application/xml", actor=who.actor, example=name)
    order = replay.ReplayOrder(destinations=[route])
    new_id = replay.store_replay(svc, stored, who, order, audited=False)
    now = svc.now()
    with svc.engine.begin() as conn:
        repo.add_event(conn, stored, "test-message", now, actor=who.actor, example=name, route=route)
    detail = {"example": name, "route": route, "stored": stored, "replay": new_id}
    record(svc, who, Entry(Action.TEST_MESSAGE, target=route, patient=TEST_PATIENT_FNR, detail=detail))
    return pipeline.process(svc, new_id)
