"""The feedback feature's settings group (``SAMBAND_FEEDBACK_*``): the rules file, and the
Adresseregister's (``SAMBAND_ADRESSEREGISTER_API``, ``SAMBAND_AR_*``: which API, its address and
credentials, the cache TTL) from ``integrations/adresseregister/settings.py``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from samband.integrations.adresseregister import RegisterSettings


class FeedbackSettings(RegisterSettings):
    """Feedback configuration, read from the environment (checked when the service starts)."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    feedback_rules: Path | None = Field(default=None, description="rules file; default the packaged one")
