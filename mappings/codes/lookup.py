"""Code tables as data: loads the Volven/FAT tables in this folder and answers code look-ups.

An unknown code never crashes a translation: ``check`` returns an ``Issue`` the mapping attaches to
its ``Translation``. Systems follow the no-basis convention ``urn:oid:2.16.578.1.12.4.1.1.<id>``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from samband.mappings.base import Issue, IssueSeverity

HERE = Path(__file__).resolve().parent
VOLVEN_OID = "2.16.578.1.12.4.1.1"


@dataclass(frozen=True)
class CodeTable:
    """One code system: ``codes`` maps code → display; ``fhir`` optionally maps code → FHIR code."""

    id: str
    oid: str
    name: str
    source: str
    version: str
    codes: dict[str, str]
    fhir: dict[str, str] = field(default_factory=dict)

    @property
    def system(self) -> str:
        return f"urn:oid:{self.oid}"


def _load(path: Path) -> CodeTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return CodeTable(
        id=str(data["id"]),
        oid=str(data["oid"]),
        name=str(data["name"]),
        source=str(data["source"]),
        version=str(data["version"]),
        codes={str(k): str(v) for k, v in data["codes"].items()},
        fhir={str(k): str(v) for k, v in (data.get("fhir") or {}).items()},
    )


@functools.cache
def tables() -> dict[str, CodeTable]:
    """Every table in this folder, keyed by its Volven number (e.g. ``"9151"``)."""
    loaded = (_load(path) for path in sorted(HERE.glob("*.yaml")))
    return {table.id: table for table in loaded}


def table(table_id: str) -> CodeTable:
    """The table with this Volven number; a missing table is a programming error (KeyError)."""
    return tables()[table_id]


def system_uri(table_id: str) -> str:
    """The FHIR ``Coding.system`` of a Volven code system, known or not."""
    return f"urn:oid:{VOLVEN_OID}.{table_id}"


def table_id_of(system: str | None) -> str | None:
    """The Volven number in a ``urn:oid:`` system or a bare OID (``S`` attribute), else None."""
    if not system:
        return None
    oid = system.removeprefix("urn:oid:")
    prefix = VOLVEN_OID + "."
    return oid[len(prefix) :] if oid.startswith(prefix) else None


def display(table_id: str, code: str) -> str | None:
    """The display text of a code, or None when the table does not know it."""
    known = tables().get(table_id)
    return known.codes.get(code) if known else None


def check(table_id: str, code: str | None, path: str) -> Issue | None:
    """An ``Issue`` when ``code`` is missing from its table; None when it is known."""
    known = tables().get(table_id)
    if known is None or code is None or code in known.codes:
        return None
    return Issue(
        path=path,
        code="code.unknown",
        severity=IssueSeverity.WARNING,
        text=f"code {code!r} is not in code system {table_id} ({known.name}, {known.version})",
        text_no=f"Koden {code!r} finnes ikke i kodeverk {table_id} ({known.name})",
    )


def to_fhir_code(table_id: str, code: str) -> str | None:
    """A table's own translation to a FHIR code (e.g. 3101 Kjønn → AdministrativeGender)."""
    return table(table_id).fhir.get(code)


def from_fhir_code(table_id: str, fhir_code: str) -> str | None:
    """The first code whose FHIR translation is ``fhir_code``."""
    return next((k for k, v in table(table_id).fhir.items() if v == fhir_code), None)
