"""Canonical XML: what does not count is ignored, what counts is kept, and ids are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.adapters.xml.canonical import canonicalize_xml, pretty_xml, xml_equivalent
from samband.kernel.errors import ParseError, XmlRefused

MSGHEAD = """<?xml version="1.0" encoding="UTF-8"?>
<MsgHead xmlns="http://www.kith.no/xmlstds/msghead/2006-05-24">
  <MsgInfo>
    <Type V="DIALOG_FORESPORSEL" DN="Forespørsel"/>
    <MsgId> 6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d </MsgId>
  </MsgInfo>
</MsgHead>
"""


def test_indentation_encoding_attribute_order_and_prefixes_do_not_count() -> None:
    other = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<mh:MsgHead xmlns:mh="http://www.kith.no/xmlstds/msghead/2006-05-24"><!-- a comment -->'
        '<mh:MsgInfo><mh:Type DN="Forespørsel" V="DIALOG_FORESPORSEL"/>'
        "<mh:MsgId>6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</mh:MsgId></mh:MsgInfo></mh:MsgHead>"
    ).encode("iso-8859-1")
    assert xml_equivalent(MSGHEAD.encode(), other)


@pytest.mark.parametrize(
    "change",
    [
        ('V="DIALOG_FORESPORSEL"', 'V="DIALOG_SVAR"'),  # a value
        ("<MsgInfo>", '<MsgInfo xmlns="urn:other">'),  # a namespace
        ("</MsgInfo>", "<Ack/></MsgInfo>"),  # an element
    ],
)
def test_what_the_message_says_counts(change: tuple[str, str]) -> None:
    assert not xml_equivalent(MSGHEAD.encode(), MSGHEAD.replace(*change).encode())


@pytest.mark.parametrize(
    ("document", "root", "expected"),
    [
        (MSGHEAD, "MsgHead", "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        (
            '<AppRec xmlns="http://www.kith.no/xmlstds/apprec/2012-02-15"><Id>ar-1</Id></AppRec>',
            "AppRec",
            "ar-1",
        ),
        (
            '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"'
            ' xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd">'
            "<S:Header><eb:MessageHeader><eb:MessageData><eb:MessageId>eb-7@host</eb:MessageId>"
            "</eb:MessageData></eb:MessageHeader></S:Header><S:Body/></S:Envelope>",
            "Envelope",
            "eb-7@host",
        ),
        (
            '<IndividualPlanExport xmlns="urn:no:example:ip-export:1">'
            "<exportId>x-1</exportId></IndividualPlanExport>",
            "IndividualPlanExport",
            "x-1",
        ),
        ("<Other><MsgId>not a message id</MsgId></Other>", "Other", None),
        (
            "<EI_fellesformat><MsgHead xmlns='http://www.kith.no/xmlstds/msghead/2006-05-24'>"
            "<MsgInfo><MsgId>wrapped-1</MsgId></MsgInfo></MsgHead></EI_fellesformat>",
            "EI_fellesformat",
            "wrapped-1",
        ),
    ],
)
def test_message_ids_by_root(document: str, root: str, expected: str | None) -> None:
    found = canonicalize_xml(document.encode())
    assert (found.root, found.message_id) == (root, expected)


def test_real_samples_canonicalise_and_keep_their_ids(samples_dir: Path) -> None:
    files = (
        sorted(samples_dir.glob("plo/*/*.xml"))[:6] + sorted(samples_dir.glob("dialogmelding/**/*.xml"))[:3]
    )
    assert files, "expected PLO and Dialogmelding samples"
    for path in files:
        found = canonicalize_xml(path.read_bytes())
        assert found.message_id, path.name  # MsgHead, or a Hodemelding inside EI_fellesformat
        assert xml_equivalent(path.read_bytes(), pretty_xml(found.canonical).encode())


def test_xsi_type_values_keep_their_meaning_when_prefixes_change() -> None:
    left = b'<a xmlns:x="http://www.w3.org/2001/XMLSchema-instance" xmlns:k="urn:k"><b x:type="k:CS"/></a>'
    right = b'<a xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:q="urn:k"><b i:type="q:CS"/></a>'
    other = (
        b'<a xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:q="urn:other"><b i:type="q:CS"/></a>'
    )
    assert xml_equivalent(left, right)
    assert not xml_equivalent(left, other)


def test_pretty_form_has_one_element_per_line() -> None:
    pretty = pretty_xml(canonicalize_xml(MSGHEAD.encode()).canonical)
    lines = pretty.splitlines()
    assert len(lines) == 6
    assert lines[3].strip().startswith("<ns0:MsgId>6f1b2c3d")


def test_hostile_or_broken_xml_is_refused_as_everywhere_else() -> None:
    with pytest.raises(XmlRefused):
        canonicalize_xml(b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    with pytest.raises(ParseError):
        canonicalize_xml(b"<x><y></x>")
