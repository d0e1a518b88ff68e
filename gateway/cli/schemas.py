"""``samband schemas status`` and the start-up check of the commands that need the official XSDs.

``status`` lists what is installed, missing or changed (exit 0 only when every pinned file is
installed as pinned, else 1); ``serve``, ``worker``, ``validate``, ``translate`` and ``acceptance``
refuse to start without them: one line naming ``samband schemas fetch``, exit 2.
"""

from __future__ import annotations

import sys

import typer

from samband.adapters.xml.official import State, check

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def run_status() -> int:
    """Print the folder read with a count per state, then each file that is not installed as pinned."""
    found = check()
    counts = ", ".join(f"{len(found.having(state))} {state}" for state in State)
    sys.stdout.write(f"{found.folder}: {counts}\n")
    for state in (State.MISSING, State.CHANGED):
        for path in found.having(state):
            sys.stdout.write(f"{state:<9} {path}\n")
    if not found.ok:
        sys.stderr.write("run `samband schemas fetch` to install the pinned files\n")
    return EXIT_OK if found.ok else EXIT_FAILED


def require_schemas(command: str) -> None:
    """Stop ``command`` before it starts when the official XSDs are not installed as pinned."""
    problem = check().problem()
    if problem is not None:
        sys.stderr.write(f"samband {command}: [{problem.code}] {problem.detail}\n")
        raise typer.Exit(EXIT_USAGE)
