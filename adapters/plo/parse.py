"""Reading PLO payloads, tolerant on receive: bytes, a payload root, or a whole Hodemelding.

In a Hodemelding (MsgHead 1.2) the payload is the element in ``Document/RefDoc/Content``; the
namespace picks the version and root (catalog.yaml), the Pasientlogistikk choice element the kind.
"""

from __future__ import annotations

from lxml import etree

from samband.adapters.kith.datatypes import xpath_of
from samband.adapters.plo import catalog
from samband.adapters.plo.message import Logistikk, PloMessage
from samband.adapters.plo.nodes import Namespaces, read_node
from samband.adapters.xml.safe import parse_xml, qname
from samband.kernel.errors import ParseError, UnsupportedMessage

MSGHEAD_NS = "http://www.kith.no/xmlstds/msghead/2006-05-24"
_CONTENT = f"{{{MSGHEAD_NS}}}Document/{{{MSGHEAD_NS}}}RefDoc/{{{MSGHEAD_NS}}}Content"
_HEADER_CONTAINER = {"2.0": "po:FellesAdministrativeOpplysninger"}
_TIME_AS_TEXT = {"2.0"}  # PLO 2.0 TidspunktForHendelse is xs:dateTime text, 1.x a kith:TS with V


def as_element(data: bytes | etree._Element) -> etree._Element:
    return parse_xml(data) if isinstance(data, bytes) else data


def locate_payload(root: etree._Element) -> etree._Element:
    """The PLO payload: ``root`` itself, or in a MsgHead the first PLO element in RefDoc/Content.

    A MsgHead without any RefDoc/Content element gives ``ParseError`` (``plo.no-payload``).
    """
    if qname(root) != (MSGHEAD_NS, "MsgHead"):
        return root
    payloads = [
        child for content in root.iterfind(_CONTENT) for child in content if isinstance(child.tag, str)
    ]
    known = [p for p in payloads if catalog.spec_for(qname(p)[0]) is not None]
    if known or payloads:
        return (known or payloads)[0]
    raise ParseError(
        "the Hodemelding carries no XML payload in Document/RefDoc/Content",
        code="plo.no-payload",
        where="/MsgHead/Document/RefDoc/Content",
        expected="a PLO payload element",
    )


def namespaces(spec: catalog.MessageSpec) -> Namespaces:
    """Prefixes used by the field specs for one message, plus two version facts: ``header`` (the
    container of the header parts, PLO 2.0) and ``ts`` (how TidspunktForHendelse is written)."""
    return {
        **catalog.namespaces_for(spec.version),
        "msg": spec.namespace,
        "header": _HEADER_CONTAINER.get(spec.version),
        "ts": "text" if spec.version in _TIME_AS_TEXT else "attribute",
    }


def message_spec(payload: etree._Element) -> catalog.MessageSpec:
    """The catalog row for a payload root; ``UnsupportedMessage`` naming the namespace otherwise."""
    namespace, local = qname(payload)
    spec = catalog.spec_for(namespace)
    if spec is None or spec.root != local:
        known = sorted({f"{s.root} ({s.version})" for s in catalog.messages().values()})
        raise UnsupportedMessage(
            f"not a known PLO payload: namespace {namespace or '(none)'}, root {local}",
            code="plo.unsupported-namespace" if spec is None else "plo.unexpected-root",
            where=xpath_of(payload),
            line=payload.sourceline,
            expected="one of " + ", ".join(known),
            received=f"{{{namespace}}}{local}",
        )
    return spec


def find_logistikk(payload: etree._Element, spec: catalog.MessageSpec) -> etree._Element | None:
    kinds = catalog.logistikk_kinds()
    for child in payload:
        if isinstance(child.tag, str) and qname(child) in {(spec.namespace, n) for n in kinds}:
            return child
    return None


def _kind(payload: etree._Element, spec: catalog.MessageSpec, event: etree._Element | None) -> str:
    if spec.kind:
        return spec.kind
    if event is None:
        raise UnsupportedMessage(
            "Pasientlogistikk without a known message element",
            code="plo.unknown-logistikk",
            where=xpath_of(payload),
            line=payload.sourceline,
            expected="one of " + ", ".join(catalog.logistikk_kinds()),
        )
    return catalog.logistikk_kinds()[qname(event)[1]][0]


def parse_plo(data: bytes | etree._Element) -> PloMessage:
    """Read a PLO payload (bytes or element; payload root or whole MsgHead) into a PloMessage.

    Tolerant: no schema check here (``validate_plo`` reports problems); unknown namespaces raise
    ``UnsupportedMessage`` with the namespace named.
    """
    payload = locate_payload(as_element(data))
    spec = message_spec(payload)
    ns = namespaces(spec)
    event = find_logistikk(payload, spec)
    logistikk = None
    if event is not None:
        logistikk = read_node(Logistikk, event, ns, element=qname(event)[1])
    return read_node(
        PloMessage,
        payload,
        ns,
        kind=_kind(payload, spec, event),
        version=spec.version,
        namespace=spec.namespace,
        root=spec.root,
        logistikk=logistikk,
    )
