"""The in-process rates: raw lxml parse + XSD validation of a message (the yardstick), ``samband
validate``'s check, and the PLO → FHIR translation of the same message: as the service runs it
(``translate``: output put in order without fhir.resources models) and with every Bundle validated
against the R4B models (``translate_validated``: ``samband translate``, and the service's sample)."""

from __future__ import annotations

import time
from collections.abc import Callable

from lxml import etree


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``work`` over about ``seconds`` (after one untimed call)."""
    work()
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        work()
        done += 1
    return done / (time.perf_counter() - started)


def lxml_validate(raw: bytes) -> Callable[[], object]:
    """Plain lxml: parse and validate against the compiled official schema set."""
    from samband.adapters.xml.schemas import compiled_schema, document_namespaces

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    schema = compiled_schema(document_namespaces(etree.fromstring(raw, parser)))
    return lambda: schema.validate(etree.fromstring(raw, parser))


def translate_rates(raw: bytes, seconds: float) -> dict[str, float]:
    from samband.adapters.formats import validate
    from samband.mappings.base import fixed_context
    from samband.mappings.registry import to_fhir

    return {
        "yardstick": rate(lxml_validate(raw), seconds),
        "validate": rate(lambda: validate(raw), seconds),
        "translate": rate(lambda: to_fhir(raw, fixed_context(validate=False)), seconds),
        "translate_validated": rate(lambda: to_fhir(raw, fixed_context()), seconds),
    }
