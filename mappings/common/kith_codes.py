"""KITH codes kept exactly as sent (``V``, ``S``, ``DN``) beside the coarser FHIR element they map to.

FHIR has one ``home`` for the Bostedsadresse (H) and the Folkeregisteradresse (HP) of 3401, and one
for Hjemme (H) and Hovedtelefon (HP) of 9061; an Ident's TypeId may name its code system by either
8116 or 9051 (HER is in both). The FHIR element gets its FHIR value, and the code as sent rides
along as a Coding: in ``Identifier.type`` for a TypeId, in the ``kith-kode`` extension for the rest.
On the way back the exact code is used while it still agrees with the FHIR value; a Bundle edited
since (or born in FHIR) is written from its FHIR value.
"""

from __future__ import annotations

from samband.adapters.kith.datatypes import Code
from samband.kernel.codes import lookup
from samband.mappings.common.systems import EXT_KITH_CODE, LOCAL_KITH
from samband.mappings.common.view import JsonDict, as_dict, as_list, text_of


def exact_coding(code: Code | None, table_id: str, *, cv: bool = False, element: str = "") -> JsonDict | None:
    """The code as a Coding without adding or correcting anything: a kith:CS in its Volven table, a
    kith:CV in the system its ``S`` names (``LOCAL_KITH<element>`` when it names none); ``display``
    only when ``DN`` was sent. None for an absent or empty code."""
    if code is None or not (code.v or code.dn):
        return None
    if cv and not code.s:
        system = f"{LOCAL_KITH}{element}"
    else:
        system = f"urn:oid:{code.s}" if cv else lookup.system_uri(table_id)
    out: JsonDict = {"system": system}
    if code.v:
        out["code"] = code.v
    if code.dn is not None:
        out["display"] = code.dn
    return out


def exact_code(coding: object, *, cv: bool = False) -> Code | None:
    """A Coding made by ``exact_coding`` back into the code as sent (``S`` only for a kith:CV)."""
    found = as_dict(coding)
    if not found:
        return None
    system = text_of(found.get("system")) or ""
    oid = system.removeprefix("urn:oid:") if system.startswith("urn:oid:") else None
    display = found.get("display")
    return Code(
        v=text_of(found.get("code")),
        dn=display if isinstance(display, str) else None,
        s=oid if cv else None,
    )


def code_extension(code: Code | None, table_id: str) -> list[JsonDict]:
    """``[kith-kode extension]`` for a kith:CS, or ``[]``."""
    coding = exact_coding(code, table_id)
    return [{"url": EXT_KITH_CODE, "valueCoding": coding}] if coding else []


def carried(element: object, table_id: str) -> Code | None:
    """The code of the element's ``kith-kode`` extension when it is one of ``table_id``."""
    for extension in as_list(as_dict(element).get("extension")):
        if extension.get("url") != EXT_KITH_CODE:
            continue
        coding = as_dict(extension.get("valueCoding"))
        if lookup.table_id_of(text_of(coding.get("system"))) == table_id:
            return exact_code(coding)
    return None


def agreeing(element: object, table_id: str, fhir_value: str | None) -> Code | None:
    """The carried code while its FHIR translation is still ``fhir_value`` (the element was not
    edited since): a code without a translation agrees with an absent value."""
    code = carried(element, table_id)
    if code is None:
        return None
    table = lookup.tables().get(table_id)
    translated = table.fhir.get(code.v) if table is not None and code.v else None
    return code if translated == fhir_value else None
