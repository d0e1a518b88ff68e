"""Metrics: one registry per app, the figures operators asked for, rendered for /metrics."""

from __future__ import annotations

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from samband.gateway.metrics import Metrics, QueueSnapshot, render_metrics


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    body, _content_type = render_metrics(metrics)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def test_counts_by_message_type_and_route() -> None:
    metrics = Metrics()
    metrics.received("PLO", "ebxml")
    metrics.received("PLO", "ebxml")
    metrics.translated("PLO", "kommune-fhir")
    metrics.delivered("PLO", "kommune-fhir", latency_seconds=2.0)
    metrics.failed("DIALOG_FORESPORSEL", None, "schema.invalid")
    metrics.failed("PLO", "kommune-fhir", "delivery.http-unavailable")
    samples = _samples(metrics)
    assert (
        samples[("samband_messages_received_total", (("message_type", "PLO"), ("source_format", "ebxml")))]
        == 2
    )
    route = (("message_type", "PLO"), ("route", "kommune-fhir"))
    assert samples[("samband_messages_translated_total", route)] == 1
    assert samples[("samband_messages_delivered_total", route)] == 1
    rejected = (("code", "schema.invalid"), ("message_type", "DIALOG_FORESPORSEL"), ("route", "none"))
    assert samples[("samband_messages_failed_total", rejected)] == 1


def test_received_to_delivered_latency_is_a_histogram_per_route() -> None:
    metrics = Metrics()
    metrics.delivered("PLO", "fhir-store", latency_seconds=0.2)
    metrics.delivered("PLO", "fhir-store", latency_seconds=7200)
    samples = _samples(metrics)
    labels = (("route", "fhir-store"),)
    assert samples[("samband_received_to_delivered_seconds_count", labels)] == 2
    assert samples[("samband_received_to_delivered_seconds_sum", labels)] == 7200.2
    assert samples[("samband_received_to_delivered_seconds_bucket", (("le", "0.25"), *labels))] == 1
    assert samples[("samband_received_to_delivered_seconds_bucket", (("le", "3600.0"), *labels))] == 1


def test_queue_gauges_are_read_from_the_store_at_scrape_time() -> None:
    metrics = Metrics()
    assert ("samband_queue_depth", ()) not in _samples(metrics)  # no probe yet: no made-up zeros
    state = {"depth": 3}
    metrics.set_queue_probe(
        lambda: QueueSnapshot(state["depth"], 4000.0, failing_after_one_hour=1, dead_letters=2)
    )
    samples = _samples(metrics)
    assert samples[("samband_queue_depth", ())] == 3
    assert samples[("samband_oldest_undelivered_age_seconds", ())] == 4000.0
    assert samples[("samband_failing_after_one_hour", ())] == 1
    assert samples[("samband_dead_letters", ())] == 2
    state["depth"] = 0
    assert _samples(metrics)[("samband_queue_depth", ())] == 0


def test_an_empty_queue_reports_age_zero() -> None:
    metrics = Metrics()
    metrics.set_queue_probe(lambda: QueueSnapshot(0, None, 0))
    assert _samples(metrics)[("samband_oldest_undelivered_age_seconds", ())] == 0


def test_apprec_missing_and_dead_letters_are_counted() -> None:
    metrics = Metrics()
    metrics.apprec_missing("PLO", "fastlege-ebxml")
    metrics.dead_lettered("fastlege-ebxml")
    samples = _samples(metrics)
    assert (
        samples[("samband_apprec_missing_total", (("message_type", "PLO"), ("route", "fastlege-ebxml")))] == 1
    )
    assert samples[("samband_messages_dead_lettered_total", (("route", "fastlege-ebxml"),))] == 1


def test_each_app_has_its_own_registry_and_none_touches_the_global_one() -> None:
    first, second = Metrics(), Metrics()
    first.received("PLO", "ebxml")
    assert ("samband_messages_received_total", (("message_type", "PLO"), ("source_format", "ebxml"))) not in (
        _samples(second)
    )
    assert REGISTRY.get_sample_value("samband_messages_received_total", {"message_type": "PLO"}) is None


def test_unknown_message_type_is_labelled_not_dropped() -> None:
    metrics = Metrics()
    metrics.received(None, None)
    assert (
        _samples(metrics)[
            ("samband_messages_received_total", (("message_type", "unknown"), ("source_format", "unknown")))
        ]
        == 1
    )


def test_render_gives_the_prometheus_text_format() -> None:
    body, content_type = render_metrics(Metrics())
    assert content_type.startswith("text/plain")
    assert b"# TYPE samband_messages_received_total counter" in body
