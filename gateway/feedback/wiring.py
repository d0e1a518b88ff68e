"""One ``FeedbackService`` per running gateway, with its own settings (``SAMBAND_FEEDBACK_*``,
``SAMBAND_AR_*``): the rules file, the Adresseregister endpoint and credentials, the cache TTL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from samband.integrations.adresseregister import ArClient, CachedRegistry
from samband.gateway.feedback.rules import load_rules
from samband.gateway.feedback.service import FeedbackService
from samband.gateway.runtime import Services

_LOCK = threading.Lock()
_SERVICES: dict[int, FeedbackService] = {}


class FeedbackSettings(BaseSettings):
    """Feedback configuration, read from the environment when the service is first needed."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    feedback_rules: Path | None = Field(default=None, description="rules file; default the packaged one")
    ar_endpoint: str | None = Field(default=None, description="Adresseregister BasicHttpBinding endpoint")
    ar_username: str | None = None
    ar_password: str | None = None
    ar_cache_hours: float = Field(default=12.0, gt=0, description="AR answers are fresh this long")
    ar_timeout_seconds: float = Field(default=5.0, gt=0)


def build_feedback(svc: Services, settings: FeedbackSettings | None = None) -> FeedbackService:
    config = settings or FeedbackSettings()
    registry = None
    if config.ar_endpoint:
        client = ArClient(
            config.ar_endpoint,
            username=config.ar_username,
            password=config.ar_password,
            timeout=config.ar_timeout_seconds,
        )
        registry = CachedRegistry(client, ttl=timedelta(hours=config.ar_cache_hours), clock=svc.now)
    return FeedbackService(svc, rules=load_rules(config.feedback_rules), registry=registry)


def feedback_for(svc: Services) -> FeedbackService:
    """The gateway's feedback service (built once per ``Services``)."""
    with _LOCK:
        found = _SERVICES.get(id(svc))
        if found is None or found.svc is not svc:
            found = build_feedback(svc)
            _SERVICES[id(svc)] = found
        return found


def use_feedback(svc: Services, feedback: FeedbackService) -> None:
    """Install a given feedback service (tests: a local Adresseregister, a fixed rule set)."""
    with _LOCK:
        _SERVICES[id(svc)] = feedback
