"""Dialogmelding 1.0 and 1.1 (HIS 80603): model, element codec and the payload-registry entries.

The Hodemelding payload registry (``adapters.msghead.payloads``) lists this package's entries; the
package itself builds on the shared KITH codec only, never on ``adapters.msghead``.
"""

from samband.adapters.dialogmelding.codec import parse_dialogmelding, serialize_dialogmelding
from samband.adapters.dialogmelding.model import (
    DIALOG_10_NS,
    DIALOG_11_NS,
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
    RollerRelatertNotat,
    TilknyttetEnhet,
)
from samband.adapters.dialogmelding.payload import DIALOG_TYPES, DIALOGMELDING_1_0, DIALOGMELDING_1_1

__all__ = [
    "DIALOGMELDING_1_0",
    "DIALOGMELDING_1_1",
    "DIALOG_10_NS",
    "DIALOG_11_NS",
    "DIALOG_TYPES",
    "Dialogmelding",
    "Foresporsel",
    "Notat",
    "RichText",
    "RollerRelatertNotat",
    "TilknyttetEnhet",
    "parse_dialogmelding",
    "serialize_dialogmelding",
]
