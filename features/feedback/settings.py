"""The feedback feature's settings group (``SAMBAND_FEEDBACK_*``, ``SAMBAND_AR_*``): the rules file,
the Adresseregister endpoint and credentials, the cache TTL.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FeedbackSettings(BaseSettings):
    """Feedback configuration, read from the environment (checked when the service starts)."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    feedback_rules: Path | None = Field(default=None, description="rules file; default the packaged one")
    ar_endpoint: str | None = Field(default=None, description="Adresseregister BasicHttpBinding endpoint")
    ar_username: str | None = None
    ar_password: str | None = None
    ar_cache_hours: float = Field(default=12.0, gt=0, description="AR answers are fresh this long")
    ar_timeout_seconds: float = Field(default=5.0, gt=0)
