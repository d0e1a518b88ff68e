"""The one XML parse function of the project: no DTDs, no entities, no network, bounded size and depth.

Every adapter parses through ``parse_xml``; nothing else in the tree calls ``etree.fromstring``.
Each refusal is a coded ``XmlRefused`` or ``ParseError`` that says where and what was expected.
Bytes that do not match their declared encoding are refused first (``adapters/xml/encoding.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from samband.adapters.xml.encoding import as_checked_bytes
from samband.adapters.xml.encoding import document_encoding as document_encoding
from samband.kernel.errors import ParseError, XmlRefused

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class XmlLimits:
    """Bounds on what the gateway is willing to parse."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


DEFAULT_LIMITS = XmlLimits()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        collect_ids=False,
    )


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _refuse_declarations(raw: bytes) -> None:
    """DTDs (and so entity declarations) are refused before the parser sees them."""
    for pattern, code, what in (
        (_ENTITY, "xml.entity-forbidden", "entity declaration"),
        (_DOCTYPE, "xml.dtd-forbidden", "DOCTYPE declaration"),
    ):
        match = pattern.search(raw, 0, 1 << 20) or pattern.search(raw)
        if match:
            raise XmlRefused(
                f"{what} is not allowed in a health message",
                code=code,
                line=_line_of(raw, match.start()),
                expected="a document without DTD or entities",
            )


def _too_deep(max_depth: int) -> etree.XPath:
    """Any node an element holds (element, comment, PI) at nesting level ``max_depth + 1``."""
    return etree.XPath("/*" + "/*" * (max_depth - 1) + "/node()[not(self::text())]")


_TOO_DEEP = {DEFAULT_MAX_DEPTH: _too_deep(DEFAULT_MAX_DEPTH)}


def _check_depth(root: etree._Element, max_depth: int) -> None:
    finder = _TOO_DEEP.get(max_depth) or _TOO_DEEP.setdefault(max_depth, _too_deep(max_depth))
    found = finder(root) if max_depth > 0 else [root]
    if isinstance(found, list) and found:
        element = found[-1]  # the last in document order, as a depth-first walk from the end meets it
        raise XmlRefused(
            f"element nesting deeper than {max_depth} levels",
            code="xml.too-deep",
            line=getattr(element, "sourceline", None),
            expected=f"at most {max_depth} levels",
        )


def parse_xml(raw: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse ``raw`` safely and return its root element.

    Encoding comes from the byte-order mark or the XML declaration (UTF-8 and ISO-8859-1 both occur in
    real traffic, UTF-16 now and then); UTF-16 and UTF-32 are read as UTF-8, so every check below
    sees the same bytes whatever the document's encoding.
    """
    if len(raw) > limits.max_bytes:
        raise XmlRefused(
            f"document is {len(raw)} bytes",
            code="xml.too-large",
            expected=f"at most {limits.max_bytes} bytes",
        )
    raw = as_checked_bytes(raw)
    if not raw.strip():
        raise ParseError("empty document", code="xml.empty", expected="an XML document")
    _refuse_declarations(raw)
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise ParseError(
            f"not well-formed XML: {exc.msg}",
            code="xml.not-well-formed",
            line=line,
            column=column,
            expected="well-formed XML",
        ) from exc
    except ValueError as exc:
        raise ParseError(f"not parseable as XML: {exc}", code="xml.not-well-formed") from exc
    if root is None:
        raise ParseError("no root element", code="xml.not-well-formed")
    _refuse_doctype(root)
    _check_depth(root, limits.max_depth)
    return root


def _refuse_doctype(root: etree._Element) -> None:
    """A DOCTYPE the byte scan could not see (an encoding it does not read) is refused after parsing."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise XmlRefused(
            "DOCTYPE declaration is not allowed in a health message",
            code="xml.dtd-forbidden",
            line=1,
            expected="a document without DTD or entities",
        )


def qname(element: etree._Element) -> tuple[str, str]:
    """(namespace, local name) of an element."""
    tag = element.tag
    if isinstance(tag, str):  # "{namespace}local" or "local": a string split, no QName object
        if tag.startswith("{"):
            namespace, _, local = tag[1:].partition("}")
            return namespace, local
        return "", tag
    name = etree.QName(element)
    return name.namespace or "", name.localname
