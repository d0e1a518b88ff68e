"""Shapes every mapping shares: Translation (result plus ``Problem`` issues) and the Context that
carries clock, ids and codes.

Mappings are pure: anything impure (time, new ids, code lookup) comes in through ``Context`` so the
same input always gives the same output and golden files need no scrubbing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from samband.kernel.problems import Problem

T = TypeVar("T")


@dataclass
class Translation(Generic[T]):
    """A mapping result and the issues found on the way."""

    result: T
    issues: list[Problem] = field(default_factory=list)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _random_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Context:
    """What a mapping may ask of the world: the time, a fresh id, who the gateway is.

    ``validate``: hold the FHIR the mapping writes to the R4B models (fhir.resources). True for the
    CLI and tests; the service clears it on its hot path except for a sample
    (``SAMBAND_FHIR_VALIDATE_SAMPLE``), and the output bytes are the same either way. FHIR read in
    from outside is validated regardless.
    """

    now: Callable[[], datetime] = _utc_now
    new_id: Callable[[], str] = _random_id
    gateway_her: str | None = None
    validate: bool = True


def fixed_context(
    at: datetime | None = None, gateway_her: str | None = None, *, validate: bool = True
) -> Context:
    """A deterministic context for tests and golden files: fixed clock, sequential ids."""
    moment = at or datetime(2024, 1, 1, tzinfo=UTC)
    counter = iter(range(1, 1_000_000))

    def next_id() -> str:
        return str(uuid.UUID(int=next(counter)))

    return Context(now=lambda: moment, new_id=next_id, gateway_her=gateway_her, validate=validate)
