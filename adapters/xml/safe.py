"""The one XML parse function of the project: no DTDs, no entities, no network, bounded size and shape.

Every adapter parses through ``parse_xml``; nothing else in the tree calls ``etree.fromstring``.
Each refusal is a coded ``XmlRefused`` or ``ParseError`` that says where and what was expected.

In order, each step cheap before the next costs more:

1. size (``xml.too-large``);
2. encoding: any document is read as UTF-8, bytes that do not match their declaration refused
   (``adapters/xml/encoding.py``);
3. a DOCTYPE or entity declaration anywhere in the (UTF-8) bytes (``xml.dtd-forbidden``,
   ``xml.entity-forbidden``);
4. how many nodes (elements, comments, processing instructions): counted in the bytes, and when
   that count passes the bound in a document with comments or CDATA sections, by a first pass of the
   parser that builds no tree and stops at the bound (``xml.too-many-elements``), so a refusal costs
   no more than the bound and no tree is ever larger than it;
5. the parse itself, and a DOCTYPE the byte scan could not see refused after it;
6. the shape of the tree, each looked for by an XPath (in C) only when the document's size leaves
   room to break it: nesting (``xml.too-deep``), attributes on one element
   (``xml.too-many-attributes``), the length of an attribute value (``xml.attribute-too-long``) and of
   a text (``xml.text-too-large``).
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lxml import etree

from samband.adapters.limits import XmlLimits, current
from samband.adapters.xml.encoding import as_checked_bytes
from samband.adapters.xml.encoding import document_encoding as document_encoding
from samband.kernel.errors import GatewayError, MessageRejected, ParseError, XmlRefused

__all__ = ["XmlLimits", "document_encoding", "parse_xml", "qname", "remember", "shared_parses"]

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _parser(target: object | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        target=target,
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
    """DTDs (and so entity declarations) are refused before the parser sees them; an entity
    declaration is named as such wherever it stands."""
    for pattern, code, what in (
        (_ENTITY, "xml.entity-forbidden", "entity declaration"),
        (_DOCTYPE, "xml.dtd-forbidden", "DOCTYPE declaration"),
    ):
        match = pattern.search(raw)
        if match:
            raise XmlRefused(
                f"{what} is not allowed in a health message",
                code=code,
                line=_line_of(raw, match.start()),
                expected="a document without DTD or entities",
            )


class _Count:
    """A parser target that builds nothing and counts nodes (elements, comments, processing
    instructions), stopping the parse at the first past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.nodes = 0
        self.tag = ""

    def start(self, tag: str, _attrib: object = None) -> None:
        self.nodes += 1
        if self.nodes > self.limit:
            self.tag = tag.rpartition("}")[2]
            raise XmlRefused(
                f"more than {self.limit} elements",
                code="xml.too-many-elements",
                where=f"the {self.nodes}th node, {self.tag}",
                expected=f"at most {self.limit} elements (comments and processing instructions count)",
            )

    def comment(self, _text: str) -> None:
        self.start("comment()")

    def pi(self, _target: str, _data: str | None = None) -> None:
        self.start("processing-instruction()")

    def close(self) -> int:
        return self.nodes


def _count_nodes(raw: bytes, limit: int) -> None:
    """Refuse a document of more than ``limit`` nodes before its tree is built. Every node opens with
    ``<`` and an end tag is none, so the bytes tell how many nodes a document has; exactly, unless
    comments or CDATA sections (whose text may hold ``<``) are in it, and then the parser counts, in a
    first pass that builds nothing and stops at the limit."""
    opened = raw.count(b"<")
    if opened <= limit:
        return
    nodes = opened - raw.count(b"</") - (1 if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") else 0)
    if nodes <= limit:
        return
    if b"<!--" in raw or b"<![CDATA[" in raw:
        _parsed(raw, _Count(limit))
        return
    raise XmlRefused(
        f"{nodes} elements",
        code="xml.too-many-elements",
        expected=f"at most {limit} elements (comments and processing instructions count)",
    )


def _first(path: str) -> etree.XPath:
    return etree.XPath(f"({path})[1]")


_MANY_ATTRIBUTES = _first("//*[count(@*) > $n]")
_LONG_ATTRIBUTE = _first("//@*[string-length(.) > $n]")
_LONG_TEXT = _first("//text()[string-length(.) > $n]")


def _found(path: etree.XPath, root: etree._Element, n: int) -> Any:
    hits = path(root, n=n)
    return hits[0] if isinstance(hits, list) and hits else None


def _check_shape(root: etree._Element, raw: bytes, limits: XmlLimits) -> None:
    """Nesting, attributes and text within ``limits``, each looked for (in C) only when the size of
    the document leaves room to break it."""
    _check_depth(root, limits.max_depth)
    checks = (
        (
            raw.count(b"="),
            _MANY_ATTRIBUTES,
            limits.max_attributes,
            "xml.too-many-attributes",
            "attributes on one element",
        ),
        (
            len(raw),
            _LONG_ATTRIBUTE,
            limits.max_attribute_chars,
            "xml.attribute-too-long",
            "characters in one attribute value",
        ),
        (len(raw), _LONG_TEXT, limits.max_text_chars, "xml.text-too-large", "characters in one text"),
    )
    for room, path, bound, code, what in checks:
        hit = _found(path, root, bound) if room > bound else None
        if hit is not None:
            raise _past(hit, code, f"at most {bound} {what}")


def _past(hit: Any, code: str, expected: str) -> XmlRefused:
    """The refusal of ``hit``: an element with too many attributes, or an attribute value or a text
    (a string XPath result, which knows its element) too long."""
    if isinstance(hit, etree._Element):
        owner, where, size = hit, _local(hit), f"{len(hit.attrib)} attributes"
    else:
        owner = hit.getparent()
        where = f"{_local(owner)}/@{hit.attrname}" if hit.is_attribute else f"{_local(owner)}/text()"
        size = f"{len(hit)} characters"
    return XmlRefused(f"{where} has {size}", code=code, where=where, line=owner.sourceline, expected=expected)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else str(tag)


def _too_deep(max_depth: int) -> etree.XPath:
    """Any node an element holds (element, comment, PI) at nesting level ``max_depth + 1``."""
    return etree.XPath("/*" + "/*" * (max_depth - 1) + "/node()[not(self::text())]")


_TOO_DEEP: dict[int, etree.XPath] = {}


def _check_depth(root: etree._Element, max_depth: int) -> None:
    finder = _TOO_DEEP.get(max_depth) or _TOO_DEEP.setdefault(max_depth, _too_deep(max_depth))
    found = finder(root)
    if isinstance(found, list) and found:
        element = found[-1]  # the last in document order, as a depth-first walk from the end meets it
        raise XmlRefused(
            f"element nesting deeper than {max_depth} levels",
            code="xml.too-deep",
            line=getattr(element, "sourceline", None),
            expected=f"at most {max_depth} levels",
        )


_PARSER_BOUNDS = (
    ("Excessive depth", "xml.too-deep"),
    ("Text node too long", "xml.text-too-large"),
    ("XML_PARSE_HUGE", "xml.refused"),
)


def _not_well_formed(exc: etree.XMLSyntaxError) -> MessageRejected:
    line, column = exc.position if exc.position else (None, None)
    for sign, code in _PARSER_BOUNDS:  # libxml2's own bounds, met before ours
        if sign in exc.msg:
            return XmlRefused(f"past a bound of the parser: {exc.msg}", code=code, line=line, column=column)
    return ParseError(
        f"not well-formed XML: {exc.msg}",
        code="xml.not-well-formed",
        line=line,
        column=column,
        expected="well-formed XML",
    )


def _parsed(raw: bytes, target: object | None = None) -> Any:
    """The root element, or what ``target`` makes of the document."""
    try:
        root = etree.fromstring(raw, _parser(target))
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc) from exc
    except ValueError as exc:
        raise ParseError(f"not parseable as XML: {exc}", code="xml.not-well-formed") from exc
    if root is None:
        raise ParseError("no root element", code="xml.not-well-formed")
    return root


