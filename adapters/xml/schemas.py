"""Where the official XSDs are, which file defines which namespace, and XSD validation with positions.

The official schemas are reference material published by the standards bodies and are not shipped
in this package: ``samband schemas fetch`` installs them into the per-user data folder, or
``SAMBAND_XSD_DIR`` points at a folder laid out the same way (``adapters.xml.official``). The
team's own schemas live in ``schemas/`` and are always available.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from samband.adapters.xml.official import FETCH, xsd_dir
from samband.kernel.errors import SchemasMissing
from samband.kernel.problems import Problem, Severity

XSD_NS = "http://www.w3.org/2001/XMLSchema"
OWN_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
MARKER = Path("msghead") / "MsgHead-v1_2.xsd"
_LOCK = threading.Lock()


FOUND_FOR_SECONDS = 2.0  # a folder found is taken as found for this long (a validation asks often)
_found: dict[Path, tuple[float, Path]] = {}


def official_xsd_dir() -> Path:
    """The folder with the official XSDs; ``SchemasMissing`` when they are not there (looked up again
    once the last finding is ``FOUND_FOR_SECONDS`` old, so schemas that vanish while the gateway runs
    are noticed, and one validation's many look-ups cost one)."""
    folder = xsd_dir()
    until, resolved = _found.get(folder, (0.0, folder))
    if until > time.monotonic():
        return resolved
    if (folder / MARKER).is_file():
        resolved = folder.resolve()
        _found[folder] = (time.monotonic() + FOUND_FOR_SECONDS, resolved)
        return resolved
    raise SchemasMissing(
        f"official XSDs not found in {folder}; run `{FETCH}`",
        where=str(folder),
        expected=f"a folder with {MARKER.as_posix()} (SAMBAND_XSD_DIR, or the per-user data folder)",
    )


def _target_namespace(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            for _event, element in etree.iterparse(handle, events=("start",), no_network=True):
                namespace = element.get("targetNamespace")
                return str(namespace) if namespace else None
    except etree.XMLSyntaxError:
        return None
    return None


def namespace_catalog() -> dict[str, Path]:
    """targetNamespace → schema file, scanned from the official folder and ``schemas/``.

    Where several byte-identical copies exist (kith.xsd in many folders) the first in sorted
    order wins; the OASIS/W3C helpers are included so ebXML validates offline.
    """
    return _catalog(official_xsd_dir())


@functools.cache
def _catalog(official: Path) -> dict[str, Path]:
    catalog: dict[str, Path] = {}
    for root in (official, OWN_SCHEMAS):
        for path in sorted(root.rglob("*.xsd")):
            namespace = _target_namespace(path)
            if namespace and namespace not in catalog:
                catalog[namespace] = path
    return catalog


def schema_for_namespace(namespace: str) -> Path | None:
    return namespace_catalog().get(namespace)


def _driver(paths: dict[str, Path]) -> etree._Element:
    driver = etree.Element(f"{{{XSD_NS}}}schema", nsmap={"xs": XSD_NS})
    for namespace, path in sorted(paths.items()):
        etree.SubElement(
            driver,
            f"{{{XSD_NS}}}import",
            namespace=namespace,
            schemaLocation=path.as_uri(),
        )
    return driver


@functools.cache
def _compiled(paths: frozenset[tuple[str, Path]]) -> etree.XMLSchema:
    with _LOCK:
        try:
            return etree.XMLSchema(_driver(dict(paths)))
        except etree.XMLSchemaParseError as exc:
            raise SchemasMissing(
                f"schema set does not compile: {exc}; run `{FETCH}`", code="config.xsd-compile"
            ) from exc


def compiled_schema(namespaces: Iterable[str]) -> etree.XMLSchema:
    """One compiled schema that knows every namespace in ``namespaces`` (unknown ones skipped)."""
    found = {ns: path for ns in namespaces if (path := schema_for_namespace(ns)) is not None}
    return _compiled(frozenset(found.items()))


def compiled_file(path: Path) -> etree.XMLSchema:
    """A schema compiled from one file, e.g. a schema in ``schemas/``."""
    namespace = _target_namespace(path) or ""
    return _compiled(frozenset({(namespace, path.resolve())}))


def document_namespaces(root: etree._Element) -> set[str]:
    """Every element namespace used in the document (payloads inside RefDoc/Content included)."""
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    return {tag[1:].partition("}")[0] if tag.startswith("{") else "" for tag in tags}


def xsd_findings(
    root: etree._Element,
    schema: etree.XMLSchema,
    *,
    rule: str = "xsd",
    severity: Severity = Severity.ERROR,
) -> list[Problem]:
    """Validate ``root`` and turn each schema error into a Problem with line, column and XPath."""
    if schema.validate(root):
        return []
    return [
        Problem(
            code=rule,
            severity=severity,
            text=entry.message,
            line=entry.line or None,
            column=entry.column or None,
            path=entry.path or None,
        )
        for entry in schema.error_log
    ]


def validate_with_catalog(root: etree._Element, *, rule: str = "xsd") -> list[Problem]:
    """Validate a document against the official schemas of every namespace it uses.

    A namespace with no schema in the catalog gives a warning finding, not a crash.
    """
    namespaces = document_namespaces(root)
    missing = sorted(ns for ns in namespaces if ns and schema_for_namespace(ns) is None)
    findings = [
        Problem(
            code="xsd.no-schema",
            severity=Severity.WARNING,
            text=f"no schema known for namespace {ns}; that part is not validated",
        )
        for ns in missing
    ]
    return findings + xsd_findings(root, compiled_schema(namespaces), rule=rule)
