"""PLO message (Hodemelding with a PLO 1.5/1.6 payload) → FHIR message Bundle.

The payload is read through a tracking ``Source``: each content handler below takes what it maps,
and every element left unread becomes a ``mapping.not-mapped`` issue with its path.
"""

from __future__ import annotations

from collections.abc import Callable

from samband.adapters.msghead.model import MsgHead
from samband.adapters.plo import catalog
from samband.adapters.xml.safe import parse_xml
from samband.kernel.errors import MappingError
from samband.mappings.common.carry import carry
from samband.mappings.common.head import Frame, close_frame, open_frame
from samband.mappings.common.state import MapState
from samband.mappings.common.xmlsource import Node, Source
from samband.mappings.plo_fhir.absence import fravar
from samband.mappings.plo_fhir.clinical import clinical
from samband.mappings.plo_fhir.contacts import Team, collect
from samband.mappings.plo_fhir.extras import patient_extras
from samband.mappings.plo_fhir.logistics import logistics
from samband.mappings.plo_fhir.services import orientering

JsonDict = dict[str, object]
Handler = Callable[[Frame, Node, Team, str | None], None]
CONTENT_PATH = "/MsgHead/Document/RefDoc/Content"

HANDLERS: dict[str, Handler] = {
    "OrienteringOmTjenestetilbud": orientering,
    "Konsultasjon": clinical,
    "HelseopplysningerVedSoknad": clinical,
    "OverforingMedisinskeOpplysninger": clinical,
    "MedisinskeOpplysninger": clinical,
    "Innleggelsesrapport": clinical,
    "TverrfagligEpikrise": clinical,
    "Pasientlogistikk": logistics,
    "MeldingFravar": fravar,
}
"""Payload root element → its content handler."""
VERSIONS = ("1.5", "1.6")

TYPES: frozenset[str] = frozenset(
    kind
    for spec in catalog.messages().values()
    if spec.version in VERSIONS and spec.root in HANDLERS
    for kind in ([spec.kind] if spec.kind else catalog.logistikk_types(spec.version))
)
"""The PLO MsgInfo/Type codes (8279) this mapping writes as FHIR."""


def _forsendelse(frame: Frame, root: Node) -> str | None:
    """InformasjonOmForsendelsen: Forsendelsesstatus (7309 N/M/C) goes to the Provenance."""
    block = root.one("InformasjonOmForsendelsen")
    if block is None:
        return None
    block.touch()
    status = block.code("Forsendelsesstatus")
    frame.state.coding(status, "7309", f"{block.path}/Forsendelsesstatus")
    answer = block.peek().flag("SvarPaaForesporsel")  # checked here, carried as it is
    if answer and frame.head.msg_info.conversation_ref is None:
        frame.state.issue(
            f"{block.path}/SvarPaaForesporsel",
            "plo.answer-without-conversation",
            "SvarPaaForesporsel is true but the Hodemelding has no ConversationRef to link the answer to",
            "Meldingen er merket som svar, men mangler ConversationRef",
        )
    return status.v if status else None


def _leftovers(frame: Frame, source: Source) -> None:
    """What no handler read is carried verbatim on the focus (``common/carry.py``)."""
    leftovers = source.leftovers()
    focus = frame.builder.entries.get(frame.focus[0]) if frame.focus else None
    if focus is not None:
        carry(frame.state, focus, leftovers)
        return
    for path, _element in leftovers:
        frame.state.not_mapped(path, f"PLO element {path.rsplit('/', 1)[-1]}")


def plo_to_fhir(head: MsgHead, state: MapState) -> JsonDict:
    """A parsed PLO Hodemelding → FHIR message Bundle dict (not yet validated)."""
    payload = head.payload
    if payload is None:
        raise MappingError(
            "the Hodemelding carries no PLO payload", code="plo.mapping-no-payload", where=CONTENT_PATH
        )
    handler = HANDLERS.get(payload.root)
    if handler is None:
        raise MappingError(
            f"no FHIR mapping for PLO payload {payload.root}",
            code="plo.unmapped-payload",
            where=f"{CONTENT_PATH}/{payload.root}",
            expected=", ".join(sorted(HANDLERS)),
        )
    source = Source(parse_xml(payload.xml), prefix=CONTENT_PATH)
    root = source.node().touch()
    frame = open_frame(head, state)
    status = _forsendelse(frame, root)
    team = collect(frame, root)
    frame.approved = team.approved
    patient_extras(frame, root)
    handler(frame, root, team, status)
    _leftovers(frame, source)
    return close_frame(frame, status)
