"""Placeholder replaced below."""

from __future__ import annotations

from adapters.msghead.model import MsgHead
from mappings.common.state import MapState


def dialog_to_fhir(head: MsgHead, state: MapState) -> dict[str, object]:
    raise NotImplementedError
