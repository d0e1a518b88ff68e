"""What a feature (``samband.features``) adds to a running gateway: its settings group, its own
Alembic branch, its router, its background job and its alert conditions. The service composes them;
the core imports none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fastapi import APIRouter
from pydantic_settings import BaseSettings

from samband.gateway.alerts.conditions import Condition
from samband.gateway.runtime import Services


class Job(Protocol):
    """A feature's background job, started beside the delivery worker and stopped with it."""

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Feature:
    """One feature's parts; each is optional (change detection is pure and has none)."""

    name: str
    settings: type[BaseSettings] | None = None
    migrations: Path | None = None
    router: APIRouter | None = None
    job: Callable[[Services], Job] | None = None
    alerts: Mapping[str, Condition] | None = None  # alert conditions of its own, beside the core's
