"""What the fuzz tests share: the seed corpora, the strategies that mutate them or build documents
from scratch, and the oracle.

Seeds: ``tests/fuzz/corpus/<target>/`` (small synthetic documents, and the minimal crashers the
fuzzing found, kept as regression seeds), the repository's synthetic messages, and, when
``SAMBAND_SHARED_DIR`` holds them, the official samples (read at test time, never copied here).

Oracle (``coded``): a parser or codec either answers, or raises a ``GatewayError`` whose code is in
the catalogue; the problems it reports carry catalogued codes. Any other exception fails the test.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from samband.kernel import catalogue
from samband.kernel.errors import GatewayError
from samband.kernel.problems import Problem
from tests.conftest import ROOT, SAMPLES

CORPUS = Path(__file__).resolve().parent / "corpus"
MESSAGES = ROOT / "tests" / "messages"
GOLDEN = ROOT / "tests" / "golden"
MAX_SEED_BYTES = 64 * 1024

HOSTILE: tuple[bytes, ...] = (
    b'<!DOCTYPE x [<!ENTITY e "eee">]>',
    b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    b'<!ENTITY x SYSTEM "http://127.0.0.1:1/">',
    b"&e;",
    b"&#0;",
    b"&#xFFFE;",
    b"&#x110000;",
    b"&amp",
    b"<![CDATA[",
    b"]]>",
    b"<?pi data?>",
    b"<?xml version='1.0'?>",
    b"<!--",
    b"-->",
    b"\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\x80",
    b"<a>" * 300,
    b"<x:y>",
    b' xmlns=""',
    b' xmlns:x="urn:x"',
    b' xsi:type="x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    b' V=""',
    b' V="\xc3\xa6\xc3\xb8\xc3\xa5"',
    b"1e1000000",
    b"9" * 5000,
    b"-0",
    b"NaN",
    b"Infinity",
    b"0000-00-00",
    b"2024-02-30T25:61:61",
    b"12345678901",
    b"\r\n--boundary\r\n",
    b"\r\n\r\n",
    b"Content-Type: multipart/related; boundary=b; start=<x>\r\n\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"charset=utf-16",
    b"=?utf-8?b?w6Y=?=",
    b'{"resourceType": "Bundle",',
    b"[",
    b"{",
    b'"',
    b"}",
    b"null",
    b"\\u0000",
    b"\\ud800",
    b"[" * 2000,
)

ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252")
DECLARED = (b"UTF-8", b"ISO-8859-1", b"UTF-16", b"windows-1252", b"bogus", b"")

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "12345678901",
        "99999999999",
        "2024-13-45",
        "1e400",
        "NaN",
        "x" * 3000,
        "æøå",
        "urn:oid:",
        "../../etc",
        "\u202e",
        "\ufffd",
        "80101",
        "true",
    ]
)
XML_TEXT = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=40)
    | HOSTILE_TEXT
)


def coded(call: Callable[[], object]) -> object:
    """Run ``call``: its result, or None for a coded refusal (a catalogued ``GatewayError``). The
    problems a result holds must be catalogued too. Any other exception fails the test."""
    try:
        result = call()
    except GatewayError as error:
        assert catalogue.entry(error.code) is not None, f"code {error.code!r} is not catalogued ({error})"
        return None
    for problem in _problems(result):
        assert catalogue.entry(problem.code) is not None, f"problem code {problem.code!r} is not catalogued"
    return result


def _problems(result: object) -> Iterable[Problem]:
    if isinstance(result, Problem):
        yield result
    elif isinstance(result, list | tuple):
        for item in result:
            yield from _problems(item)


def _files(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted({p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()})


@functools.cache
def seeds(target: str, *extra: str) -> tuple[bytes, ...]:
    """The corpus of ``target``, then the repository's and the shared folders named in ``extra``
    (``messages/plo``, ``golden/plo_to_fhir``, ``samples/apprec`` …); each seed at most 64 KiB."""
    folders = [CORPUS / target]
    bases = {"messages": MESSAGES, "golden": GOLDEN, "samples": SAMPLES}
    for name in extra:
        base, _, rest = name.partition("/")
        folders.append(bases[base] / rest)
    found: list[bytes] = []
    for folder in folders:
        for path in _files(folder, ("*.xml", "*.json", "*.eml", "*.mime", "*.txt", "*.bin")):
            data = path.read_bytes()
            if len(data) <= MAX_SEED_BYTES:
                found.append(data)
    assert found, f"no seeds for {target}"
    return tuple(found)


CORPORA: dict[str, tuple[bytes, ...]] = {}
"""The seeds of each target by name: strategies take the name (their repr stays short)."""


def register(name: str, corpus: tuple[bytes, ...]) -> str:
    CORPORA[name] = corpus
    return name


def seed_of(draw: st.DrawFn, corpus: str) -> bytes:
    """One seed of the named corpus."""
    found = CORPORA[corpus]
    return found[draw(st.integers(0, len(found) - 1))]


def corpus_files(target: str) -> list[Path]:
    """The files kept in ``corpus/<target>/`` (synthetic seeds and regression crashers)."""
    return _files(CORPUS / target, ("*",))


# --- byte-level mutations -----------------------------------------------------------------------

_ELEMENT = re.compile(rb"<([A-Za-z_][\w:.-]*)[^<>]*>[^<]*</\1>")


def _flip(data: bytes, draw: st.DrawFn) -> bytes:
    if not data:
        return b"\x00"
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]


def _truncate(data: bytes, draw: st.DrawFn) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def _delete(data: bytes, draw: st.DrawFn) -> bytes:
    start = draw(st.integers(0, len(data)))
    return data[:start] + data[start + draw(st.integers(0, 64)) :]


def _insert(data: bytes, draw: st.DrawFn) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.sampled_from(HOSTILE)) + data[at:]


def _after_declaration(data: bytes, draw: st.DrawFn) -> bytes:
    """A hostile construct where a parser first looks: after the XML declaration or at the start."""
    end = data.find(b"?>")
    at = end + 2 if 0 <= end < 200 else 0
    return data[:at] + draw(st.sampled_from(HOSTILE)) + data[at:]


def _duplicate_element(data: bytes, draw: st.DrawFn) -> bytes:
    found = list(_ELEMENT.finditer(data))
    if not found:
        return data
    match = draw(st.sampled_from(found))
    copies = draw(st.integers(1, 3))
    return data[: match.end()] + match.group(0) * copies + data[match.end() :]


def _re_encode(data: bytes, draw: st.DrawFn) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encoding = draw(st.sampled_from(ENCODINGS))
    encoded = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        encoded = re.sub(
            rb'encoding=["\'][^"\']*["\']', b'encoding="%s"' % draw(st.sampled_from(DECLARED)), data
        )
    return encoded


def _text_value(data: bytes, draw: st.DrawFn) -> bytes:
    """Replace the text between one ``>`` and the next ``<`` (or one quoted value) with a hostile one."""
    found = list(re.finditer(rb">([^<>]{1,200})<|\"([^\"<>]{0,200})\"", data))
    if not found:
        return data
    match = draw(st.sampled_from(found))
    group = 1 if match.group(1) is not None else 2
    value = draw(HOSTILE_TEXT).encode("utf-8")
    return data[: match.start(group)] + value + data[match.end(group) :]


BYTE_MUTATIONS = (
    _flip,
    _truncate,
    _delete,
    _insert,
    _after_declaration,
    _duplicate_element,
    _re_encode,
    _text_value,
)


@st.composite
def mutated(draw: st.DrawFn, corpus: str) -> bytes:
    """A seed with one to four byte-level mutations."""
    data = seed_of(draw, corpus)
    for mutation in draw(st.lists(st.sampled_from(BYTE_MUTATIONS), min_size=1, max_size=4)):
        data = mutation(data, draw)
    return data


# --- structure-aware XML --------------------------------------------------------------------------


def _tree(data: bytes) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


@functools.cache
def vocabulary(corpus: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every element name (``{ns}local``) and attribute name used in ``corpus``."""
    tags: set[str] = set()
    attributes: set[str] = {"V", "DN", "S", "OT"}
    for data in CORPORA[corpus]:
        root = _tree(data)
        if root is None:
            continue
        for element in root.iter():
            if isinstance(element.tag, str):
                tags.add(element.tag)
                attributes.update(a for a in element.attrib if not a.startswith("{"))
    return tuple(sorted(tags)), tuple(sorted(attributes))


