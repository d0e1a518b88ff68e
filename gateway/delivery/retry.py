"""The retry policy of the delivery worker: a pure function of (schedule, attempt, error) → next try.

Transient errors (receiver down, timeout) are tried again on the route's schedule until its cap;
permanent errors and a reached cap give up, and the worker dead-letters the delivery. No jitter:
the same inputs always give the same time, so tests and operators can predict the next try.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from samband.kernel.errors import ConfigurationError, DeliveryMisconfigured, GatewayError, is_permanent

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> timedelta:
    """``"30s"``, ``"2m"``, ``"1.5h"``, ``"1d"`` → timedelta; anything else is a ConfigurationError."""
    match = _DURATION.match(text)
    if not match:
        raise ConfigurationError(
            f"not a duration: {text!r}",
            code="config.invalid-duration",
            expected="a number followed by ms, s, m, h or d (for example 30s, 2m, 1h)",
            received=text,
        )
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def format_duration(delay: timedelta) -> str:
    """The inverse of ``parse_duration`` for whole units: 120 s → ``"2m"``."""
    seconds = delay.total_seconds()
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds * 1000)}ms"


def _default_delays() -> tuple[timedelta, ...]:
    return tuple(parse_duration(text) for text in ("30s", "2m", "10m", "1h", "4h"))


@dataclass(frozen=True)
class RetrySchedule:
    """Waits between tries and a hard cap on the number of tries (then dead letter).

    ``delays[i]`` is the wait after try ``i + 1`` failed; once the list is used up the last delay
    repeats until ``max_attempts`` tries have been made. NAV's ebMS uses 5m/15m/1h/24h with a cap of
    32; the ebXML CPA templates resend 4 times every 12 h (HIS 1037 §5.2).
    """

    delays: tuple[timedelta, ...] = field(default_factory=_default_delays)
    max_attempts: int = 10

    def __post_init__(self) -> None:
        if not self.delays:
            raise ConfigurationError("a retry schedule needs at least one delay", code="config.retry")
        if self.max_attempts < 1:
            raise ConfigurationError(
                "max_attempts must be at least 1", code="config.retry", received=str(self.max_attempts)
            )
        if any(delay < timedelta(0) for delay in self.delays):
            raise ConfigurationError("retry delays cannot be negative", code="config.retry")

    @classmethod
    def parse(cls, delays: list[str] | tuple[str, ...], max_attempts: int) -> RetrySchedule:
        """Build from route-file text: ``RetrySchedule.parse(["30s", "2m"], max_attempts=5)``."""
        return cls(tuple(parse_duration(text) for text in delays), max_attempts)

    def delay_after(self, attempt_no: int) -> timedelta:
        """The wait after try number ``attempt_no`` (1-based) failed."""
        return self.delays[min(max(attempt_no, 1), len(self.delays)) - 1]

    def total_span(self) -> timedelta:
        """How long a delivery can stay in retry before it is dead-lettered."""
        return sum((self.delay_after(n) for n in range(1, self.max_attempts)), timedelta(0))


DEFAULT_SCHEDULE = RetrySchedule()


def reached_max_attempts(schedule: RetrySchedule, attempt_no: int) -> bool:
    """True when try number ``attempt_no`` was the last the schedule allows."""
    return attempt_no >= schedule.max_attempts


def next_attempt_at(
    schedule: RetrySchedule, attempt_no: int, error: GatewayError, now: datetime
) -> datetime | None:
    """When to try again after try ``attempt_no`` (1-based) failed with ``error``; None = give up.

    Gives up on a permanent error (``errors.REPLIES`` says no retry: the receiver refused, the
    message cannot be mapped) and when the cap is reached, except on ``DeliveryMisconfigured``:
    the gateway's own access failed, which no sender can mend, so the delivery waits (the last
    delay repeating) until an operator has fixed it.
    """
    if isinstance(error, DeliveryMisconfigured):
        return now + schedule.delay_after(attempt_no)
    if is_permanent(error) or reached_max_attempts(schedule, attempt_no):
        return None
    return now + schedule.delay_after(attempt_no)
