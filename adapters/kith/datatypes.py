"""KITH base data types (kith.xsd CS, CV, TS, URL) as one ``Code`` value, and small element helpers.

Shared by every KITH reader and writer (Hodemelding, AppRec, Dialogmelding, PLO, the shared-type
codec). Readers are tolerant (a missing element is ``None``); writers emit only the attributes the
type allows (CS: V, DN; CV: V, S, DN, OT), so strict output never carries an attribute the schema refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from samband.kernel.codes import lookup


@dataclass(frozen=True)
class Code:
    """A coded value, kith:CS (``v``, ``dn``) or kith:CV (``v``, ``s``, ``dn``, ``ot``).

    ``s`` is the code system OID (``2.16.578.1.12.4.1.1.<kodeverk>``); ``ot`` original text.
    """

    v: str | None = None
    dn: str | None = None
    s: str | None = None
    ot: str | None = None

    @staticmethod
    def of(v: str, dn: str | None = None, system: int | str | None = None) -> Code:
        """A code from kodeverk ``system`` (number like 8116 or a full OID)."""
        oid = None
        if system is not None:
            oid = str(system) if "." in str(system) else lookup.oid(str(system))
        return Code(v=v, dn=dn, s=oid)

    @property
    def system_id(self) -> str | None:
        """The kodeverk number at the end of ``s`` (``8116``), or None."""
        if not self.s:
            return None
        return self.s.rsplit(".", 1)[-1]


def q(namespace: str, local: str) -> str:
    return f"{{{namespace}}}{local}"


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if isinstance(tag, str):  # "{namespace}local" or "local": a string split, no QName object
        return tag.rpartition("}")[2]
    return str(etree.QName(element).localname)


def children(parent: etree._Element | None, namespace: str, local: str) -> Iterator[etree._Element]:
    """Direct children named ``local`` in ``namespace`` (comments and PIs skipped)."""
    if parent is None:
        return
    yield from parent.iterchildren(q(namespace, local))  # the tag filter runs in C


def child(parent: etree._Element | None, namespace: str, local: str) -> etree._Element | None:
    if parent is None:
        return None
    for found in parent.iterchildren(q(namespace, local)):
        return found
    return None


def text(parent: etree._Element | None, namespace: str, local: str) -> str | None:
    """Stripped text of a child element; None when absent or empty."""
    found = child(parent, namespace, local)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def attr_v(parent: etree._Element | None, namespace: str, local: str) -> str | None:
    """The ``V`` attribute of a child (kith TS and URL carry their value there)."""
    found = child(parent, namespace, local)
    if found is None:
        return None
    value = found.get("V")
    return value.strip() if value is not None else None


def code(parent: etree._Element | None, namespace: str, local: str) -> Code | None:
    found = child(parent, namespace, local)
    return code_of(found) if found is not None else None


def code_of(element: etree._Element) -> Code:
    return Code(v=element.get("V"), dn=element.get("DN"), s=element.get("S"), ot=element.get("OT"))


def sub(parent: etree._Element, namespace: str, local: str, value: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, q(namespace, local))
    if value is not None:
        element.text = value
    return element


def add_text(parent: etree._Element, namespace: str, local: str, value: str | None) -> None:
    if value is not None:
        sub(parent, namespace, local, value)


def add_v(parent: etree._Element, namespace: str, local: str, value: str | None) -> None:
    """Write a kith TS or URL element (value in ``V``)."""
    if value is not None:
        sub(parent, namespace, local).set("V", value)


def add_cs(parent: etree._Element, namespace: str, local: str, value: Code | None) -> None:
    """Write a kith:CS element: only V and DN are allowed."""
    if value is not None:
        _set_attrs(sub(parent, namespace, local), (("V", value.v), ("DN", value.dn)))


def add_cv(parent: etree._Element, namespace: str, local: str, value: Code | None) -> None:
    """Write a kith:CV element: V, S, DN, OT."""
    if value is not None:
        attrs = (("V", value.v), ("S", value.s), ("DN", value.dn), ("OT", value.ot))
        _set_attrs(sub(parent, namespace, local), attrs)


def _set_attrs(element: etree._Element, attrs: tuple[tuple[str, str | None], ...]) -> None:
    for name, value in attrs:
        if value is not None:
            element.set(name, value)


_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def pad_date(value: str | None) -> str | None:
    """xs:date text with zero padding restored (``1991-12-4`` → ``1991-12-04``); other text unchanged.

    Receive tolerance: GP systems send unpadded DateOfBirth (see the tolerance list).
    """
    if value is None:
        return None
    match = _LOOSE_DATE.match(value.strip())
    if not match:
        return value.strip()
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


_SAME_BEFORE = etree.XPath(
    "count(preceding-sibling::*[concat('{', namespace-uri(), '}', local-name()) = $tag])"
)
_SAME_AFTER = etree.XPath(
    "boolean(following-sibling::*[concat('{', namespace-uri(), '}', local-name()) = $tag])"
)


def xpath_of(element: etree._Element) -> str:
    """A readable XPath by local names (``/MsgHead/MsgInfo/Patient/Ident[2]/Id``)."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None and isinstance(node.tag, str):
            tag = node.tag if node.tag.startswith("{") else "{}" + node.tag
            before = int(_SAME_BEFORE(node, tag=tag))  # counted in C: thousands of siblings are cheap
            if before or _SAME_AFTER(node, tag=tag):
                name = f"{name}[{before + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))
