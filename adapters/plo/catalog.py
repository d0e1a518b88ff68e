"""The PLO message catalog as data: payload namespace → version, root and MsgInfo/Type (kodeverk 8279).

Read from ``catalog.yaml`` next to this module (PLO XSDs 1.5/1.6/2.0, HIS 80704); the Volven code
tables the PLO rules check are in ``kernel/codes``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class MessageSpec:
    """One PLO payload schema: its namespace, version, root element and MsgInfo/Type value."""

    namespace: str
    version: str
    root: str
    kind: str | None
    dn: str
    verified: bool = True
    aliases: tuple[str, ...] = ()


def _load(name: str) -> dict[str, Any]:
    with (_HERE / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


@functools.cache
def _catalog() -> dict[str, Any]:
    return _load("catalog.yaml")


@functools.cache
def messages() -> dict[str, MessageSpec]:
    """Payload namespace → MessageSpec, for every PLO namespace with an official XSD."""
    return {
        row["namespace"]: MessageSpec(
            namespace=row["namespace"],
            version=str(row["version"]),
            root=row["root"],
            kind=row["kind"],
            dn=row["dn"],
            verified=bool(row.get("verified", True)),
            aliases=tuple(row.get("aliases") or ()),
        )
        for row in _catalog()["messages"]
    }


@functools.cache
def logistikk_kinds() -> dict[str, tuple[str, str]]:
    """Pasientlogistikk sub-element (local name) → (MsgInfo/Type, display name)."""
    return {name: (row["kind"], row["dn"]) for name, row in _catalog()["logistikk"].items()}


@functools.cache
def logistikk_hendelse() -> dict[str, str]:
    """Pasientlogistikk sub-element → the Hendelsekode (9121) it must carry."""
    return {name: str(row["hendelse"]) for name, row in _catalog()["logistikk"].items() if "hendelse" in row}


@functools.cache
def namespaces_for(version: str) -> dict[str, str]:
    """Prefix → namespace for one PLO version (``po`` is poKomponent of that version)."""
    data = _catalog()
    return {**data["shared_namespaces"], **data["versions"][version]}


def spec_for(namespace: str, version: str | None = None, root: str | None = None) -> MessageSpec | None:
    """The MessageSpec for a namespace, or the one with this version and root."""
    if namespace in messages():
        return messages()[namespace]
    for spec in messages().values():
        if spec.version == version and spec.root == root:
            return spec
    return None


def logistikk_types(version: str) -> frozenset[str]:
    """The ``LOG_*`` MsgInfo/Type values a Pasientlogistikk of ``version`` can carry."""
    rows = _catalog()["logistikk"].values()
    return frozenset(row["kind"] for row in rows if version in row.get("versions", [version]))


def message_types() -> frozenset[str]:
    """Every MsgInfo/Type value the PLO adapter reads (aliases included)."""
    kinds = {spec.kind for spec in messages().values() if spec.kind}
    aliases = {alias for spec in messages().values() for alias in spec.aliases}
    return frozenset(kinds | aliases | {kind for kind, _dn in logistikk_kinds().values()})


@functools.cache
def _canonical() -> dict[str, str]:
    return {alias: spec.kind for spec in messages().values() if spec.kind for alias in spec.aliases}


def canonical_kind(kind: str) -> str:
    """The published MsgInfo/Type for ``kind``: an alias (MELDING_FRAVAR) becomes FRAVARSMELDING."""
    return _canonical().get(kind, kind)


@functools.cache
def iplos_vurdering() -> dict[str, str]:
    """IPLOS Vurdering score → meaning (1–5, 9 ikke relevant)."""
    return {str(k): str(v) for k, v in _catalog()["iplos_vurdering"].items()}
