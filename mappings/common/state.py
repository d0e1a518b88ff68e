"""The working state of one translation: the context, the issues found so far, and coding helpers.

Mapping functions stay pure: everything they learn about losses goes into ``issues`` here and ends
up on the ``Translation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samband.adapters.kith.datatypes import Code
from samband.kernel.codes import lookup
from samband.kernel.problems import Problem, Severity
from samband.mappings.base import Context
from samband.mappings.common.systems import CANONICAL, EXT_SYSTEM_AS_SENT
from samband.mappings.common.view import as_dict, as_list

JsonDict = dict[str, object]


def check_code(table_id: str, code: str | None, path: str) -> Problem | None:
    """An ``Problem`` when ``code`` is missing from its table; None when it is known or the table is not
    in ``kernel/codes`` (an unknown code never crashes a translation)."""
    if code is None or lookup.known(table_id, code) is not False:
        return None
    table = lookup.table(table_id)
    return Problem(
        path=path,
        code="code.unknown",
        severity=Severity.WARNING,
        text=f"code {code!r} is not in code system {table_id} ({table.name}, {table.version})",
        text_no=f"Koden {code!r} finnes ikke i kodeverk {table_id} ({table.name})",
    )


@dataclass
class MapState:
    """Context plus the issues of one translation."""

    ctx: Context
    issues: list[Problem] = field(default_factory=list)

    def issue(
        self,
        path: str,
        code: str,
        text: str,
        text_no: str = "",
        severity: Severity = Severity.WARNING,
    ) -> None:
        self.issues.append(Problem(path=path, code=code, severity=severity, text=text, text_no=text_no))

    def not_mapped(self, path: str, what: str) -> None:
        """An element with no FHIR (or no native) target: recorded, never silently dropped."""
        self.issue(
            path,
            "mapping.not-mapped",
            f"{what} has no target and is not carried over",
            f"{what} blir ikke overført",
            Severity.INFO,
        )

    def coding(self, code: Code | None, table_id: str, path: str) -> JsonDict | None:
        """A KITH CS/CV → FHIR Coding in its Volven system; an unknown code is an issue."""
        if code is None or not code.v:
            return None
        table_of_s = lookup.table_id_of(code.s)
        system_id = table_of_s or table_id
        found = check_code(system_id, code.v, path)
        if found:
            self.issues.append(found)
        out: JsonDict = {"system": lookup.system_uri(system_id), "code": code.v}
        text = code.dn or lookup.display(system_id, code.v)
        if text:
            out["display"] = text
        if code.s and code.s.strip() != lookup.oid(system_id):
            out["extension"] = [{"url": EXT_SYSTEM_AS_SENT, "valueString": code.s}]
        return out

    def any_coding(self, code: Code | None, table_id: str | None, element: str, path: str) -> JsonDict | None:
        """A KITH code of an element without a fixed table: its Volven table when ``S`` names one,
        else ``table_id``, else the project-local ``kith-<element>`` system (``S`` kept as sent)."""
        if code is None or not code.v:
            return None
        table = lookup.table_id_of(code.s) or table_id
        if table:
            return self.coding(code, table, path)
        coding = as_dict(as_list(as_dict(local_concept(code, element)).get("coding"))[0])
        if code.s:
            coding["extension"] = [{"url": EXT_SYSTEM_AS_SENT, "valueString": code.s}]
        return coding

    def concept(
        self, code: Code | None, table_id: str, path: str, text: str | None = None
    ) -> JsonDict | None:
        """A CodeableConcept from a KITH code (``OT`` original text → ``text``)."""
        coding = self.coding(code, table_id, path)
        label = text or (code.ot if code else None)
        if coding is None and not label:
            return None
        out: JsonDict = {}
        if coding:
            out["coding"] = [coding]
        if label:
            out["text"] = label
        return out


def local_concept(code: Code | None, element: str, text: str | None = None) -> JsonDict | None:
    """A KITH CS without a known code system (no ``S``) → CodeableConcept in a project-local system."""
    if code is None or not code.v:
        return {"text": text} if text else None
    coding: JsonDict = {"system": f"{CANONICAL}/CodeSystem/kith-{element}", "code": code.v}
    if code.dn:
        coding["display"] = code.dn
    out: JsonDict = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def code_from_coding(coding: object, default_table: str) -> Code | None:
    """A FHIR Coding dict → KITH Code with ``S`` set to the Volven OID (default table if none)."""
    if not isinstance(coding, dict) or not coding.get("code"):
        return None
    table_id = lookup.table_id_of(str(coding.get("system") or "")) or default_table
    display = coding.get("display") or lookup.display(table_id, str(coding["code"]))
    return Code(
        v=str(coding["code"]), dn=str(display) if display else None, s=f"{lookup.VOLVEN_OID}.{table_id}"
    )


def first_coding(concept: object, system_suffix: str | None = None) -> JsonDict | None:
    """The first Coding of a CodeableConcept dict (optionally in the Volven table ``system_suffix``)."""
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict):
            continue
        if system_suffix is None or str(coding.get("system", "")).endswith(f".{system_suffix}"):
            return coding
    return None
