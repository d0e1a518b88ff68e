"""The parsers and codecs under fuzzing: for each target its seeds, what it is asked to do with a
document, and the structure-aware strategies that fit it.

``check(raw)`` runs every step of the target through ``coded``; a step that reads a model also
writes it back (the codec direction), which must answer or refuse with a code as well.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from samband.adapters import apprec, dialogmelding, ebxml, fhir, formats, iplan, msghead, plo, sniff
from samband.adapters.ebxml import mail, mime
from samband.adapters.kith import codec as kith
from samband.adapters.kith import shapes
from samband.adapters.xml.safe import parse_xml
from tests.fuzz.support import (
    CORPORA,
    coded,
    json_documents,
    json_mutated,
    mutated,
    register,
    seeds,
    xml_documents,
    xml_mutated,
)

Step = Callable[[bytes], object]


@dataclass(frozen=True)
class Target:
    """One fuzz target: its seeds, its steps, and how documents of its kind are built."""

    name: str
    corpus: str
    steps: tuple[Step, ...]
    roots: tuple[str, ...] = ()
    json_top: dict[str, Any] | None = None
    extra: tuple[Callable[[str], st.SearchStrategy[bytes]], ...] = field(default=())

    def check(self, raw: bytes) -> None:
        for step in self.steps:
            coded(functools.partial(step, raw))

    def mutated(self) -> st.SearchStrategy[bytes]:
        """Byte-level mutations of the seeds, and changes to their tree (XML) or data (JSON)."""
        return st.one_of(mutated(self.corpus), xml_mutated(self.corpus), json_mutated(self.corpus))

    def generated(self) -> st.SearchStrategy[bytes]:
        """Documents built from scratch: random trees in the target's namespaces, or random JSON."""
        options: list[st.SearchStrategy[bytes]] = []
        if self.roots:
            options.append(st.sampled_from(self.roots).flatmap(lambda root: xml_documents(self.corpus, root)))
        if self.json_top is not None:
            options.append(json_documents(self.corpus, self.json_top))
        options.extend(make(self.corpus) for make in self.extra)
        return st.one_of(*options)


def _then(read: Callable[[bytes], Any], write: Callable[[Any], object]) -> Step:
    """Read, then write what was read (when it was read at all)."""

    def step(raw: bytes) -> object:
        model = coded(functools.partial(read, raw))
        return None if model is None else write(model)

    return step


def _dialogmelding(raw: bytes) -> object:
    return dialogmelding.parse_dialogmelding(parse_xml(raw))


def _dialogmelding_written(model: dialogmelding.Dialogmelding) -> bytes:
    return bytes(etree.tostring(dialogmelding.serialize_dialogmelding(model)))


def _payloads(corpus: tuple[bytes, ...], local: str) -> tuple[bytes, ...]:
    """The ``local`` elements inside the seeds (a Dialogmelding out of its Hodemelding)."""
    found: list[bytes] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for data in corpus:
        try:
            root = etree.fromstring(data, parser)
        except (etree.XMLSyntaxError, ValueError):
            continue
        found.extend(bytes(etree.tostring(e)) for e in root.iter(f"{{*}}{local}") if e is not root)
    return tuple(found)


KITH_PARTS: dict[str, kith.Part[Any]] = {
    part.name: part
    for part in (shapes.IDENT, shapes.ADDRESS, shapes.TELECOM, shapes.PERSON, shapes.HEALTHCARE_PROFESSIONAL)
}
KITH_PARTS[shapes.ORGANISATION.name] = shapes.ORGANISATION
KITH_PARTS_BY_ELEMENT = {**KITH_PARTS, "Patient": shapes.PERSON}


def _kith(raw: bytes) -> object:
    """Every KITH part in the document read in both dialects and written back: the writer keeps to
    the schema (a kith:CS keeps V and DN only), so one write normalises, and a second read and write
    give the same model again."""
    root = parse_xml(raw)
    read = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        part = KITH_PARTS_BY_ELEMENT.get(etree.QName(element).localname)
        if part is None:
            continue
        for dialect, namespace in ((shapes.MSGHEAD, shapes.MSGHEAD_NS), (shapes.FK1, shapes.FK1_NS)):
            once = _rewritten(dialect, part, namespace, kith.read(dialect, part, element))
            assert _rewritten(dialect, part, namespace, once) == once, (part.name, once)
            read += 1
    return read


def _rewritten(dialect: kith.Dialect, part: kith.Part[Any], namespace: str, model: object) -> object:
    written = kith.write(dialect, part, model, etree.Element("holder"), part.name, namespace)
    return kith.read(dialect, part, written)


def _ebxml_http(raw: bytes) -> object:
    """As an HTTP server gets it: the header block (when there is one) as Content-Type, then the body."""
    if mail.starts_with_headers(raw):
        headers, body = mail.split_head(raw)
        content_type = mail.header_value(headers, "Content-Type") or "text/xml"
        return ebxml.parse_http(content_type, body)
    return ebxml.parse_http("text/xml", raw)


