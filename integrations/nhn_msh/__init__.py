"""NHN's message service (Meldingstjener, "EDI 2.0"): a typed client of its REST API v2 over HelseID
(``client.py``), its answers as coded errors (``errors.py``), and a local service for tests and
demos (``local/``). docs/nhn.md tells how to set it up."""

from samband.integrations.nhn_msh.client import MshClient
from samband.integrations.nhn_msh.models import (
    AppRecError,
    ApprecInfo,
    AppRecStatus,
    BusinessDocument,
    DeliveryState,
    Message,
    MshSettings,
    StatusInfo,
)

__all__ = [
    "AppRecError",
    "AppRecStatus",
    "ApprecInfo",
    "BusinessDocument",
    "DeliveryState",
    "Message",
    "MshClient",
    "MshSettings",
    "StatusInfo",
]
