"""Shapes every mapping shares: Issue, Translation and the Context that carries clock, ids and codes.

Mappings are pure: anything impure (time, new ids, code lookup) comes in through ``Context`` so the
same input always gives the same output and golden files need no scrubbing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

SAMBAND_NAMESPACE = uuid.UUID("6f1c3c1e-2b7a-5d2e-9b0a-5a6d2c1b9e01")


class IssueSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Issue:
    """A loss or doubt found while translating: never a silent drop.

    ``path`` names the source element (XPath or JSON pointer); ``text`` is for the operator,
    ``text_no`` for the sender, in Norwegian.
    """

    path: str
    code: str
    severity: IssueSeverity
    text: str
    text_no: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "severity": str(self.severity),
            "text": self.text,
            "text_no": self.text_no,
        }


@dataclass
class Translation(Generic[T]):
    """A mapping result and the issues found on the way."""

    result: T
    issues: list[Issue] = field(default_factory=list)


def stable_id(*parts: str) -> str:
    """A deterministic UUID (v5) derived from identifiers: same parts, same id."""
    return str(uuid.uuid5(SAMBAND_NAMESPACE, "|".join(parts)))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _random_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Context:
    """What a mapping may ask of the world: the time, a fresh id, who the gateway is."""

    now: Callable[[], datetime] = _utc_now
    new_id: Callable[[], str] = _random_id
    gateway_her: str | None = None


def fixed_context(at: datetime | None = None, gateway_her: str | None = None) -> Context:
    """A deterministic context for tests and golden files: fixed clock, sequential ids."""
    moment = at or datetime(2024, 1, 1, tzinfo=UTC)
    counter = iter(range(1, 1_000_000))

    def next_id() -> str:
        return str(uuid.UUID(int=next(counter)))

    return Context(now=lambda: moment, new_id=next_id, gateway_her=gateway_her)
