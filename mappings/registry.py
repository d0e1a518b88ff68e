"""``MAPPINGS``: (source format, target format) → the mapping that writes one as the other.

Every mapping goes through the FHIR pivot: ``to_fhir`` reads the source into a Bundle dict,
``from_fhir`` writes the target out of it (None when the target is FHIR itself). A mapping names the
message types (MsgInfo/Type 8279, FHIR event, ``IP_EXPORT``) it can write; a pair that is not here,
or a type it does not name, is refused, never answered with another message type.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from samband.adapters.fhir import read_fhir, serialize_bundle, write_bundle
from samband.adapters.formats import source_format
from samband.adapters.iplan.adapter import MSG_TYPE as IP_EXPORT_TYPE
from samband.adapters.xml.safe import shared_parses
from samband.kernel.errors import UnsupportedMessage
from samband.kernel.formats import Format
from samband.mappings.base import Context, Translation
from samband.mappings.dialog_fhir import from_fhir as dialog_out
from samband.mappings.dialog_fhir import to_fhir as dialog_in
from samband.mappings.iplan_fhir import facade as ip_export
from samband.mappings.pivot import fhir_to_hodemelding, hodemelding_to_fhir
from samband.mappings.plo_fhir import from_fhir as plo_out
from samband.mappings.plo_fhir import to_fhir as plo_in

JsonDict = dict[str, object]
NAMES = frozenset(str(name) for name in Format)
IntoPivot = Callable[[bytes, Context], Translation[JsonDict]]
OutOfPivot = Callable[[JsonDict, Context], Translation[bytes]]
Direct = Callable[[bytes, Context], Translation[bytes]]

FHIR_COLLECTION = "FHIR_COLLECTION"
"""The message type of a FHIR collection Bundle (no MessageHeader): what an ip-export becomes."""


@dataclass(frozen=True)
class Mapping:
    """How one (source, target) pair is written, and for which message types.

    ``types`` None means every type the source is read as. ``direct`` writes the target straight
    from the source bytes, without the pivot (an ip-export rewritten as JSON). ``own`` is True when
    ``to_fhir`` is the gateway's own mapping, whose Bundle comes out normalised already; FHIR read
    in from outside is not, and is validated on the way out.
    """

    to_fhir: IntoPivot
    from_fhir: OutOfPivot | None
    types: frozenset[str] | None
    direct: Direct | None = None
    own: bool = True

    def translate(self, raw: bytes, ctx: Context) -> Translation[bytes]:
        """The source bytes written as the target (FHIR as pretty, stable JSON)."""
        if self.direct is not None:
            return self.direct(raw, ctx)
        pivot = self.to_fhir(raw, ctx)
        if self.from_fhir is None:
            written = write_bundle(pivot.result) if self.own else serialize_bundle(pivot.result)
            return Translation(written, pivot.issues)
        done = self.from_fhir(pivot.result, ctx)
        return Translation(done.result, pivot.issues + done.issues)


def _fhir_in(raw: bytes, _ctx: Context) -> Translation[JsonDict]:
    return Translation(read_fhir(raw))


def _plo_in(raw: bytes, ctx: Context) -> Translation[JsonDict]:
    return hodemelding_to_fhir(raw, ctx, plo_in.plo_to_fhir, plo_in.HANDLERS)


def _dialog_in(raw: bytes, ctx: Context) -> Translation[JsonDict]:
    return hodemelding_to_fhir(raw, ctx, dialog_in.dialog_to_fhir, dialog_in.ROOTS)


def _plo_out(bundle: JsonDict, ctx: Context) -> Translation[bytes]:
    return fhir_to_hodemelding(bundle, ctx, plo_out.fhir_to_plo, Format.PLO)


def _dialog_out(bundle: JsonDict, ctx: Context) -> Translation[bytes]:
    return fhir_to_hodemelding(bundle, ctx, dialog_out.fhir_to_dialog, Format.DIALOGMELDING)


IP_EXPORTS = frozenset({IP_EXPORT_TYPE})

MAPPINGS: dict[tuple[Format, Format], Mapping] = {
    (Format.PLO, Format.FHIR): Mapping(_plo_in, None, plo_in.TYPES),
    (Format.DIALOGMELDING, Format.FHIR): Mapping(_dialog_in, None, dialog_in.TYPES),
    (Format.IP_EXPORT, Format.FHIR): Mapping(ip_export.into_pivot, None, IP_EXPORTS),
    (Format.FHIR, Format.FHIR): Mapping(_fhir_in, None, None, own=False),
    (Format.FHIR, Format.PLO): Mapping(_fhir_in, _plo_out, plo_out.TYPES, own=False),
    (Format.FHIR, Format.DIALOGMELDING): Mapping(_fhir_in, _dialog_out, dialog_out.EVENTS, own=False),
    (Format.FHIR, Format.IP_EXPORT): Mapping(
        _fhir_in, ip_export.out_of_pivot, frozenset({FHIR_COLLECTION}), own=False
    ),
    (Format.PLO, Format.PLO): Mapping(_plo_in, _plo_out, plo_in.TYPES & plo_out.TYPES),
    (Format.DIALOGMELDING, Format.DIALOGMELDING): Mapping(
        _dialog_in, _dialog_out, dialog_in.TYPES & dialog_out.EVENTS
    ),
    (Format.IP_EXPORT, Format.IP_EXPORT): Mapping(
        ip_export.into_pivot, ip_export.out_of_pivot, IP_EXPORTS, direct=ip_export.rewritten
    ),
}
"""Every translation the gateway makes. Through the pivot: n formats need 2·n mappings, not n·(n−1);
a native format to another native one (PLO to Dialogmelding) is a different message, so no pair."""


def targets_of(source: Format) -> list[Format]:
    """The formats ``source`` can be written as (``as-is`` aside)."""
    return [target for (from_, target) in MAPPINGS if from_ is source]


def mapping_for(source: Format, target: Format | str) -> Mapping:
    """The mapping of (``source``, ``target``); a coded refusal (T10) when there is none."""
    found = MAPPINGS.get((source, Format(target))) if target in NAMES else None
    if found is None:
        can = ", ".join(targets_of(source)) or "nothing"
        raise UnsupportedMessage(
            f"no mapping from {source} to {target}",
            code="mapping.no-pair",
            expected=f"{source} written as {can}",
            received=f"{source} → {target}",
        )
    return found


def read_types(source: Format) -> frozenset[str] | None:
    """The message types ``source`` is read into the pivot as (None: any, as FHIR events are)."""
    into = MAPPINGS.get((source, Format.FHIR))
    return into.types if into is not None else None


def can_write(source: Format, target: Format, types: Collection[str] | None = None) -> bool:
    """True when (``source``, ``target``) has a mapping that writes every one of ``types``.

    ``types`` None means every type ``source`` is read as (for FHIR: any type at all).
    """
    found = MAPPINGS.get((source, target))
    if found is None:
        return False
    if found.types is None:
        return True
    wanted = read_types(source) if types is None else frozenset(types)
    return wanted is not None and wanted <= found.types


SUPPORTED_TO_FHIR: frozenset[str] = plo_in.TYPES | dialog_in.TYPES
"""MsgInfo/Type codes (8279) a Hodemelding is translated to FHIR for."""

PAYLOAD_ROOTS: frozenset[str] = frozenset(plo_in.HANDLERS) | dialog_in.ROOTS
"""Hodemelding payload root elements a mapping reads."""


def to_fhir(raw: bytes, ctx: Context) -> Translation[JsonDict]:
    """A document (Hodemelding, FHIR, ip-export) into the FHIR pivot, by what ``FORMATS`` says it is."""
    with shared_parses():  # telling the format and the mapping read one tree
        return mapping_for(source_format(raw), Format.FHIR).to_fhir(raw, ctx)


def from_fhir(bundle: JsonDict, target: Format | str, ctx: Context) -> Translation[bytes]:
    """A FHIR Bundle dict written as ``target`` (FHIR itself as pretty, stable JSON)."""
    out = mapping_for(Format.FHIR, target).from_fhir
    if out is None:
        return Translation(serialize_bundle(bundle))
    return out(bundle, ctx)
