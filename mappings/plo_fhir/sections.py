"""PLO blocks that are mostly free text (Sykepleierdokumentasjon, OpplysningerAndreFaggrupper,
OpplysningerOmHjelpemidler, InfoKontrolltime …) → Communication.payload text sections, one per
child block, headed by the element name, so their content reaches the receiver.
"""

from __future__ import annotations

from samband.mappings.common.head import Frame
from samband.mappings.common.systems import EXT_NOTE_HEADING, PLO_SECTION
from samband.mappings.common.xmlsource import Node

JsonDict = dict[str, object]
FLATTENED = (
    "Sykepleierdokumentasjon",
    "OpplysningerAndreFaggrupper",
    "OpplysningerOmHjelpemidler",
    "InfoKontrolltime",
    "InfoAssistertKommunikasjon",
    "InfoInformasjonGitt",
    "InfoReservasjon",
    "OpplysningerTilSoknad",
    "SendtDokument",
)


def _text(node: Node) -> str:
    parts: list[str] = []
    for element in node.element.iter():
        if not isinstance(element.tag, str):
            continue
        value = (element.text or "").strip() or element.get("DN") or element.get("V")
        if value and (not len(element) or (element.text or "").strip()):
            parts.append(value)
    node.consume()
    return " · ".join(parts)


def _section(name: str, child: str, text: str) -> JsonDict:
    heading = {"system": PLO_SECTION, "code": f"{name}/{child}", "display": child}
    return {"contentString": text, "extension": [{"url": EXT_NOTE_HEADING, "valueCoding": heading}]}


def sections(frame: Frame, root: Node) -> list[JsonDict]:
    """Each child block of the free-text parts → one payload section (structure flattened: an issue)."""
    out: list[JsonDict] = []
    for name in FLATTENED:
        for block in root.all(name):
            block.touch()
            for child in block.children() or [block]:
                text = _text(child)
                if text:
                    out.append(_section(name, child.name, text))
            frame.state.issue(
                block.path,
                "mapping.flattened",
                f"{name} is carried as text sections; its structure is not kept",
                f"{name} overføres som tekst uten struktur",
            )
    return out
