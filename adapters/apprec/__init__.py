"""Applikasjonskvittering (AppRec 1.0 and 1.1): model, tolerant parse, strict serialize, envelope,
validation, and the builders for positive, negative and fallback receipts.
"""

import samband.adapters.msghead  # noqa: F401  (load order: the Hodemelding package first)
from samband.adapters.apprec.adapter import APPREC_ADAPTER, AppRecAdapter
from samband.adapters.apprec.build import (
    answered_facts,
    build_apprec,
    build_negative_apprec,
    inst_of,
    original_facts,
)
from samband.adapters.apprec.codec import parse_apprec, read_envelope, serialize_apprec
from samband.adapters.apprec.model import (
    APPREC_10_NS,
    APPREC_11_NS,
    HCP,
    AdditionalId,
    AppRec,
    ApprecAddress,
    ApprecParty,
    Dept,
    HCPerson,
    HCProf,
    Inst,
    OriginalMsgId,
)
from samband.adapters.apprec.validate import validate_apprec

__all__ = [
    "APPREC_ADAPTER",
    "AppRecAdapter",
    "APPREC_10_NS",
    "APPREC_11_NS",
    "HCP",
    "AdditionalId",
    "AppRec",
    "ApprecAddress",
    "ApprecParty",
    "Dept",
    "HCPerson",
    "HCProf",
    "Inst",
    "OriginalMsgId",
    "build_apprec",
    "build_negative_apprec",
    "inst_of",
    "answered_facts",
    "original_facts",
    "parse_apprec",
    "read_envelope",
    "serialize_apprec",
    "validate_apprec",
]
