"""AppRec Status (kodeverk 8258) and Error (8221) codes from ``kernel/codes``, plus the Norwegian error
text a GP or vendor can act on: the 8221 hint (``texts.yaml``), then the catalogue's text for the
error's code, where, what was expected and received.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from samband.adapters.apprec.model import ERROR_SYSTEM
from samband.adapters.kith.datatypes import Code
from samband.kernel.catalogue import text_no
from samband.kernel.codes import lookup
from samband.kernel.errors import GatewayError

_FILE = Path(__file__).with_name("texts.yaml")


@functools.cache
def _texts() -> dict[str, Any]:
    data = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{_FILE} is not a mapping")
    return data


def status_code(value: str) -> Code:
    """Status (8258) as written in AppRec/Status (kith:CS, so no S)."""
    return Code(v=value, dn=lookup.display("8258", value) or value)


def error_code(value: str, text_no: str | None = None) -> Code:
    """Error (8221) with its display text and the free text in OT."""
    return Code(v=value, s=ERROR_SYSTEM, dn=lookup.display("8221", value) or value, ot=text_no)


def error_hint(value: str) -> str:
    return str(_texts()["hints"].get(value, ""))


def norwegian_text(error: GatewayError, value: str) -> str:
    """The sender-facing text: hint for the 8221 code, then what, where, expected, received."""
    problem = text_no(error.code)
    technical = error.detail.rstrip(". ")
    detail = f"Feil: {problem} Detalj: {technical}." if problem else f"Feil: {technical}."
    parts = [error_hint(value), detail]
    where = []
    if error.line is not None:
        where.append(f"linje {error.line}" + (f", kolonne {error.column}" if error.column else ""))
    if error.where:
        where.append(error.where)
    if where:
        parts.append("Sted: " + ", ".join(where) + ".")
    if error.expected:
        parts.append(f"Forventet: {error.expected}.")
    if error.received:
        parts.append(f"Mottatt: {error.received[:200]}.")
    parts.append(f"(Feilkode {error.code})")
    return " ".join(p for p in parts if p)
