"""The features the service runs, by name: it reads their settings groups, runs their migrations
beside the core's, mounts their routers, starts their jobs and checks their alert conditions
(``create_app``, the CLI).
"""

from __future__ import annotations

from pathlib import Path

from samband.features.feedback.feature import FEATURE as FEEDBACK
from samband.features.referrals.feature import FEATURE as REFERRALS
from samband.gateway.alerts.conditions import Condition
from samband.gateway.feature import Feature

FEATURES: dict[str, Feature] = {
    "feedback": FEEDBACK,
    "referrals": REFERRALS,
}
MIGRATIONS: tuple[Path, ...] = tuple(f.migrations for f in FEATURES.values() if f.migrations)
ALERT_CONDITIONS: dict[str, Condition] = {
    name: condition for f in FEATURES.values() for name, condition in (f.alerts or {}).items()
}
