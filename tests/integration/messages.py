"""Test Hodemeldinger: a reference PLO sample with a fresh MsgId and a synthetic patient (valid FNR).

The sample is read from ../shared/reference (never copied); only MsgId and the patient ident change.
"""

from __future__ import annotations

import random
import re
import uuid
from pathlib import Path

from tests.conftest import SAMPLES

TEMPLATE = SAMPLES / "plo" / "1_6" / "Helseopplysninger_til_lege_v1-6_Ny.xml"
SENDER_HER = "5078"
RECEIVER_HER = "91100"


def fhir_store_routes(source_format: str = "msghead") -> str:
    """Routes that take every message of ``source_format`` in and keep its translation in the FHIR
    store (no receiver needed)."""
    return f"""
routes:
  - name: fhir-store
    match: {{source_formats: [{source_format}]}}
    target_format: fhir
    transport: fhir-store
"""


FHIR_STORE_ROUTES = fhir_store_routes()
_MSG_ID = re.compile(rb"<MsgId>[^<]+</MsgId>")
_FNR = re.compile(rb"<Id>13116900216</Id>")

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def synthetic_fnr(seed: int) -> str:
    """A synthetic fødselsnummer with valid mod-11 check digits (day + 40: a test-style D-number)."""
    rng = random.Random(seed)
    while True:
        digits = [
            int(c) for c in f"{rng.randint(1, 28) + 40:02d}{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}"
        ]
        digits += [rng.randint(0, 9) for _ in range(3)]
        k1 = 11 - sum(d * w for d, w in zip(digits, W1, strict=True)) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = 11 - sum(d * w for d, w in zip(digits, W2, strict=True)) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, [*digits, k2]))


def hodemelding(msg_id: str | None = None, patient_seed: int = 1) -> bytes:
    """A schema-valid PLO Hodemelding (HELSEOPPLYSNINGER_LEGE) from HER 5078 to HER 91100."""
    raw = Path(TEMPLATE).read_bytes()
    raw = _MSG_ID.sub(f"<MsgId>{msg_id or uuid.uuid4()}</MsgId>".encode(), raw, count=1)
    return _FNR.sub(f"<Id>{synthetic_fnr(patient_seed)}</Id>".encode(), raw, count=1)


def msg_id_of(raw: bytes) -> str:
    found = _MSG_ID.search(raw)
    assert found is not None
    return found.group(0)[7:-8].decode()
