"""Commands whose code lives in a source checkout's ``tools/`` folder (not in the installed package)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import typer

import samband

EXIT_USAGE = 2


def checkout_root() -> Path | None:
    """The source checkout the package was imported from, or None for an installed package."""
    root = Path(samband.__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "tools" / "__init__.py").is_file():
        return root
    return None


def source_tool(command: str, module: str, name: str) -> Callable[..., int]:
    """``module.name`` from the checkout's ``tools/``; without a checkout: one line, exit 2."""
    root = checkout_root()
    if root is None:
        sys.stderr.write(
            f"samband {command} needs a source checkout (tools/ beside samband/); "
            "run it from a clone of the repository\n"
        )
        raise typer.Exit(EXIT_USAGE)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    run: Callable[..., int] = getattr(importlib.import_module(module), name)
    return run
