"""GP feedback as the service mounts it: its settings group, its Alembic branch, the patient timeline
router, the feedback job beside the delivery worker and its alert condition.
"""

from __future__ import annotations

from pathlib import Path

from samband.features.feedback.alerts import FEEDBACK_CONDITIONS
from samband.features.feedback.loop import FeedbackLoop
from samband.features.feedback.router import router
from samband.features.feedback.settings import FeedbackSettings
from samband.gateway.feature import Feature, Job
from samband.gateway.runtime import Services


def start_loop(svc: Services) -> Job:
    return FeedbackLoop(svc).start()


FEATURE = Feature(
    name="feedback",
    settings=FeedbackSettings,
    migrations=Path(__file__).resolve().parent / "migrations",
    router=router,
    job=start_loop,
    alerts=FEEDBACK_CONDITIONS,
)
