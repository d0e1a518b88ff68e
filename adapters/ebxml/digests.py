"""The ds:Reference elements of an eb:Acknowledgment, each with the digest this gateway computed of
what it received (ebMS 2.0 §6.3.2, XMLDSig §4.3.3): never the sender's DigestValue copied.

For each ds:Reference of the received ds:Signature/SignedInfo: ``URI="cid:…"`` is the digest of that
MIME payload part; ``URI=""`` is the digest of the SOAP envelope after the reference's transforms
(enveloped signature, the ebMS XPath that leaves out what is meant for the next MSH, C14N). A
reference whose part is missing, or with a digest method or transform this module does not know, is
left out rather than acknowledged with a digest the gateway did not compute.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable, Iterator, Sequence

from lxml import etree

from samband.adapters.ebxml.fragments import fragment_bytes
from samband.adapters.ebxml.model import Payload, bare_content_id
from samband.adapters.ebxml.names import DS_NS, SOAP_NS
from samband.adapters.xml.safe import parse_xml

DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": lambda data: hashlib.sha1(data).digest(),
    "http://www.w3.org/2001/04/xmlenc#sha256": lambda data: hashlib.sha256(data).digest(),
    "http://www.w3.org/2001/04/xmldsig-more#sha384": lambda data: hashlib.sha384(data).digest(),
    "http://www.w3.org/2001/04/xmlenc#sha512": lambda data: hashlib.sha512(data).digest(),
}
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
C14N = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (False, False),
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (False, True),
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
}
NEXT_MSH = (
    "urn:oasis:names:tc:ebxml-msg:actor:nextMSH",
    "http://schemas.xmlsoap.org/soap/actor/next",
)
"""The actors whose header blocks the ebMS XPath transform leaves out (ebMS 2.0 §4.1.3)."""


def _ds(name: str) -> str:
    return f"{{{DS_NS}}}{name}"


def _envelope_octets(envelope: bytes, transforms: Sequence[etree._Element]) -> bytes | None:
    """The envelope after ``transforms`` (None when one of them is not one this module knows)."""
    tree = parse_xml(envelope)
    exclusive, comments = False, False
    for transform in transforms:
        algorithm = transform.get("Algorithm", "")
        if algorithm == ENVELOPED:
            for signature in tree.iter(_ds("Signature")):
                signature.getparent().remove(signature)
                break
        elif algorithm == XPATH and "actor" in "".join(transform.itertext()):
            for node in [n for n in tree.iter() if n.get(f"{{{SOAP_NS}}}actor") in NEXT_MSH]:
                node.getparent().remove(node)
        elif algorithm in C14N:
            exclusive, comments = C14N[algorithm]
        else:
            return None
    return bytes(etree.tostring(tree, method="c14n", exclusive=exclusive, with_comments=comments))


def _octets(reference: etree._Element, envelope: bytes, payloads: Sequence[Payload]) -> bytes | None:
    uri = reference.get("URI")
    if uri is not None and uri.lower().startswith("cid:"):
        wanted = bare_content_id(uri[4:])
        return next((p.data for p in payloads if bare_content_id(p.content_id) == wanted), None)
    if uri == "":
        return _envelope_octets(envelope, reference.findall(f"{_ds('Transforms')}/{_ds('Transform')}"))
    return None


def _computed(reference: etree._Element, envelope: bytes, payloads: Sequence[Payload]) -> bytes | None:
    method = reference.find(_ds("DigestMethod"))
    value = reference.find(_ds("DigestValue"))
    digest = DIGESTS.get(method.get("Algorithm", "")) if method is not None else None
    data = _octets(reference, envelope, payloads)
    if digest is None or value is None or data is None:
        return None
    ours = copy.deepcopy(reference)
    found = ours.find(_ds("DigestValue"))
    assert found is not None
    found.text = base64.b64encode(digest(data)).decode("ascii")
    return fragment_bytes(ours)


def acknowledged_references(
    signature: bytes | None, envelope: bytes | None, payloads: Sequence[Payload]
) -> tuple[bytes, ...]:
    """The received signature's references, each with the digest computed here of what came in."""
    if signature is None or envelope is None:
        return ()
    root = parse_xml(signature)
    references = root.iterfind(f"{_ds('SignedInfo')}/{_ds('Reference')}")
    return tuple(_each(references, envelope, payloads))


def _each(
    references: Iterator[etree._Element], envelope: bytes, payloads: Sequence[Payload]
) -> Iterator[bytes]:
    for reference in references:
        computed = _computed(reference, envelope, payloads)
        if computed is not None:
            yield computed
