"""Writing PLO payloads, strict: typed fields go back into the source document, then the official XSD.

``serialize_plo`` never returns a document that fails the schema of its version: it raises
``SchemaInvalid`` with line and XPath of the first problem instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lxml import etree

from samband.adapters.plo import catalog
from samband.adapters.plo.message import Logistikk, PloMessage
from samband.adapters.plo.nodes import Namespaces, clark, read_node, write_node
from samband.adapters.plo.parse import find_logistikk, namespaces
from samband.adapters.plo.validate import validate_plo
from samband.adapters.plo.xsdinfo import element_content
from samband.adapters.xml.safe import parse_xml
from samband.adapters.xml.schemas import compiled_schema, schema_for_namespace, xsd_findings
from samband.kernel.errors import SchemaInvalid, UnsupportedMessage
from samband.kernel.problems import Severity

_PREFIXES = ("fk1", "epj1", "epj2", "epj3", "m1")


def _spec(msg: PloMessage) -> catalog.MessageSpec:
    spec = catalog.spec_for(msg.namespace, msg.version, msg.root)
    if spec is None:
        raise UnsupportedMessage(
            f"no PLO schema for namespace {msg.namespace!r}",
            code="plo.unsupported-namespace",
            received=msg.namespace,
            expected="a namespace from adapters/plo/catalog.yaml",
        )
    return spec


def _empty_root(spec: catalog.MessageSpec, ns: Namespaces) -> bytes:
    nsmap: dict[str | None, str] = {None: str(ns["po"]), "msg": spec.namespace}
    nsmap.update({prefix: str(ns[prefix]) for prefix in _PREFIXES})
    return bytes(etree.tostring(etree.Element(f"{{{spec.namespace}}}{spec.root}", nsmap=nsmap)))


def _write_logistikk(
    root: etree._Element, msg: PloMessage, spec: catalog.MessageSpec, ns: Namespaces
) -> None:
    old = find_logistikk(root, spec)
    before = None if old is None else read_node(Logistikk, old, ns, element=etree.QName(old).localname)
    if before == msg.logistikk:
        return
    if old is not None:
        root.remove(old)
    if msg.logistikk is not None:
        tag = clark("msg:" + msg.logistikk.element, ns)
        write_node(msg.logistikk, tag, ns, parent=root, model=element_content(root.tag))


def to_document(msg: PloMessage) -> etree._Element:
    """The payload element with every typed field written back; not yet schema-checked."""
    spec = _spec(msg)
    ns = namespaces(spec)
    fresh = msg.source is None
    node = replace(msg, source=_empty_root(spec, ns)) if fresh else msg
    root = write_node(node, f"{{{spec.namespace}}}{spec.root}", ns)
    _write_logistikk(root, msg, spec, ns)
    if fresh:
        etree.indent(root, space="  ")
    return root


def check_schema(root: etree._Element, namespace: str) -> None:
    """Raise ``SchemaInvalid`` when ``root`` fails the official XSD of ``namespace``."""
    findings = xsd_findings(root, compiled_schema([namespace]))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        schema = schema_for_namespace(namespace)
        raise SchemaInvalid(
            f"PLO payload fails its schema ({len(errors)} problem(s)): {first.text}",
            code="plo.schema-invalid",
            where=first.path,
            line=first.line,
            column=first.column,
            expected=f"a document valid against {schema.name if schema else namespace}",
        )


def check_rules(root: etree._Element) -> None:
    """Raise ``SchemaInvalid`` (code = rule id) for a PLO rule error, e.g. a bad Forsendelsesstatus."""
    first = next((f for f in validate_plo(root) if f.severity is Severity.ERROR), None)
    if first is not None:
        raise SchemaInvalid(
            first.text, code=first.code, where=first.path, line=first.line, expected="a valid PLO message"
        )


def serialize_plo(msg: PloMessage, amend: Callable[[etree._Element], object] | None = None) -> etree._Element:
    """The payload element for ``msg``, valid against the official XSD of its version and free of
    PLO rule errors (else ``SchemaInvalid``).

    ``amend`` may change the written document before the checks (the mappings put carried elements
    back with it). The element is re-read from its own bytes so line numbers in errors point into
    the output.
    """
    document = to_document(msg)
    if amend is not None:
        amend(document)
        if msg.source is None:
            etree.indent(document, space="  ")
    root = parse_xml(etree.tostring(document))
    check_schema(root, msg.namespace)
    check_rules(root)
    return root


def serialize_plo_bytes(msg: PloMessage) -> bytes:
    """``serialize_plo`` as UTF-8 bytes with an XML declaration."""
    return bytes(etree.tostring(serialize_plo(msg), xml_declaration=True, encoding="UTF-8"))
