"""The retry policy: deterministic schedule, a hard cap, and no retry of permanent errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from samband.gateway.delivery.retry import (
    DEFAULT_SCHEDULE,
    RetrySchedule,
    format_duration,
    next_attempt_at,
    parse_duration,
)
from samband.kernel.errors import (
    ConfigurationError,
    DeliveryMisconfigured,
    DeliveryRefused,
    DeliveryUnavailable,
    MappingError,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SCHEDULE = RetrySchedule.parse(["30s", "2m", "10m", "1h"], max_attempts=6)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("2m", 120), ("1h", 3600), ("1.5h", 5400), ("1d", 86400), ("250ms", 0.25), (" 10 m ", 600)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "5 minutes", "-1s", "1w", "s"])
def test_parse_duration_refuses_with_what_was_expected(text: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_duration(text)
    assert caught.value.code == "config.invalid-duration"
    assert "30s" in (caught.value.expected or "")


def test_format_duration_is_the_inverse_for_whole_units() -> None:
    for text in ("30s", "2m", "1h", "1d", "250ms"):
        assert format_duration(parse_duration(text)) == text


def test_transient_error_waits_per_schedule_then_repeats_the_last_delay() -> None:
    error = DeliveryUnavailable("HTTP 503")
    waits = [next_attempt_at(SCHEDULE, attempt, error, NOW) for attempt in range(1, 6)]
    assert waits == [
        NOW + timedelta(seconds=30),
        NOW + timedelta(minutes=2),
        NOW + timedelta(minutes=10),
        NOW + timedelta(hours=1),
        NOW + timedelta(hours=1),
    ]


def test_cap_reached_gives_up() -> None:
    assert next_attempt_at(SCHEDULE, 6, DeliveryUnavailable("down"), NOW) is None
    assert next_attempt_at(SCHEDULE, 7, DeliveryUnavailable("down"), NOW) is None


def test_the_gateways_own_access_failing_is_tried_again_past_the_cap() -> None:
    """A 401/403 to the gateway's HelseID client is no fault of the message: never a dead letter."""
    refused = DeliveryMisconfigured("HTTP 401", code="nhn-msh.unauthorized")
    assert next_attempt_at(SCHEDULE, 6, refused, NOW) == NOW + timedelta(hours=1)
    assert next_attempt_at(SCHEDULE, 60, refused, NOW) == NOW + timedelta(hours=1)
    assert next_attempt_at(SCHEDULE, 1, refused, NOW) == NOW + timedelta(seconds=30)


@pytest.mark.parametrize("error", [DeliveryRefused("HTTP 400"), MappingError("unmappable")])
def test_permanent_errors_are_never_retried(error: Exception) -> None:
    assert next_attempt_at(SCHEDULE, 1, error, NOW) is None  # type: ignore[arg-type]


def test_same_inputs_same_answer() -> None:
    error = DeliveryUnavailable("timeout")
    assert next_attempt_at(SCHEDULE, 2, error, NOW) == next_attempt_at(SCHEDULE, 2, error, NOW)


def test_total_span_is_the_time_before_dead_letter() -> None:
    # Waits after tries 1..5: 30s + 2m + 10m + 1h + 1h.
    assert SCHEDULE.total_span() == timedelta(hours=2, minutes=12, seconds=30)


def test_default_schedule_is_capped() -> None:
    assert DEFAULT_SCHEDULE.max_attempts >= 2
    assert (
        next_attempt_at(DEFAULT_SCHEDULE, DEFAULT_SCHEDULE.max_attempts, DeliveryUnavailable("x"), NOW)
        is None
    )


@pytest.mark.parametrize(
    ("delays", "max_attempts"), [((), 3), ((timedelta(seconds=1),), 0), ((timedelta(seconds=-1),), 3)]
)
def test_invalid_schedules_are_refused(delays: tuple[timedelta, ...], max_attempts: int) -> None:
    with pytest.raises(ConfigurationError):
        RetrySchedule(delays, max_attempts)
