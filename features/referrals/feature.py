"""Referrals as the service mounts them: the ``POST /referrals`` router. A referral's record is part
of the patient's case, kept in the feedback feature's tables (this feature builds on that one).
"""

from __future__ import annotations

from samband.features.referrals.router import router
from samband.gateway.feature import Feature

FEATURE = Feature(name="referrals", router=router)