def _mime_bodies(corpus: str) -> st.SearchStrategy[bytes]:
    """A multipart/related package around random parts (seed parts, random bytes, hostile headers)."""
    part = st.integers(0, len(CORPORA[corpus]) - 1).map(lambda i: CORPORA[corpus][i]) | st.binary(
        max_size=200
    )
    header = st.sampled_from(
        [
            b"Content-Type: text/xml",
            b"Content-Type: application/xml; charset=iso-8859-1",
            b"Content-Transfer-Encoding: base64",
            b"Content-Transfer-Encoding: quoted-printable",
            b"Content-ID: <payload-1@fuzz>",
            b"Content-ID: <soap@fuzz>",
            b"Content-Type: multipart/related",
            b"Content-Type: application/pkcs7-mime",
            b"X: " + b"y" * 2000,
        ]
    )

    @st.composite
    def package(draw: st.DrawFn) -> bytes:
        parts = draw(st.lists(st.tuples(st.lists(header, max_size=4), part), min_size=0, max_size=4))
        body = b"".join(b"--b1\r\n" + b"\r\n".join(h) + b"\r\n\r\n" + p + b"\r\n" for h, p in parts)
        close = draw(st.sampled_from([b"--b1--\r\n", b"", b"--b1"]))
        start = draw(st.sampled_from([b"<soap@fuzz>", b"<nowhere>", b""]))
        head = (
            b'Content-Type: multipart/related; boundary="b1"; type="text/xml"; start="' + start + b'"\r\n\r\n'
        )
        return (head if draw(st.booleans()) else b"") + body + close

    return package()


def _targets() -> dict[str, Target]:
    hodemeldinger = seeds("msghead", "messages/dialogmelding", "messages/plo", "samples/msghead")
    dialog_corpus = seeds("dialogmelding", "messages/dialogmelding", "samples/dialogmelding")
    fhir_corpus = seeds(
        "fhir", "golden/plo_to_fhir", "golden/fhir_to_plo", "golden/dialog_to_fhir", "messages/fhir"
    )
    everything = seeds(
        "sniff",
        "messages/plo",
        "messages/ip-export",
        "messages/fhir",
        "samples/ebxml",
        "samples/apprec",
        "samples/cppa",
        "samples/adresseregister",
        "samples/helsenorge",
    )
    return {
        "sniff": Target(
            "sniff",
            register("sniff", everything + seeds("ebxml") + seeds("fhir")),
            (
                sniff.sniff,
                formats.detect,
                formats.validate,
                formats.read_envelope,
                formats.source_format,
                formats.translatable,
            ),
            roots=(
                "{http://www.kith.no/xmlstds/msghead/2006-05-24}MsgHead",
                "{http://www.nav.no/xml/eiff/2/}EI_fellesformat",
                "{urn:x}unknown",
            ),
        ),
        "msghead": Target(
            "msghead",
            register("msghead", hodemeldinger),
            (
                msghead.read_envelope,
                msghead.validate_msghead,
                _then(msghead.parse_msghead, msghead.serialize_msghead),
            ),
            roots=("{http://www.kith.no/xmlstds/msghead/2006-05-24}MsgHead",),
        ),
        "apprec": Target(
            "apprec",
            register("apprec", seeds("apprec", "samples/apprec")),
            (
                apprec.read_envelope,
                apprec.validate_apprec,
                _then(apprec.parse_apprec, apprec.serialize_apprec),
            ),
            roots=(
                "{http://www.kith.no/xmlstds/apprec/2004-11-21}AppRec",
                "{http://www.kith.no/xmlstds/apprec/2012-02-15}AppRec",
            ),
        ),
        "dialogmelding": Target(
            "dialogmelding",
            register("dialogmelding", dialog_corpus + _payloads(dialog_corpus, "Dialogmelding")),
            (_then(_dialogmelding, _dialogmelding_written),),
            roots=(
                "{http://www.kith.no/xmlstds/dialog/2006-10-11}Dialogmelding",
                "{http://www.kith.no/xmlstds/dialog/2013-01-23}Dialogmelding",
            ),
        ),
        "plo": Target(
            "plo",
            register("plo", seeds("plo", "messages/plo", "samples/plo")),
            (plo.validate_plo, _then(plo.parse_plo, plo.serialize_plo_bytes)),
            roots=(
                "{http://www.kith.no/xmlstds/po/Pasientlogistikk/2012-04-01}Pasientlogistikk",
                "{http://www.kith.no/xmlstds/msghead/2006-05-24}MsgHead",
            ),
        ),
        "ebxml": Target(
            "ebxml",
            register("ebxml", seeds("ebxml", "samples/ebxml")),
            (
                mime.unpack,
                mail.looks_like_mime,
                mail.split_head,
                ebxml.read_envelope,
                ebxml.validate_ebxml,
                ebxml.parse_ebxml,
                _ebxml_http,
            ),
            roots=("{http://schemas.xmlsoap.org/soap/envelope/}Envelope",),
            extra=(_mime_bodies,),
        ),
        "iplan": Target(
            "iplan",
            register("iplan", seeds("iplan", "messages/ip-export")),
            (iplan.validate_iplan, iplan.envelope, _then(iplan.parse, iplan.serialize_json)),
            json_top={"schemaVersion": "1.0"},
        ),
        "fhir": Target(
            "fhir",
            register("fhir", fhir_corpus),
            (
                fhir.parse_json,
                fhir.validate_fhir,
                fhir.fhir_envelope,
                fhir.parse_bundle,
                _then(fhir.read_fhir, fhir.serialize_bundle),
            ),
            json_top={"resourceType": "Bundle"},
        ),
        "kith": Target(
            "kith",
            register("kith", seeds("kith", "messages/dialogmelding", "samples/msghead")),
            (_kith,),
            roots=(
                "{http://www.kith.no/xmlstds/msghead/2006-05-24}Organisation",
                "{http://www.kith.no/xmlstds/felleskomponent1}Person",
                "{http://www.kith.no/xmlstds/msghead/2006-05-24}Patient",
            ),
        ),
    }


TARGETS = _targets()
