"""Carried elements: a PLO element without a FHIR home is kept verbatim on the focus resource and
written back at its schema position, ancestors created as needed."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from samband.adapters.xml.safe import parse_xml
from samband.mappings.base import fixed_context
from samband.mappings.common.carry import EXT_NATIVE_ELEMENT, Carried, carried_in, insert_carried
from samband.mappings.common.state import MapState
from samband.mappings.common.view import as_dict, as_list
from samband.mappings.registry import from_fhir, to_fhir

MESSAGES = Path(__file__).resolve().parents[2] / "messages" / "plo"
FK1 = "http://www.kith.no/xmlstds/felleskomponent1"
PO = "http://www.kith.no/xmlstds/po/poKomponent/2012-04-01"
ROOT = "http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01"
RESERVATION = (
    f'<InfoReservasjon xmlns="{PO}"><ReservasjonOnske><Gjelder>Ikke til naboen Testesen</Gjelder>'
    f'<FramsattAv><FamilyName xmlns="{FK1}">Testesen</FamilyName></FramsattAv>'
    "<FramsattDato>2024-01-02</FramsattDato></ReservasjonOnske></InfoReservasjon>"
)


def _with_reservation() -> bytes:
    doc = parse_xml((MESSAGES / "helseopplysninger_lege_1_6.xml").read_bytes())
    payload = doc.find(f".//{{{ROOT}}}Konsultasjon")
    assert payload is not None
    payload.append(parse_xml(RESERVATION.encode()))
    return bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))


def _payload(raw: bytes) -> etree._Element:
    found = parse_xml(raw).find(f".//{{{ROOT}}}Konsultasjon")
    assert found is not None
    return found


def test_an_unmapped_block_is_carried_on_the_focus_and_written_back_in_place() -> None:
    ctx = fixed_context()
    pivot = to_fhir(_with_reservation(), ctx)
    resources = [as_dict(e["resource"]) for e in as_list(pivot.result["entry"])]
    focus = next(r for r in resources if r["resourceType"] == "Communication")
    carried = carried_in([focus])
    assert "/MsgHead/Document/RefDoc/Content/Konsultasjon/InfoReservasjon" in [c.path for c in carried]
    assert any(e.get("url") == EXT_NATIVE_ELEMENT for e in as_list(focus.get("extension")))
    codes = {(i.code, i.path) for i in pivot.issues}
    assert ("mapping.carried", "/MsgHead/Document/RefDoc/Content/Konsultasjon/InfoReservasjon") in codes
    assert not any(
        i.code == "mapping.not-mapped" and "InfoReservasjon" in (i.path or "") for i in pivot.issues
    )

    out = _payload(from_fhir(pivot.result, "plo", ctx).result)
    assert etree.QName(out[-1]).localname == "InfoReservasjon"
    assert out.findtext(f"{{{PO}}}InfoReservasjon/{{{PO}}}ReservasjonOnske/{{{PO}}}Gjelder") == (
        "Ikke til naboen Testesen"
    )


def test_missing_ancestors_are_created_in_schema_order() -> None:
    root = parse_xml(
        f'<Konsultasjon xmlns="{ROOT}"><InformasjonOmForsendelsen xmlns="{PO}"/>'
        f'<InfoReservasjon xmlns="{PO}"/></Konsultasjon>'.encode()
    )
    path = "/MsgHead/Document/RefDoc/Content/Konsultasjon/InfoKartleggingFunksjonsniva/Ansvarlig"
    element = f'<Ansvarlig xmlns="{PO}"><Ekstern>false</Ekstern></Ansvarlig>'
    state = MapState(fixed_context())
    assert insert_carried(root, [Carried(path, element)], state) == 1
    names = [etree.QName(c).localname for c in root]
    assert names == ["InformasjonOmForsendelsen", "InfoKartleggingFunksjonsniva", "InfoReservasjon"]
    assert root[1][0].findtext(f"{{{PO}}}Ekstern") == "false"


def test_a_carried_element_of_another_message_is_reported_not_placed() -> None:
    root = parse_xml(f'<Konsultasjon xmlns="{ROOT}"/>'.encode())
    state = MapState(fixed_context())
    item = Carried("/MsgHead/Document/RefDoc/Content/Pasientlogistikk/X", f'<X xmlns="{PO}"/>')
    assert insert_carried(root, [item], state) == 0
    assert [i.code for i in state.issues] == ["mapping.not-mapped"]
