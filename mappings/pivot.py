"""The guard rails every step into or out of the FHIR pivot runs through; no dispatch here.

A Hodemelding goes into the pivot by its payload mapping, and a Bundle comes out through a target
mapping; either way the Bundle is normalised and checked against the profile rules, and a foreign
exception on odd input becomes a coded ``MappingError``. Which mapping runs is ``MAPPINGS``'s call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from samband.adapters.fhir import check_bundle, normalize, own_bundle
from samband.adapters.fhir.order import Watch
from samband.adapters.fhir.rules import RULE_KEYS
from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.parse import parse_msghead
from samband.adapters.xml.safe import shared_parses
from samband.kernel.errors import GatewayError, MappingError, UnsupportedMessage
from samband.kernel.problems import Problem, Severity
from samband.mappings.base import Context, Translation
from samband.mappings.common.state import MapState

JsonDict = dict[str, object]
ToFhir = Callable[[MsgHead, MapState], JsonDict]
FromFhir = Callable[[JsonDict, MapState], bytes]

R = TypeVar("R")


def _guarded(run: Callable[[], R], what: str) -> R:
    """Run a mapping; a foreign exception on odd input becomes a coded ``MappingError``, not a crash."""
    try:
        return run()
    except GatewayError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, ArithmeticError) as exc:
        raise MappingError(
            f"the {what} mapping failed on this input: {type(exc).__name__}: {exc}",
            code="pivot.mapping-failed",
            expected="input the mapping understands",
        ) from exc


def _rule_issues(bundle: JsonDict, seen: Sequence[tuple[str, object]] | None = None) -> list[Problem]:
    return [
        Problem(
            path=finding.path or "/",
            code=finding.code,
            severity=Severity.ERROR if finding.severity is Severity.ERROR else Severity.WARNING,
            text=finding.text,
        )
        for finding in check_bundle(bundle, seen)
    ]


def _checked(
    normalized: JsonDict, seen: Sequence[tuple[str, object]] | None = None
) -> tuple[JsonDict, list[Problem]]:
    """The normalised Bundle and its rule issues; an error-level rule refuses it."""
    broken = _rule_issues(normalized, seen)
    errors = [i for i in broken if i.severity is Severity.ERROR]
    if errors:
        raise MappingError(
            f"the FHIR Bundle breaks {len(errors)} rule(s): {errors[0].text}",
            code="pivot.rules",
            where=errors[0].path,
        )
    return normalized, broken


def hodemelding_to_fhir(
    raw: bytes, ctx: Context, mapping: ToFhir, roots: Collection[str]
) -> Translation[JsonDict]:
    """Hodemelding bytes → FHIR message Bundle dict through ``mapping`` (which reads the payload
    ``roots``), normalised (R4B-validated when ``ctx.validate``) and held to the rules."""
    with shared_parses():  # the message, and its payload, parsed once for all that reads them
        return _hodemelding_to_fhir(raw, ctx, mapping, roots)


def _hodemelding_to_fhir(
    raw: bytes, ctx: Context, mapping: ToFhir, roots: Collection[str]
) -> Translation[JsonDict]:
    head = parse_msghead(raw)
    payload = head.payload
    if payload is None:
        raise UnsupportedMessage(
            "the Hodemelding carries no XML payload to translate",
            code="pivot.no-payload",
            where="/MsgHead/Document/RefDoc/Content",
        )
    if payload.root not in roots:
        raise UnsupportedMessage(
            f"no FHIR mapping for payload {payload.root} ({head.msg_type})",
            code="pivot.unsupported-payload",
            where="/MsgHead/Document/RefDoc/Content",
            expected=", ".join(sorted(roots)),
            received=payload.root,
        )
    state = MapState(ctx)
    written = _guarded(lambda: mapping(head, state), payload.root)
    watch = Watch(RULE_KEYS)  # what the rules read, noted while the Bundle is put in order
    bundle, broken = _checked(
        own_bundle(written, ctx.validate, watch), watch.found if watch.complete else None
    )
    return Translation(bundle, state.issues + broken)


def fhir_to_hodemelding(bundle: JsonDict, ctx: Context, mapping: FromFhir, target: str) -> Translation[bytes]:
    """FHIR message Bundle dict → Hodemelding bytes in ``target`` through ``mapping``, schema-valid."""
    checked, broken = _checked(normalize(bundle))  # FHIR from outside: always validated
    state = MapState(ctx)
    raw = _guarded(lambda: mapping(checked, state), target)
    return Translation(raw, broken + state.issues)