def parse_xml(raw: bytes, limits: XmlLimits | None = None) -> etree._Element:
    """Parse ``raw`` safely and return its root element, within ``limits`` (else the ones in force,
    ``adapters/limits.py``).

    Encoding comes from the byte-order mark or the XML declaration (UTF-8 and ISO-8859-1 both occur in
    real traffic, UTF-16 now and then); every document is read as UTF-8, so every check below sees
    the same characters whatever the document's encoding. The stages of the spine read a message
    more than once: within ``shared_parses`` they share one tree, and a document refused once is
    refused again at the cost of a hash.
    """
    bounds = limits or current().xml
    trees: dict[tuple[int, XmlLimits], tuple[bytes, etree._Element]] | None = getattr(_SHARED, "trees", None)
    if trees is not None:
        kept = trees.get((id(raw), bounds))
        if kept is not None and kept[0] is raw:
            return kept[1]
    key = (len(raw), hash(raw), bounds)
    known = _REFUSED.get(key)
    if known is not None:
        raise copy.copy(known)
    try:
        root = _parse(raw, bounds)
        if trees is not None:
            trees[(id(raw), bounds)] = (raw, root)
        return root
    except GatewayError as refused:
        with _REFUSED_LOCK:
            _REFUSED[key] = refused
            while len(_REFUSED) > _REFUSALS_KEPT:
                del _REFUSED[next(iter(_REFUSED))]
        raise


_REFUSALS_KEPT = 8
_REFUSED: dict[tuple[int, int, XmlLimits], GatewayError] = {}
_REFUSED_LOCK = threading.Lock()
_SHARED = threading.local()


@contextmanager
def shared_parses(share: bool = True) -> Iterator[None]:
    """Within the block, on this thread, the same bytes object parsed again within the same limits
    gives the very tree parsed first (no second parse): for readers that only read the tree.
    ``share=False`` turns it off inside an outer block (for code that changes the trees it parses).
    """
    before = getattr(_SHARED, "trees", None)
    _SHARED.trees = ({} if before is None else before) if share else None
    try:
        yield
    finally:
        _SHARED.trees = before


def remember(raw: bytes, root: etree._Element, limits: XmlLimits | None = None) -> None:
    """Within ``shared_parses``: ``root`` is the tree ``parse_xml(raw, limits)`` would give, ``raw``
    being the serialisation of a tree that passed ``parse_xml`` within the same limits (so it passes
    them too), and nothing changes ``root`` from here on."""
    trees: dict[tuple[int, XmlLimits], tuple[bytes, etree._Element]] | None = getattr(_SHARED, "trees", None)
    if trees is not None:
        trees[(id(raw), limits or current().xml)] = (raw, root)


def _parse(raw: bytes, bounds: XmlLimits) -> etree._Element:
    if len(raw) > bounds.max_bytes:
        raise XmlRefused(
            f"document is {len(raw)} bytes",
            code="xml.too-large",
            expected=f"at most {bounds.max_bytes} bytes",
        )
    raw = as_checked_bytes(raw)
    if not raw or raw.isspace():
        raise ParseError("empty document", code="xml.empty", expected="an XML document")
    _refuse_declarations(raw)
    _count_nodes(raw, bounds.max_elements)
    root: etree._Element = _parsed(raw)
    _refuse_doctype(root)
    _check_shape(root, raw, bounds)
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
