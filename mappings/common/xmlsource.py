"""A read-tracking view of an XML payload: every element a mapping reads is marked, and what is left
unread at the end becomes an issue with its path. This is how "nothing silently dropped" is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from samband.adapters.kith.datatypes import Code


def local(element: etree._Element) -> str:
    tag = element.tag
    if isinstance(tag, str):  # "{namespace}local" or "local": a string split, no QName object
        return tag.rpartition("}")[2]
    return str(etree.QName(element).localname)


def _elements(parent: etree._Element) -> Iterator[etree._Element]:
    return (c for c in parent if isinstance(c.tag, str))


def element_path(element: etree._Element) -> str:
    """``/Root/Child[2]/Leaf`` by local names; the index only where siblings share a name."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        name = local(node)
        if parent is not None:
            same = [c for c in _elements(parent) if local(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def tree_paths(root: etree._Element) -> dict[etree._Element, str]:
    """``element_path`` of every element under ``root`` (a top element) in one walk of the tree."""
    paths = {root: "/" + local(root)}
    stack = [root]
    while stack:
        parent = stack.pop()
        base = paths[parent] + "/"
        kids = list(_elements(parent))
        names = [local(c) for c in kids]
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        seen: dict[str, int] = {}
        for kid, name in zip(kids, names, strict=True):
            if counts[name] > 1:
                seen[name] = seen.get(name, 0) + 1
                name = f"{name}[{seen[name]}]"
            paths[kid] = base + name
            stack.append(kid)
    return paths


@dataclass
class Source:
    """One document being read; ``seen`` holds the paths of the elements a mapping consumed."""

    root: etree._Element
    prefix: str = ""
    seen: set[str] = field(default_factory=set)
    paths: dict[etree._Element, str] = field(default_factory=dict, repr=False, compare=False)

    def path_of(self, element: etree._Element) -> str:
        """``element_path`` of an element, from the paths of the whole tree worked out once."""
        if not self.paths:
            self.paths.update(tree_paths(self.root.getroottree().getroot()))
        found = self.paths.get(element)
        return found if found is not None else element_path(element)

    def node(self) -> Node:
        return Node(self.root, self)

    def mark(self, element: etree._Element, subtree: bool = False) -> None:
        self.seen.add(self.path_of(element))
        if subtree:
            self.seen.update(self.path_of(e) for e in element.iterdescendants() if isinstance(e.tag, str))

    def leftovers(self) -> list[tuple[str, etree._Element]]:
        """The top-most elements nothing was read from (path with ``prefix``, element)."""
        touched: set[str] = set()
        for path in self.seen:
            parts = path.split("/")
            touched.update("/".join(parts[:i]) for i in range(2, len(parts) + 1))
        out: list[tuple[str, etree._Element]] = []
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            path = self.path_of(element)
            parent = element.getparent()
            if path not in touched and (parent is None or self.path_of(parent) in touched):
                out.append((self.prefix + path, element))
        return out


@dataclass(frozen=True)
class Node:
    """An element inside a ``Source``; readers mark what they return as consumed."""

    element: etree._Element
    source: Source

    @property
    def path(self) -> str:
        return self.source.prefix + self.source.path_of(self.element)

    @property
    def name(self) -> str:
        return local(self.element)

    def all(self, name: str) -> list[Node]:
        return [Node(c, self.source) for c in _elements(self.element) if local(c) == name]

    def one(self, name: str) -> Node | None:
        found = self.all(name)
        return found[0] if found else None

    def children(self) -> list[Node]:
        return [Node(c, self.source) for c in _elements(self.element)]

    def peek(self) -> Node:
        """This element read without marking anything: what is read through it stays a leftover
        (a reading for FHIR of a block that is carried as it is, ``common/carry.py``)."""
        shadow = Source(self.source.root, self.source.prefix, set(), self.source.paths)
        return Node(self.element, shadow)

    def touch(self) -> Node:
        """Mark this element (not its children) as read."""
        self.source.mark(self.element)
        return self

    def consume(self) -> None:
        """Mark this element and everything inside as read."""
        self.source.mark(self.element, subtree=True)

    def text(self, name: str | None = None) -> str | None:
        target = self if name is None else self.one(name)
        if target is None:
            return None
        target.consume()
        value = (target.element.text or "").strip()
        return value or None

    def value(self, name: str) -> str | None:
        """The ``V`` attribute of a kith TS/URL child (e.g. ``TidspunktForHendelse V="…"``)."""
        target = self.one(name)
        if target is None:
            return None
        target.consume()
        value = target.element.get("V")
        return str(value) if value is not None else None

    def flag(self, name: str) -> bool | None:
        raw = self.text(name)
        return None if raw is None else raw.lower() in {"true", "1"}

    def code(self, name: str) -> Code | None:
        """A kith CS/CV child as a ``Code`` (V, DN, S, OT)."""
        target = self.one(name)
        if target is None:
            return None
        target.consume()
        get = target.element.get
        return Code(v=get("V"), dn=get("DN"), s=get("S"), ot=get("OT"))