def _element(draw: st.DrawFn, tags: tuple[str, ...], attributes: tuple[str, ...], depth: int) -> Any:
    element = etree.Element(draw(st.sampled_from(tags)))
    for name in draw(st.lists(st.sampled_from(attributes), max_size=3, unique=True)):
        element.set(name, draw(XML_TEXT))
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        element.text = draw(XML_TEXT)
        return element
    for _ in range(draw(st.integers(0, 4))):
        element.append(_element(draw, tags, attributes, depth - 1))
    return element


def _serialize(root: etree._Element, draw: st.DrawFn) -> bytes:
    encoding = draw(st.sampled_from(("UTF-8", "UTF-8", "ISO-8859-1", "UTF-16")))
    try:
        return bytes(etree.tostring(root, xml_declaration=True, encoding=encoding))
    except (ValueError, LookupError, UnicodeError):
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@st.composite
def xml_documents(draw: st.DrawFn, corpus: str, root: str) -> bytes:
    """A random tree of the corpus's element and attribute names under the root ``{ns}local``."""
    tags, attributes = vocabulary(corpus)
    document = etree.Element(root)
    for _ in range(draw(st.integers(0, 5))):
        document.append(_element(draw, tags or (root,), attributes, draw(st.integers(0, 4))))
    return _serialize(document, draw)


