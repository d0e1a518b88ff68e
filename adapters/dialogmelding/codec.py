"""Dialogmelding element ↔ model, both versions (namespace decides the version on read).

Children of felleskomponent1 types (Ident, Address, TeleCom, Kontaktenhet) are in the fk1
namespace; everything else in the Dialogmelding namespace of the instance. The parties are read and
written by the shared KITH codec in the Dialogmelding dialect (``adapters.kith.shapes``).
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from samband.adapters.dialogmelding.model import (
    DIALOG_10_NS,
    DIALOG_11_NS,
    FK1_NS,
    Dialogmelding,
    Foresporsel,
    Notat,
    RichText,
    RollerRelatertNotat,
    TilknyttetEnhet,
)
from samband.adapters.kith.codec import read, write
from samband.adapters.kith.datatypes import (
    Code,
    add_cs,
    add_cv,
    add_text,
    child,
    children,
    code,
    code_of,
    pad_date,
    q,
    sub,
    text,
)
from samband.adapters.kith.model import HealthcareProfessional, Person
from samband.adapters.kith.shapes import HEALTHCARE_PROFESSIONAL, ORGANISATION, PERSON, dialogmelding
from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.errors import UnsupportedMessage

VERSIONS = {DIALOG_10_NS: "1.0", DIALOG_11_NS: "1.1"}


def parse_dialogmelding(element: etree._Element) -> Dialogmelding:
    """Dialogmelding root element → model; ``UnsupportedMessage`` for another root or namespace."""
    namespace, local = qname(element)
    if namespace not in VERSIONS or local != "Dialogmelding":
        raise UnsupportedMessage(
            f"not a Dialogmelding: {{{namespace}}}{local}",
            code="dialogmelding.unknown-root",
            line=element.sourceline,
            expected="Dialogmelding in " + " or ".join(VERSIONS),
            received=namespace,
        )
    ns = namespace
    return Dialogmelding(
        version=VERSIONS[ns],
        sakstype_kodet=code(element, ns, "SakstypeKodet"),
        sakstype=text(element, ns, "Sakstype"),
        foresporsler=tuple(_read_foresporsel(el, ns) for el in children(element, ns, "Foresporsel")),
        notater=tuple(_read_notat(el, ns) for el in children(element, ns, "Notat")),
    )


def _rich(parent: etree._Element, ns: str, local: str) -> RichText | None:
    """An xs:anyType element: its text, and the element as sent when it has markup or attributes
    (``xsi:type``); the in-scope namespace declarations are kept (QNames in attribute values)."""
    el = child(parent, ns, local)
    if el is None:
        return None
    if len(el) == 0 and not el.attrib:
        return RichText(text=el.text or "")
    plain = "".join(el.itertext())
    markup = etree.tostring(el, encoding="UTF-8", xml_declaration=False, with_tail=False)
    return RichText(text=plain, markup=markup)


def _read_foresporsel(el: etree._Element, ns: str) -> Foresporsel:
    return Foresporsel(
        type_foresp=code(el, ns, "TypeForesp") or Code(),
        emne_sporsmal=text(el, ns, "EmneSporsmal"),
        sporsmal=_rich(el, ns, "Sporsmal"),
        formal=code(el, ns, "Formål"),
        begrunnelse=text(el, ns, "Begrunnelse"),
        hastegrad=code(el, ns, "Hastegrad"),
        fra_dato=pad_date(text(el, ns, "FraDato")),
        til_dato=pad_date(text(el, ns, "TilDato")),
        type_journalinfo=tuple(code_of(j) for j in children(el, ns, "TypeJournalinfo")),
        kodet_opplysning=code(el, ns, "KodetOpplysning"),
        dok_id_foresp=text(el, ns, "DokIdForesp"),
        roller=tuple(_read_roller(r, ns) for r in children(el, ns, "RollerRelatertNotat")),
    )


def _read_notat(el: etree._Element, ns: str) -> Notat:
    foresporsel = child(el, ns, "Foresporsel")
    return Notat(
        tema_kodet=code(el, ns, "TemaKodet") or Code(),
        tema=text(el, ns, "Tema"),
        tekst_notat_innhold=_rich(el, ns, "TekstNotatInnhold"),
        merknad=text(el, ns, "Merknad"),
        dok_id_notat=text(el, ns, "DokIdNotat"),
        dato_notat=pad_date(text(el, ns, "DatoNotat")),
        foresporsel=_read_foresporsel(foresporsel, ns) if foresporsel is not None else None,
        roller=tuple(_read_roller(r, ns) for r in children(el, ns, "RollerRelatertNotat")),
    )


def _read_roller(el: etree._Element, ns: str) -> RollerRelatertNotat:
    enhet = child(el, ns, "TilknyttetEnhet")
    hp, person = _read_person_or_hp(el, ns)
    return RollerRelatertNotat(
        rolle_notat=code(el, ns, "RolleNotat"),
        role_to_patient=code(el, ns, "RoleToPatient"),
        tilknyttet_enhet=_read_enhet(enhet, ns) if enhet is not None else None,
        healthcare_professional=hp,
        person=person,
    )


def _read_enhet(el: etree._Element, ns: str) -> TilknyttetEnhet:
    kontakt = child(el, ns, "Kontaktenhet")
    hp, person = _read_person_or_hp(el, ns)
    return TilknyttetEnhet(
        kontaktenhet=read(dialogmelding(ns), ORGANISATION, kontakt if kontakt is not None else el),
        merknad=text(el, ns, "Merknad"),
        healthcare_professional=hp,
        person=person,
    )


def _read_person_or_hp(
    parent: etree._Element, ns: str
) -> tuple[HealthcareProfessional | None, Person | None]:
    """The HealthcareProfessional and Person children (fk1 types) of RollerRelatertNotat / TilknyttetEnhet."""
    hp = child(parent, ns, "HealthcareProfessional")
    person = child(parent, ns, "Person")
    dialect = dialogmelding(ns)
    return (
        read(dialect, HEALTHCARE_PROFESSIONAL, hp) if hp is not None else None,
        read(dialect, PERSON, person) if person is not None else None,
    )


def serialize_dialogmelding(model: Dialogmelding) -> etree._Element:
    """Model → Dialogmelding element in the namespace of ``model.version`` (schema order)."""
    ns = model.namespace
    root = etree.Element(q(ns, "Dialogmelding"), nsmap={None: ns, "fk1": FK1_NS})
    add_cv(root, ns, "SakstypeKodet", model.sakstype_kodet)
    add_text(root, ns, "Sakstype", model.sakstype)
    for foresporsel in model.foresporsler:
        _write_foresporsel(root, ns, foresporsel)
    for notat in model.notater:
        _write_notat(root, ns, notat)
    return root


def _write_rich(parent: etree._Element, ns: str, local: str, value: RichText | None) -> None:
    if value is None:
        return
    if value.markup is None:
        sub(parent, ns, local).text = value.text
        return
    source = parse_xml(value.markup)
    declared = {prefix: uri for prefix, uri in source.nsmap.items() if prefix}
    el = etree.SubElement(parent, q(ns, local), attrib=dict(source.attrib), nsmap=declared)
    el.text = source.text
    for node in source:
        el.append(deepcopy(node))


def _write_foresporsel(parent: etree._Element, ns: str, f: Foresporsel) -> None:
    el = sub(parent, ns, "Foresporsel")
    add_cv(el, ns, "TypeForesp", f.type_foresp)
    add_text(el, ns, "EmneSporsmal", f.emne_sporsmal)
    _write_rich(el, ns, "Sporsmal", f.sporsmal)
    add_cv(el, ns, "Formål", f.formal)
    add_text(el, ns, "Begrunnelse", f.begrunnelse)
    add_cs(el, ns, "Hastegrad", f.hastegrad)
    add_text(el, ns, "FraDato", f.fra_dato)
    add_text(el, ns, "TilDato", f.til_dato)
    for info in f.type_journalinfo:
        add_cv(el, ns, "TypeJournalinfo", info)
    add_cv(el, ns, "KodetOpplysning", f.kodet_opplysning)
    add_text(el, ns, "DokIdForesp", f.dok_id_foresp)
    for roller in f.roller:
        _write_roller(el, ns, roller)


def _write_notat(parent: etree._Element, ns: str, n: Notat) -> None:
    el = sub(parent, ns, "Notat")
    add_cv(el, ns, "TemaKodet", n.tema_kodet)
    add_text(el, ns, "Tema", n.tema)
    _write_rich(el, ns, "TekstNotatInnhold", n.tekst_notat_innhold)
    add_text(el, ns, "Merknad", n.merknad)
    add_text(el, ns, "DokIdNotat", n.dok_id_notat)
    add_text(el, ns, "DatoNotat", n.dato_notat)
    if n.foresporsel is not None:
        _write_foresporsel(el, ns, n.foresporsel)
    for roller in n.roller:
        _write_roller(el, ns, roller)


def _write_roller(parent: etree._Element, ns: str, r: RollerRelatertNotat) -> None:
    el = sub(parent, ns, "RollerRelatertNotat")
    add_cv(el, ns, "RolleNotat", r.rolle_notat)
    add_cv(el, ns, "RoleToPatient", r.role_to_patient)
    if r.tilknyttet_enhet is not None:
        enhet = sub(el, ns, "TilknyttetEnhet")
        write(dialogmelding(ns), ORGANISATION, r.tilknyttet_enhet.kontaktenhet, enhet, "Kontaktenhet", ns)
        add_text(enhet, ns, "Merknad", r.tilknyttet_enhet.merknad)
        _write_person_or_hp(enhet, ns, r.tilknyttet_enhet.healthcare_professional, r.tilknyttet_enhet.person)
    _write_person_or_hp(el, ns, r.healthcare_professional, r.person)


def _write_person_or_hp(
    parent: etree._Element, ns: str, hp: HealthcareProfessional | None, person: Person | None
) -> None:
    if hp is not None:
        write(dialogmelding(ns), HEALTHCARE_PROFESSIONAL, hp, parent, "HealthcareProfessional", ns)
    elif person is not None:
        write(dialogmelding(ns), PERSON, person, parent, "Person", ns)
