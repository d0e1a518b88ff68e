"""The layers hold: a module imports only from its own layer or below, no import forms a cycle, no
function imports a samband module (except the CLI's start-up imports, marked ``# lazy: start-up``),
and SQL runs only in store modules (the core's ``gateway/store/``, a feature's ``store``).

The walk reads every module of the ``samband`` package (kernel, adapters, mappings, integrations,
gateway, features; the linked folders included) with ``ast``. An import also reaches the packages
whose ``__init__`` runs on the way (a cycle through one breaks at start-up all the same). Tests,
bench and tools may import anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import samband

# The layer of a module is the layer of its longest prefix here; a module may import its own layer and below.
ORDER = ("kernel", "adapters", "mappings", "integrations", "gateway", "features", "service")
LAYERS: dict[str, str] = {
    "samband": "kernel",
    "samband.kernel": "kernel",
    "samband.schemas": "kernel",
    "samband.adapters": "adapters",
    "samband.mappings": "mappings",
    "samband.integrations": "integrations",
    "samband.gateway": "gateway",
    "samband.features": "features",
    "samband.gateway.api": "service",
    "samband.gateway.cli": "service",
    "samband.gateway.app": "service",
    "samband.gateway.console": "service",
}
LAZY_MARK = "# lazy: start-up"
LAZY_ALLOWED = ("samband.gateway.cli",)
SQL_CALLS = frozenset({"execute", "exec_driver_sql", "executemany"})

PACKAGE = Path(samband.__file__).parent
ROOT = PACKAGE.parent


@dataclass(frozen=True)
class Import:
    """One ``import`` of a samband module: where it stands, what it names, and how (``implicit``: a
    package whose ``__init__`` Python runs on the way to the named module)."""

    source: str
    target: str
    path: str
    line: int
    local: bool
    lazy_marked: bool
    implicit: bool = False

    @property
    def at(self) -> str:
        return f"{self.path}:{self.line}"


def layer_of(module: str) -> str:
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)]


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``__init__`` as its package), through the links."""
    found = {"samband": PACKAGE / "__init__.py"}
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        for path in sorted(folder.resolve().rglob("*.py")):
            parts = path.relative_to(folder.resolve()).with_suffix("").parts
            name = ".".join(("samband", folder.name, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


def _named(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement reaches (``from a import b`` reaches ``a.b`` or ``a``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    return [f"{base}.{alias.name}" for alias in node.names]


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module a dotted name lives in (its longest known prefix), or None outside samband."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _packages_run(target: str, module: str, known: dict[str, Path]) -> list[str]:
    """The packages whose ``__init__`` importing ``target`` runs first: its parents, but for the
    importer's own (already running) and the root."""
    parts = target.split(".")
    parents = (".".join(parts[:i]) for i in range(2, len(parts)))
    return [p for p in parents if p in known and not module.startswith(p + ".")]


def _local_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside.update(id(n) for n in ast.walk(fn) if n is not fn)
    return inside


def imports_of(module: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text, filename=str(path))
    local = _local_nodes(tree)
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        named = [n for n in _named(node, module, path.name == "__init__.py") if n.split(".")[0] == "samband"]
        targets = {t for n in named if (t := _resolve(n, known)) is not None} - {module}
        packages = {p for t in targets for p in _packages_run(t, module, known)} - targets - {module}
        marked = lines[(node.end_lineno or node.lineno) - 1].rstrip().endswith(LAZY_MARK)
        for target in sorted(targets):
            yield Import(module, target, where, node.lineno, id(node) in local, marked)
        for package in sorted(packages):
            yield Import(module, package, where, node.lineno, id(node) in local, marked, implicit=True)


def all_imports() -> list[Import]:
    known = modules()
    return [imp for module, path in known.items() for imp in imports_of(module, path, known)]


def upward(imports: list[Import]) -> list[str]:
    found = []
    for imp in (i for i in imports if not i.implicit):
        own, other = layer_of(imp.source), layer_of(imp.target)
        if ORDER.index(other) > ORDER.index(own):
            found.append(f"{imp.at}: {imp.source} ({own}) imports {imp.target} ({other})")
    return found


def function_local(imports: list[Import]) -> list[str]:
    found = []
    for imp in imports:
        if not imp.local or imp.implicit:
            continue
        if imp.lazy_marked and imp.source.startswith(LAZY_ALLOWED):
            continue
        found.append(f"{imp.at}: {imp.source} imports {imp.target} inside a function")
    return found


def cycles(imports: list[Import]) -> list[str]:
    """Each strongly connected group of modules, as one cycle through it with the line of each step."""
    graph: dict[str, dict[str, Import]] = {}
    for imp in imports:
        graph.setdefault(imp.source, {}).setdefault(imp.target, imp)
    return [_describe(group, graph) for group in _groups(graph)]


def _groups(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _describe(group: list[str], graph: dict[str, dict[str, Import]]) -> str:
    """One cycle inside ``group``: a shortest way from its first module back to itself."""
    members = set(group)
    start = group[0]
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target, imp in sorted(graph.get(node, {}).items()):
            if target == start:
                steps = [*paths[node], imp]
                way = " -> ".join(f"{s.source} ({s.at})" for s in steps) + f" -> {start}"
                return f"cycle through {len(group)} modules ({', '.join(group)}): {way}"
            if target in members and target not in paths:
                paths[target] = [*paths[node], imp]
                queue.append(target)
    return "cycle among: " + ", ".join(group)


def test_every_module_has_a_layer() -> None:
    known = modules()
    assert "samband.gateway.pipeline" in known and "samband.kernel.errors" in known
    assert all(layer_of(m) in ORDER for m in known)


def test_no_module_imports_from_a_higher_layer() -> None:
    found = upward(all_imports())
    assert not found, "imports from a higher layer:\n" + "\n".join(found)


def test_no_import_cycle() -> None:
    found = cycles(all_imports())
    assert not found, "import cycles:\n" + "\n".join(found)


def test_no_function_local_import_of_a_samband_module() -> None:
    found = function_local(all_imports())
    assert not found, f"function-local imports (only the CLI may, marked {LAZY_MARK!r}):\n" + "\n".join(found)


def is_store(module: str) -> bool:
    """Store modules: the core's ``gateway.store``, a feature's ``store``/``store_*``, migrations."""
    parts = module.split(".")
    return "store" in parts or "migrations" in parts or parts[-1].startswith("store_")


def sql_outside_stores() -> list[str]:
    found = []
    for module, path in modules().items():
        if is_store(module):
            continue
        calls = (n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call))
        for call in calls:
            if isinstance(call.func, ast.Attribute) and call.func.attr in SQL_CALLS:
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {module} runs SQL ({call.func.attr})")
    return found


def test_sql_runs_only_in_store_modules() -> None:
    found = sql_outside_stores()
    assert not found, "SQL outside the store modules:\n" + "\n".join(found)


def test_the_walk_sees_what_it_checks() -> None:
    """The checks themselves: an upward import, a cycle and a function-local import are each found."""
    a = Import("samband.adapters.x", "samband.gateway.y", "adapters/x.py", 3, local=False, lazy_marked=False)
    b = Import("samband.gateway.y", "samband.adapters.x", "gateway/y.py", 5, local=True, lazy_marked=False)
    cli = Import(
        "samband.gateway.cli.main", "samband.gateway.cli.serve", "gateway/cli/main.py", 9, True, True
    )
    assert upward([a, b]) == [
        "adapters/x.py:3: samband.adapters.x (adapters) imports samband.gateway.y (gateway)"
    ]
    assert cycles([a, b]) == [
        "cycle through 2 modules (samband.adapters.x, samband.gateway.y): "
        "samband.adapters.x (adapters/x.py:3) -> samband.gateway.y (gateway/y.py:5) -> samband.adapters.x"
    ]
    assert function_local([a, b, cli]) == [
        "gateway/y.py:5: samband.gateway.y imports samband.adapters.x inside a function"
    ]
    known = modules()
    assert _packages_run("samband.gateway.routing.routes", "samband.features.feedback.service", known) == [
        "samband.gateway",
        "samband.gateway.routing",
    ]
    assert _packages_run("samband.gateway.routing.routes", "samband.gateway.routing.table", known) == []
    assert is_store("samband.features.feedback.store_jobs") and is_store("samband.gateway.store.fhir")
    assert not is_store("samband.gateway.pipeline")
    assert layer_of("samband.gateway.apprecs") == "gateway"
    assert layer_of("samband.gateway.app") == "service"
