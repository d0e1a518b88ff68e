"""AppRec as an ``adapters.base.Adapter`` (format key ``apprec``), for format registries."""

from __future__ import annotations

from samband.adapters.apprec.codec import parse_apprec, read_envelope, serialize_apprec
from samband.adapters.apprec.model import AppRec
from samband.adapters.apprec.validate import validate_apprec
from samband.kernel.envelope import Envelope
from samband.kernel.formats import Format
from samband.kernel.problems import Problem


class AppRecAdapter:
    """bytes ↔ ``AppRec`` (1.0 and 1.1): tolerant ``parse``, strict ``serialize``, cheap ``envelope``."""

    format = Format.APPREC

    def parse(self, raw: bytes) -> AppRec:
        return parse_apprec(raw)

    def envelope(self, raw: bytes) -> Envelope:
        return read_envelope(raw)

    def serialize(self, native: AppRec) -> bytes:
        return serialize_apprec(native)

    def validate(self, raw: bytes) -> list[Problem]:
        return validate_apprec(raw)


APPREC_ADAPTER = AppRecAdapter()
