"""The gateway's one validated configuration object, read from SAMBAND_* environment variables.

``create_app(settings)`` and the workers receive it; nothing reads the environment at import time.
Routes and retry schedules are data (the route file), not settings.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./var/samband.db"


class Settings(BaseSettings):
    """Everything the running service needs; each field is also ``SAMBAND_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    routes: Path | None = Field(default=None, description="route file (YAML); none: deliver to FHIR store")
    her_id: str = Field(default="8140000", description="the gateway's own HER-id, sender of its AppRecs")
    served_her_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="HER-ids of the parties the gateway receives for (comma-separated); empty: any",
    )
    hold_seconds: float = Field(
        default=3600.0, gt=0, description="a change or cancellation waits this long for its original"
    )
    organisation_name: str = "Samband"
    dev_api_key: str | None = Field(
        default=None, description="development Bearer key (every role); generated at start when unset"
    )
    dev_key_any_host: bool = Field(
        default=False, description="let `serve` listen beyond loopback while the development key is on"
    )
    apprec_version: Literal["1.0", "1.1"] = Field(default="1.0", description="AppRec version we emit")
    apprec_timeout_seconds: float = Field(default=96 * 3600, gt=0, description="HIS 80415: 96 h")
    worker_enabled: bool = Field(default=True, description="run a delivery worker inside `serve`")
    worker_poll_seconds: float = Field(default=0.2, gt=0)
    worker_batch: int = Field(default=20, ge=1)
    lease_seconds: float = Field(default=30.0, gt=0, description="a claim expires after this long")
    processing_grace_seconds: float = Field(
        default=10.0, gt=0, description="received but unprocessed for this long: a worker takes it over"
    )
    delivery_timeout_seconds: float = Field(default=10.0, gt=0)
    job_interval_seconds: float = Field(default=30.0, gt=0, description="scheduled jobs (AppRec timeouts)")
    max_body_bytes: int = Field(default=20 * 1024 * 1024, gt=0)

    @field_validator("routes", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """``SAMBAND_ROUTES=`` (empty, as compose passes an unset variable) means no route file."""
        return None if value == "" else value

    @field_validator("served_her_ids", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        """``SAMBAND_SERVED_HER_IDS=91094,91098``: a comma-separated list (blanks ignored)."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str) -> str:
        """PostgreSQL goes through psycopg 3; plain ``postgresql://`` URLs are accepted as such."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def dev_key_active(self) -> bool:
        """Whether the development key opens the API (it grants every role)."""
        return True

    def api_key(self) -> str:
        """The development Bearer key; generated once per process when not configured. Never logged
        here: ``samband serve`` shows a generated key only in its console link, on loopback."""
        if self.dev_api_key is None:
            self.dev_api_key = secrets.token_urlsafe(24)
        return self.dev_api_key