@st.composite
def xml_mutated(draw: st.DrawFn, corpus: str) -> bytes:
    """A seed parsed and changed as a tree: elements removed, duplicated, moved, renamed, emptied,
    given hostile text or attribute values, or replaced by a random subtree."""
    seed = seed_of(draw, corpus)
    root = _tree(seed)
    if root is None:
        return seed
    tags, attributes = vocabulary(corpus)
    for _ in range(draw(st.integers(1, 4))):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = draw(st.sampled_from(elements))
        parent = element.getparent()
        operation = draw(st.integers(0, 7))
        if operation == 0 and parent is not None:
            parent.remove(element)
        elif operation == 1 and parent is not None:
            parent.insert(parent.index(element), copy.deepcopy(element))
        elif operation == 2 and parent is not None:
            target = draw(st.sampled_from(elements))
            if target is not element and element not in list(target.iterancestors()):
                parent.remove(element)
                target.append(element)
        elif operation == 3 and tags:
            element.tag = draw(st.sampled_from(tags))
        elif operation == 4:
            element.text = draw(XML_TEXT)
            for child in list(element):
                element.remove(child)
        elif operation == 5:
            element.set(draw(st.sampled_from(attributes)), draw(XML_TEXT))
        elif operation == 6 and tags:
            element.append(_element(draw, tags, attributes, draw(st.integers(0, 3))))
        else:
            element.text = draw(XML_TEXT)
    return _serialize(root, draw)


# --- JSON -----------------------------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | HOSTILE_TEXT
)


@functools.cache
def json_keys(corpus: str) -> tuple[str, ...]:
    """Every object key used in the JSON seeds of ``corpus``."""
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for data in CORPORA[corpus]:
        try:
            walk(json.loads(data))
        except ValueError:
            continue
    return tuple(sorted(keys)) or ("resourceType",)


def json_values(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return st.recursive(
        JSON_SCALARS,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), inner, max_size=5)
        ),
        max_leaves=25,
    )


def _dump(value: object, draw: st.DrawFn) -> bytes:
    return json.dumps(value, allow_nan=True, ensure_ascii=draw(st.booleans())).encode("utf-8")


@st.composite
def json_documents(draw: st.DrawFn, corpus: str, top: dict[str, Any]) -> bytes:
    """A random JSON object with the corpus's keys, holding ``top`` (e.g. a resourceType)."""
    keys = json_keys(corpus)
    document = draw(st.dictionaries(st.sampled_from(keys), json_values(keys), max_size=8))
    return _dump({**top, **document}, draw)


@st.composite
def json_mutated(draw: st.DrawFn, corpus: str) -> bytes:
    """A JSON seed changed as data: keys dropped, values replaced by random or hostile ones, list
    items duplicated."""
    seed = seed_of(draw, corpus)
    try:
        data = json.loads(seed)
    except ValueError:
        return seed
    keys = json_keys(corpus)
    for _ in range(draw(st.integers(1, 4))):
        containers = _containers(data)
        if not containers:
            break
        container = draw(st.sampled_from(containers))
        if isinstance(container, dict) and container:
            key = draw(st.sampled_from(sorted(container)))
            operation = draw(st.integers(0, 2))
            if operation == 0:
                del container[key]
            else:
                container[key] = draw(json_values(keys))
        elif isinstance(container, list) and container:
            at = draw(st.integers(0, len(container) - 1))
            if draw(st.booleans()):
                container.insert(at, json.loads(json.dumps(container[at])))
            else:
                container[at] = draw(json_values(keys))
    return _dump(data, draw)


def _containers(value: object) -> list[Any]:
    found: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            found.append(item)
            stack.extend(item)
    return found
