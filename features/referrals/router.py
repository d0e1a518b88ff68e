"""POST /referrals: an identification flag from a GP tool; only a consented referral leaves the gateway."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from samband.features.feedback.wiring import feedback_for
from samband.features.referrals.flag import IdentificationFlag
from samband.features.referrals.service import submit
from samband.gateway.bodies import SafeJsonRoute
from samband.gateway.deps import ServicesDep, Submitter

router = APIRouter(tags=["referrals"], route_class=SafeJsonRoute)


@router.post("/referrals", status_code=status.HTTP_202_ACCEPTED)
async def post_referral(flag: IdentificationFlag, svc: ServicesDep, _caller: Submitter) -> JSONResponse:
    """``202 {status: sent, msg_id, …}`` for a referral queued to the KE; ``200 {status: kept-local,
    reason}`` when the flag stays in the GP office; ``422`` (``referral.no-consent``) when the GP
    referred but the consent is missing."""
    answer: dict[str, Any] = await run_in_threadpool(submit, feedback_for(svc), flag)
    code = status.HTTP_202_ACCEPTED if answer["status"] == "sent" else status.HTTP_200_OK
    return JSONResponse(answer, status_code=code)
