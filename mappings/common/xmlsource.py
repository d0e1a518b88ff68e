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
        for kid, path in child_paths(parent, paths[parent]):
            paths[kid] = path
            stack.append(kid)
    return paths


def child_paths(parent: etree._Element, base: str) -> Iterator[tuple[etree._Element, str]]:
    """Each element child of ``parent`` (at path ``base``) with its path: ``[n]`` only among namesakes."""
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
        yield kid, f"{base}/{name}"


@dataclass
class Source:
    """One document being read; ``seen`` holds the elements a mapping consumed, ``whole`` those it
    consumed with everything inside. Paths are worked out only for what is asked for (an issue, a
    leftover), each parent's children at once, and kept in ``paths``."""

    root: etree._Element
    prefix: str = ""
    seen: set[etree._Element] = field(default_factory=set)
    paths: dict[etree._Element, str] = field(default_factory=dict, repr=False, compare=False)
    whole: set[etree._Element] = field(default_factory=set)

    def path_of(self, element: etree._Element) -> str:
        """``element_path`` of an element."""
        found = self.paths.get(element)
        if found is not None:
            return found
        chain = [element]  # up to the first element whose path is known, or the top
        parent = element.getparent()
        while parent is not None and parent not in self.paths:
            chain.append(parent)
            parent = parent.getparent()
        if parent is None:
            top = chain[-1]
            self.paths[top] = "/" + local(top)
        for node in reversed(chain):
            if node not in self.paths:
                self._name_children(node.getparent())
        found = self.paths.get(element)
        return found if found is not None else element_path(element)

    def _name_children(self, parent: etree._Element | None) -> None:
        """The paths of every element child of ``parent`` (whose path is known), as ``tree_paths``."""
        if parent is not None:
            self.paths.update(child_paths(parent, self.paths[parent]))

    def node(self) -> Node:
        return Node(self.root, self)

    def mark(self, element: etree._Element, subtree: bool = False) -> None:
        self.seen.add(element)
        if subtree:
            self.whole.add(element)

    def leftovers(self) -> list[tuple[str, etree._Element]]:
        """The top-most elements nothing was read from (path with ``prefix``, element)."""
        touched: set[etree._Element] = set()  # what was read, and every element around it
        for element in (*self.seen, *self.whole):
            node: etree._Element | None = element
            while node is not None and node not in touched:
                touched.add(node)
                node = node.getparent()
        root = self.root
        above = root.getparent()
        node = above
        while node is not None:
            if node in self.whole:
                return []  # read whole from outside the source's root
            node = node.getparent()
        out: list[tuple[str, etree._Element]] = []
        stack = [(root, above is None or above in touched)]
        while stack:  # document order; below what was read whole nothing is left
            element, parent_touched = stack.pop()
            if element in self.whole:
                continue
            if element in touched:
                stack.extend((kid, True) for kid in reversed(list(_elements(element))))
            elif parent_touched:
                out.append((self.prefix + self.path_of(element), element))
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
        source = self.source
        return [Node(c, source) for c in self.element.iterchildren("{*}" + name)]

    def one(self, name: str) -> Node | None:
        for c in self.element.iterchildren("{*}" + name):
            return Node(c, self.source)
        return None

    def children(self) -> list[Node]:
        return [Node(c, self.source) for c in _elements(self.element)]

    def peek(self) -> Node:
        """This element read without marking anything: what is read through it stays a leftover
        (a reading for FHIR of a block that is carried as it is, ``common/carry.py``)."""
        shadow = Source(self.source.root, self.source.prefix, set(), self.source.paths, set())
        return Node(self.element, shadow)

    def touch(self) -> Node:
        """Mark this element (not its children) as read."""
        self.source.mark(self.element)
        return self

    def consume(self) -> None:
        """Mark this element and everything inside as read."""
        self.source.mark(self.element, subtree=True)

    def _consumed(self, name: str | None) -> etree._Element | None:
        """This element (``name`` None) or its first child ``name``, marked read with all inside."""
        if name is None:
            self.source.mark(self.element, subtree=True)
            return self.element
        for found in self.element.iterchildren("{*}" + name):
            self.source.mark(found, subtree=True)
            return found
        return None

    def text(self, name: str | None = None) -> str | None:
        target = self._consumed(name)
        if target is None:
            return None
        value = (target.text or "").strip()
        return value or None

    def value(self, name: str) -> str | None:
        """The ``V`` attribute of a kith TS/URL child (e.g. ``TidspunktForHendelse V="…"``)."""
        target = self._consumed(name)
        if target is None:
            return None
        value = target.get("V")
        return str(value) if value is not None else None

    def flag(self, name: str) -> bool | None:
        raw = self.text(name)
        return None if raw is None else raw.lower() in {"true", "1"}

    def code(self, name: str) -> Code | None:
        """A kith CS/CV child as a ``Code`` (V, DN, S, OT)."""
        target = self._consumed(name)
        if target is None:
            return None
        get = target.get
        return Code(v=get("V"), dn=get("DN"), s=get("S"), ot=get("OT"))
