"""Read back ``MessageHeader.definition`` (``…/MessageDefinition/<8279 type>|<payload version>``)."""

from __future__ import annotations

from samband.mappings.common.systems import MESSAGE_DEFINITION
from samband.mappings.common.view import BundleView, text_of


def payload_version(view: BundleView, default: str) -> str:
    """The payload version the Bundle came from, or ``default`` for a Bundle built without one."""
    definition = text_of(view.header().get("definition")) or ""
    if definition.startswith(MESSAGE_DEFINITION) and "|" in definition:
        return definition.rsplit("|", 1)[1]
    return default
