"""The payload registry: which XML payload namespace inside Hodemelding RefDoc/Content is understood.

``PAYLOADS`` is a plain dict, payload namespace → ``PayloadAdapter``. To support a new payload,
add one line to it (PLO entries are added by ``adapters/plo``; keep one line per namespace, grouped
per family). The Hodemelding parser, serializer and validator look payloads up here only.
"""

from __future__ import annotations

from typing import Any, Protocol

from lxml import etree

from samband.adapters.dialogmelding.payload import DIALOGMELDING_1_0, DIALOGMELDING_1_1
from samband.adapters.msghead.model import MSGHEAD_NS, Payload
from samband.adapters.plo.adapter import PLO_PAYLOADS
from samband.adapters.xml.safe import parse_xml, qname, remember
from samband.kernel.errors import UnsupportedMessage
from samband.kernel.problems import Problem


class PayloadAdapter(Protocol):
    """One payload schema version: element ↔ typed model, plus the payload's own rules.

    ``message_types`` are the MsgInfo/Type values (8279) this payload travels under.
    ``validate`` gives payload-specific findings beyond the XSD (which the caller runs).
    """

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def namespace(self) -> str: ...

    @property
    def root(self) -> str: ...

    @property
    def message_types(self) -> frozenset[str]: ...

    def parse(self, element: etree._Element) -> Any: ...

    def serialize(self, model: Any) -> etree._Element: ...

    def validate(self, element: etree._Element) -> list[Problem]: ...


PAYLOADS: dict[str, PayloadAdapter] = {
    # Dialogmelding (HIS 80603)
    DIALOGMELDING_1_0.namespace: DIALOGMELDING_1_0,
    DIALOGMELDING_1_1.namespace: DIALOGMELDING_1_1,
    # PLO (HIS 80704, 1143–1149): entries added by adapters/plo, one line per namespace
    # 1.5, 1.6 and 2.0 payload namespaces, one PloPayload each, listed in adapters/plo/catalog.yaml
    **PLO_PAYLOADS,
}


def adapter_for(namespace: str) -> PayloadAdapter | None:
    return PAYLOADS.get(namespace)


def payload_element(payload: Payload) -> etree._Element:
    """The payload as a fresh lxml element (parsed through the safe parser)."""
    return parse_xml(payload.xml)


def payload_of(element: etree._Element) -> Payload:
    """Freeze an element into a ``Payload``.

    Every namespace declaration in scope, and every one inside the payload, is kept (payloads carry
    QNames in attribute values such as ``xsi:type="xsd:string"``), except unused ones of the
    Hodemelding itself, so the bytes are the
    same whichever way the surrounding MsgHead declared its namespaces.
    """
    written = etree.tostring(element, encoding="UTF-8", with_tail=False)
    source = parse_xml(written)
    keep = [prefix for prefix, uri in _declared(source, written).items() if prefix and uri != MSGHEAD_NS]
    etree.cleanup_namespaces(source, keep_ns_prefixes=keep)
    namespace, root = qname(source)
    xml = etree.tostring(source, encoding="UTF-8", xml_declaration=False)
    remember(xml, source)  # a translation reads the payload from this tree, not from a parse of ``xml``
    return Payload(namespace=namespace, root=root, xml=xml)


def _declared(source: etree._Element, written: bytes) -> dict[str | None, str]:
    """Every namespace in scope anywhere in ``source`` (the last binding of a prefix in document
    order). Where ``written``, the document ``source`` was parsed from, declares no namespace after
    the root's start tag, that is the root's own, without a look at every element."""
    head_end = written.find(b">")
    if head_end >= 0 and b"xmlns" not in written[head_end:]:
        return dict(source.nsmap)
    return {
        prefix: uri for el in source.iter() if isinstance(el.tag, str) for prefix, uri in el.nsmap.items()
    }


def to_payload(model: Any, namespace: str) -> Payload:
    """Serialize a payload model with the adapter registered for ``namespace``."""
    adapter = PAYLOADS.get(namespace)
    if adapter is None:
        raise UnsupportedMessage(
            f"no payload adapter for namespace {namespace}",
            code="msghead.unknown-payload",
            expected="one of " + ", ".join(sorted(PAYLOADS)),
            received=namespace,
        )
    return payload_of(adapter.serialize(model))


def parse_payload(payload: Payload) -> Any:
    """The typed model of ``payload`` via ``PAYLOADS``; ``UnsupportedMessage`` when not registered."""
    adapter = PAYLOADS.get(payload.namespace)
    if adapter is None:
        raise UnsupportedMessage(
            f"payload {payload.root} in namespace {payload.namespace} is not supported",
            code="msghead.unknown-payload",
            where="/MsgHead/Document/RefDoc/Content",
            expected="one of " + ", ".join(sorted(PAYLOADS)),
            received=payload.namespace,
        )
    return adapter.parse(payload_element(payload))
