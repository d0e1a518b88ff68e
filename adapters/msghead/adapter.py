"""Hodemelding as an ``adapters.base.Adapter`` (format key ``msghead``), for format registries."""

from __future__ import annotations

from samband.adapters.msghead.envelope import read_envelope
from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.msghead.serialize import serialize_msghead
from samband.adapters.msghead.validate import validate_msghead
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format
from samband.kernel.problems import Problem


class MsgHeadAdapter:
    """bytes ↔ ``MsgHead``: tolerant ``parse``, strict ``serialize``, cheap ``envelope``."""

    format = Format.MSGHEAD

    def parse(self, raw: bytes) -> MsgHead:
        return parse_msghead(raw)

    def envelope(self, raw: bytes) -> Envelope:
        return read_envelope(raw)

    def serialize(self, native: MsgHead) -> bytes:
        return serialize_msghead(native)

    def validate(self, raw: bytes) -> list[Problem]:
        return validate_msghead(raw)


MSGHEAD_ADAPTER = MsgHeadAdapter()
