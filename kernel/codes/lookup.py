"""The code tables in this folder, loaded once, and the look-ups adapters and mappings share.

Each ``<id>-<name>.yaml`` is one Volven code system (``codes``: code → display) with its ``source``,
``version`` and whether it claims to be ``complete``; ``fields`` names the elements it codes when
they carry no ``S`` (kith:CS). Systems follow ``urn:oid:2.16.578.1.12.4.1.1.<id>``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VOLVEN_OID = "2.16.578.1.12.4.1.1"


@dataclass(frozen=True)
class CodeTable:
    """One code system: ``codes`` maps code → display; ``fhir`` optionally maps code → FHIR code.

    ``complete`` says every code that may be received is listed, so an unknown one is an error of
    the sender; an incomplete table only knows the codes the project has met.
    """

    id: str
    oid: str
    name: str
    source: str
    version: str
    complete: bool
    codes: dict[str, str]
    fhir: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()

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
        complete=bool(data["complete"]),
        codes={str(k): str(v) for k, v in data["codes"].items()},
        fhir={str(k): str(v) for k, v in (data.get("fhir") or {}).items()},
        fields=tuple(str(f) for f in data.get("fields") or ()),
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


def oid(table_id: str) -> str:
    """The bare OID a KITH CV carries in ``S`` (``2.16.578.1.12.4.1.1.<id>``)."""
    return f"{VOLVEN_OID}.{table_id}"


def table_id_of(system: str | None) -> str | None:
    """The Volven number in a ``urn:oid:`` system or a bare OID (``S`` attribute), else None."""
    if not system:
        return None
    bare = system.removeprefix("urn:oid:")
    prefix = VOLVEN_OID + "."
    return bare[len(prefix) :] if bare.startswith(prefix) else None


def display(table_id: str, code: str) -> str | None:
    """The display text of a code, or None when the table does not know it."""
    known = tables().get(table_id)
    return known.codes.get(code) if known else None


def known(table_id: str, code: str) -> bool | None:
    """True when the table lists ``code``, False when it does not, None when there is no such table."""
    found = tables().get(table_id)
    return None if found is None else code in found.codes


def to_fhir_code(table_id: str, code: str) -> str | None:
    """A table's own translation to a FHIR code (e.g. 3101 Kjønn → AdministrativeGender)."""
    return table(table_id).fhir.get(code)


def from_fhir_code(table_id: str, fhir_code: str) -> str | None:
    """The first code whose FHIR translation is ``fhir_code``."""
    return next((k for k, v in table(table_id).fhir.items() if v == fhir_code), None)
