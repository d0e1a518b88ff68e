"""Every code the source gives a problem or an error, found by walking the AST (nothing imported).

A code is a string (a literal, an f-string, or a constant, local or loop variable holding literals)
given as ``code=`` to a class of the ``GatewayError`` tree or to ``Problem``, as the first argument
of ``Problem``, as a class's ``default_code``, or to a helper whose parameter flows into one of
those places (``finding(rule, …)``, ``_required(el, name, code)``, to a fixed point). Tables count
too: a dict mapping codes to error classes, a tuple row holding an error class and a code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCE_FOLDERS = ("kernel", "adapters", "mappings", "integrations", "gateway", "features", "tools")
CODE_LIKE = re.compile(r"^[a-z][a-z0-9-]*(\.[A-Za-z0-9_{}-]+)+$")
Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Found:
    """One code in the source; ``pattern`` for an f-string, with ``{}`` for each hole."""

    code: str
    file: str
    line: int
    pattern: bool = False


@dataclass(frozen=True)
class Slot:
    """Where a callable takes its code: positional index (None: keyword only) and keyword name."""

    index: int | None
    keyword: str


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _argument(call: ast.Call, slot: Slot) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == slot.keyword:
            return keyword.value
    if slot.index is not None and slot.index < len(call.args):
        arg = call.args[slot.index]
        return None if isinstance(arg, ast.Starred) else arg
    return None


def _positional(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    return names[1:] if names and names[0] in ("self", "cls") else names


def _parameters(scope: Scope) -> set[str]:
    if isinstance(scope, ast.Module):
        return set()
    return {*_positional(scope), *(a.arg for a in scope.args.kwonlyargs)}


def _own_nodes(scope: Scope) -> Iterator[ast.AST]:
    """The nodes of ``scope`` without those of functions defined inside it."""
    stack: list[ast.AST] = list(scope.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Assign | ast.AnnAssign) -> list[str | None]:
    return [_name(t) for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]


def _loop_values(loop: ast.For, name: str) -> list[ast.expr]:
    """``for a, code, b in ((…, "x.y", …), …)``: the literals bound to ``name``."""
    if not isinstance(loop.iter, ast.Tuple | ast.List):
        return []
    if isinstance(loop.target, ast.Name):
        return list(loop.iter.elts) if loop.target.id == name else []
    if not isinstance(loop.target, ast.Tuple):
        return []
    names = [_name(t) for t in loop.target.elts]
    if name not in names:
        return []
    index = names.index(name)
    rows = [row for row in loop.iter.elts if isinstance(row, ast.Tuple) and len(row.elts) > index]
    return [row.elts[index] for row in rows]


class _Walker:
    def __init__(self, files: list[Path]) -> None:
        self.trees = {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in files}
        self.errors = self._error_classes()
        self.slots: dict[str, set[Slot]] = {"Problem": {Slot(0, "code")}, "replace": {Slot(None, "code")}}
        self.slots.update({cls: {Slot(None, "code")} for cls in self.errors})
        self.constants: dict[str, list[ast.expr]] = {}
        self.defaults: set[Found] = set()
        for tree in self.trees.values():
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = _name(node.targets[0])
                    if target and target.isupper():
                        self.constants.setdefault(target, []).append(node.value)
        self._find_helpers()

    def _error_classes(self) -> set[str]:
        known = {"GatewayError"}
        classes = [n for t in self.trees.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef)]
        grew = True
        while grew:
            before = len(known)
            known |= {c.name for c in classes if any(_name(b) in known for b in c.bases)}
            grew = len(known) > before
        return known

    def _scopes(self) -> Iterator[tuple[Path, Scope]]:
        for path, tree in self.trees.items():
            yield path, tree
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield path, node

    def _calls(self, scope: Scope) -> Iterator[tuple[ast.Call, ast.expr]]:
        """Code arguments of the known callables."""
        for node in _own_nodes(scope):
            if isinstance(node, ast.Call):
                for slot in self.slots.get(_name(node.func) or "", ()):
                    arg = _argument(node, slot)
                    if arg is not None:
                        yield node, arg

    def _unknown_calls(self, scope: Scope) -> Iterator[ast.expr]:
        """``code=`` given to a callable held in a variable (``error_type(detail, code=code)``)."""
        for node in _own_nodes(scope):
            if isinstance(node, ast.Call) and (_name(node.func) or "") not in self.slots:
                arg = _argument(node, Slot(None, "code"))
                if arg is not None:
                    yield arg

    def _find_helpers(self) -> None:
        """A function passing one of its parameters on as a code is a helper (to a fixed point)."""
        grew = True
        while grew:
            grew = False
            for path, scope in self._scopes():
                if isinstance(scope, ast.Module):
                    continue
                positional = _positional(scope)
                for _call, arg in self._calls(scope):
                    if isinstance(arg, ast.Name) and arg.id in _parameters(scope):
                        index = positional.index(arg.id) if arg.id in positional else None
                        slots = self.slots.setdefault(scope.name, set())
                        if Slot(index, arg.id) not in slots:
                            slots.add(Slot(index, arg.id))
                            grew = True
                        self._defaults(scope, arg.id, path)

    def _defaults(self, func: ast.FunctionDef | ast.AsyncFunctionDef, name: str, path: Path) -> None:
        """A helper's default code (``rule: str = "xsd"``) is a code as well."""
        args = [*func.args.posonlyargs, *func.args.args]
        pairs = list(zip(args[len(args) - len(func.args.defaults) :], func.args.defaults, strict=True))
        pairs += [(a, d) for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True) if d]
        file = str(path.relative_to(ROOT))
        for _arg, default in (pair for pair in pairs if pair[0].arg == name):
            self.defaults.update(self._codes(default, func, file))

    def _bound(self, scope: Scope, name: str) -> list[ast.expr]:
        """What a local name may hold: its assignments and loop rows in ``scope``, else a constant."""
        values: list[ast.expr] = []
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign) and any(_name(t) == name for t in node.targets):
                values.append(node.value)
            elif isinstance(node, ast.For):
                values += _loop_values(node, name)
        return values or self.constants.get(name, [])

    def _codes(self, arg: ast.expr, scope: Scope, file: str, depth: int = 0) -> Iterator[Found]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield Found(arg.value, file, arg.lineno)
        elif isinstance(arg, ast.JoinedStr):
            parts = [str(v.value) if isinstance(v, ast.Constant) else "{}" for v in arg.values]
            yield Found("".join(parts), file, arg.lineno, pattern=True)
        elif isinstance(arg, ast.IfExp):
            yield from self._codes(arg.body, scope, file, depth)
            yield from self._codes(arg.orelse, scope, file, depth)
        elif isinstance(arg, ast.BoolOp):
            for value in arg.values:
                yield from self._codes(value, scope, file, depth)
        elif isinstance(arg, ast.Name) and depth < 3 and arg.id not in _parameters(scope):
            for value in self._bound(scope, arg.id):
                yield from self._codes(value, scope, file, depth + 1)

    def _tables(self, tree: ast.Module, file: str) -> Iterator[Found]:
        """``{"code": ErrorClass}`` dicts and ``(…, ErrorClass, "code", …)`` rows."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                        and _name(value) in self.errors
                    ):
                        yield Found(key.value, file, key.lineno)
            elif isinstance(node, ast.Tuple) and any(_name(e) in self.errors for e in node.elts):
                for e in node.elts:
                    if isinstance(e, ast.Constant) and isinstance(e.value, str) and CODE_LIKE.match(e.value):
                        yield Found(e.value, file, e.lineno)

    def found(self) -> list[Found]:
        out = set(self.defaults)
        for path, scope in self._scopes():
            file = str(path.relative_to(ROOT))
            for _call, arg in self._calls(scope):
                out.update(self._codes(arg, scope, file))
            for arg in self._unknown_calls(scope):
                out.update(f for f in self._codes(arg, scope, file) if CODE_LIKE.match(f.code))
            if isinstance(scope, ast.Module):
                out.update(self._tables(scope, file))
                for node in ast.walk(scope):
                    if isinstance(node, ast.AnnAssign | ast.Assign) and "default_code" in _targets(node):
                        out.update(self._codes(node.value, scope, file) if node.value else ())
        return sorted(out, key=lambda f: (f.code, f.file, f.line))


def codes_in_source(root: Path = ROOT) -> list[Found]:
    """Every code (and f-string pattern) the source under ``root`` passes as a problem or error code."""
    files = sorted(p for folder in SOURCE_FOLDERS for p in (root / folder).rglob("*.py"))
    return _Walker(files).found()
