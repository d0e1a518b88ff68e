"""One ``FeedbackService`` per running gateway, built from the feature's settings group
(``FeedbackSettings``) the first time it is needed.
"""

from __future__ import annotations

import threading

from samband.features.feedback.rules import load_rules
from samband.features.feedback.service import FeedbackService
from samband.features.feedback.settings import FeedbackSettings
from samband.gateway.runtime import Services
from samband.gateway.store.register_cache import StoreCache
from samband.integrations.adresseregister import build_registry

_LOCK = threading.Lock()
_SERVICES: dict[int, FeedbackService] = {}


def build_feedback(svc: Services, settings: FeedbackSettings | None = None) -> FeedbackService:
    config = settings or FeedbackSettings()
    registry = build_registry(config, store=StoreCache(svc.engine), clock=svc.now)
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
