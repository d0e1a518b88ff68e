"""PLO blocks that are mostly free text (Sykepleierdokumentasjon, OpplysningerAndreFaggrupper,
OpplysningerOmHjelpemidler, InfoKontrolltime …) → Communication.payload text sections, one per
child block, headed by the element name, so their content reaches a FHIR reader.

The sections are a reading of the block, not its mapping: the blocks are left unread, so they are
carried verbatim on the focus (``common/carry.py``) and written back from there; on the way out a
section whose block is carried is that block's text and is not written twice.
"""

from __future__ import annotations

from samband.mappings.common.carry import read_from
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
    return " · ".join(parts)


def _section(name: str, child: Node, text: str) -> JsonDict:
    heading = {"system": PLO_SECTION, "code": f"{name}/{child.name}", "display": child.name}
    item: JsonDict = {"contentString": text, "extension": [{"url": EXT_NOTE_HEADING, "valueCoding": heading}]}
    return read_from(item, child)


def sections(root: Node) -> list[JsonDict]:
    """Each child block of the free-text parts → one payload section (the blocks themselves are carried)."""
    out: list[JsonDict] = []
    for name in FLATTENED:
        for block in root.all(name):
            for child in block.children() or [block]:
                text = _text(child)
                if text:
                    out.append(_section(name, child, text))
    return out
