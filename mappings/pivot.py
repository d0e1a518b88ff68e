"""The facade the gateway calls: Hodemelding bytes ↔ FHIR R4 message Bundle (as a JSON dict).

``TO_FHIR`` and ``FROM_FHIR`` are the dispatch tables (payload root → mapping, target → mapping);
new formats add a line there. Everything the gateway sees is JSON dicts and bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from samband.adapters.fhir import check_bundle, normalize
from samband.adapters.msghead.model import MsgHead
from samband.adapters.msghead.parse import parse_msghead
from samband.kernel.errors import GatewayError, MappingError, UnsupportedMessage
from samband.kernel.problems import Problem, Severity
from samband.mappings.base import Context, Translation
from samband.mappings.common.state import MapState
from samband.mappings.common.view import BundleView
from samband.mappings.dialog_fhir.from_fhir import fhir_to_dialog
from samband.mappings.dialog_fhir.to_fhir import dialog_to_fhir
from samband.mappings.plo_fhir.from_fhir import BUILDERS as PLO_EVENTS
from samband.mappings.plo_fhir.from_fhir import fhir_to_plo
from samband.mappings.plo_fhir.to_fhir import HANDLERS as PLO_ROOTS
from samband.mappings.plo_fhir.to_fhir import plo_to_fhir

JsonDict = dict[str, object]
ToFhir = Callable[[MsgHead, MapState], JsonDict]
FromFhir = Callable[[JsonDict, MapState], bytes]

TO_FHIR: dict[str, ToFhir] = {"Dialogmelding": dialog_to_fhir}
for _root in PLO_ROOTS:
    TO_FHIR[_root] = plo_to_fhir
"""Payload root element (RefDoc/Content) → mapping to FHIR."""

SUPPORTED_TO_FHIR: frozenset[str] = frozenset(
    {
        "ORIENTERING_TJENESTETILBUD",
        "HELSEOPPLYSNINGER_LEGE",
        "HELSEOPPL_SOKNAD",
        "MEDISINSKE_OPPLYSNINGER",
        "INNLEGGELSESRAPPORT",
        "UTSKRIVNINGSRAPPORT",
        "LOG_INNLAGT",
        "LOG_UTSKRIVNINGSKLAR",
        "LOG_AVMELDING",
        "LOG_UTSKREVET",
        "LOG_DOD",
        "DIALOG_FORESPORSEL",
        "DIALOG_SVAR",
        "DIALOG_NOTAT",
        "DIALOG_AVVIK",
        "DIALOG_HELSEFAGLIG",
        "DIALOG_STATUS_HENVISNING",
        "DIALOG_INNBYGGER_EKONTAKT",
        "DIALOG_INNBYGGER_RESEPTFORNYELSE",
        "DIALOG_INNBYGGER_TEST",
    }
)
"""MsgInfo/Type codes (8279) that ``to_fhir`` translates."""


FROM_FHIR: dict[str, FromFhir] = {"plo": fhir_to_plo, "dialogmelding": fhir_to_dialog}
"""Target format → mapping from FHIR (``ip-export`` adds its line here)."""

TARGET_BY_FOCUS = {"CarePlan": "plo", "Communication": "dialogmelding", "Task": "dialogmelding"}


def target_for(bundle: JsonDict) -> str:
    """The native format a Bundle naturally goes to: by MessageHeader event (8279), else by focus type."""
    view = BundleView.of(bundle)
    event = view.event() or ""
    if event in PLO_EVENTS:
        return "plo"
    if event.startswith("DIALOG_"):
        return "dialogmelding"
    for resource in view.focus():
        target = TARGET_BY_FOCUS.get(str(resource.get("resourceType")))
        if target:
            return target
    raise UnsupportedMessage(
        f"no native format for event {event!r}",
        code="pivot.no-target",
        where="/entry/0/resource/eventCoding",
        expected="a PLO or Dialogmelding event (8279)",
    )


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


def _rule_issues(bundle: JsonDict) -> list[Problem]:
    return [
        Problem(
            path=finding.path or "/",
            code=finding.code,
            severity=Severity.ERROR if finding.severity is Severity.ERROR else Severity.WARNING,
            text=finding.text,
        )
        for finding in check_bundle(bundle)
    ]


def to_fhir(raw: bytes, ctx: Context) -> Translation[JsonDict]:
    """Hodemelding (PLO or Dialogmelding payload) → FHIR message Bundle dict, validated (R4B + rules)."""
    head = parse_msghead(raw)
    payload = head.payload
    if payload is None:
        raise UnsupportedMessage(
            "the Hodemelding carries no XML payload to translate",
            code="pivot.no-payload",
            where="/MsgHead/Document/RefDoc/Content",
        )
    mapping = TO_FHIR.get(payload.root)
    if mapping is None:
        raise UnsupportedMessage(
            f"no FHIR mapping for payload {payload.root} ({head.msg_type})",
            code="pivot.unsupported-payload",
            where="/MsgHead/Document/RefDoc/Content",
            expected=", ".join(sorted(TO_FHIR)),
            received=payload.root,
        )
    state = MapState(ctx)
    bundle = normalize(_guarded(lambda: mapping(head, state), payload.root))
    broken = _rule_issues(bundle)
    errors = [i for i in broken if i.severity is Severity.ERROR]
    if errors:
        raise MappingError(
            f"the FHIR Bundle breaks {len(errors)} rule(s): {errors[0].text}",
            code="pivot.rules",
            where=errors[0].path,
        )
    return Translation(bundle, state.issues + broken)


def from_fhir(bundle: JsonDict, target: str, ctx: Context) -> Translation[bytes]:
    """FHIR message Bundle dict → Hodemelding bytes in ``target`` ("plo" or "dialogmelding"), schema-valid."""
    mapping = FROM_FHIR.get(target)
    if mapping is None:
        raise UnsupportedMessage(
            f"cannot translate FHIR to {target!r}",
            code="pivot.unsupported-target",
            expected=", ".join(sorted(FROM_FHIR)),
            received=target,
        )
    checked = normalize(bundle)
    broken = _rule_issues(checked)
    errors = [i for i in broken if i.severity is Severity.ERROR]
    if errors:
        raise MappingError(
            f"the FHIR Bundle breaks {len(errors)} rule(s): {errors[0].text}",
            code="pivot.rules",
            where=errors[0].path,
        )
    state = MapState(ctx)
    raw = _guarded(lambda: mapping(checked, state), target)
    return Translation(raw, broken + state.issues)
