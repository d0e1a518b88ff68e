"""The one XML parse function of the project: no DTDs, no entities, no network, bounded size and depth.

Every adapter parses through ``parse_xml``; nothing else in the tree calls ``etree.fromstring``.
Each refusal is a coded ``XmlRefused`` or ``ParseError`` that says where and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

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

    Encoding comes from the XML declaration (UTF-8 and ISO-8859-1 both occur in real traffic).
    """
    if len(raw) > limits.max_bytes:
        raise XmlRefused(
            f"document is {len(raw)} bytes",
            code="xml.too-large",
            expected=f"at most {limits.max_bytes} bytes",
        )
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
    _check_depth(root, limits.max_depth)
    return root


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


def document_encoding(raw: bytes) -> str:
    """The encoding declared in the XML declaration, defaulting to UTF-8."""
    match = re.match(rb"""\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""", raw)
    return match.group(1).decode("ascii").upper() if match else "UTF-8"
