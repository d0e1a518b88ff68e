"""``python -m tools.roundtrip [PATH...] [--readme]``: round-trip every PLO and Dialogmelding message found.

Prints each file's differences that no rule in ``mappings/roundtrip.yaml`` documents; ``--readme``
rewrites the generated table in ``mappings/README.md``. Without paths: the reference samples and
official test messages (``SAMBAND_SHARED_DIR``) and ``tests/messages``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.roundtrip.compare import load_rules
from tools.roundtrip.report import replace_section, section
from tools.roundtrip.run import default_corpus, native_files, round_trip

README = Path(__file__).resolve().parents[2] / "mappings" / "README.md"


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.roundtrip")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--readme", action="store_true", help="rewrite the table in mappings/README.md")
    parser.add_argument("-v", "--verbose", action="store_true", help="documented differences too")
    args = parser.parse_args(argv)
    rules = load_rules()
    outcomes = [round_trip(path, fmt, rules) for path, fmt in native_files(args.paths or default_corpus())]
    bad = 0
    for outcome in outcomes:
        shown = outcome.differences if args.verbose else tuple(outcome.undocumented)
        if outcome.refused:
            _say(f"{outcome.path}: {outcome.msg_type} refused [{outcome.refused}]")
        elif outcome.written_type != outcome.msg_type or shown:
            _say(f"{outcome.path}: {outcome.msg_type} → {outcome.written_type}")
            for diff in shown:
                _say(f"    {diff}" + (f"  ({diff.rule})" if diff.rule else ""))
        bad += bool(outcome.undocumented) or outcome.written_type not in (None, outcome.msg_type)
    _say(f"{len(outcomes)} messages, {bad} with undocumented differences")
    if args.readme:
        README.write_text(
            replace_section(README.read_text(encoding="utf-8"), section(rules, outcomes)), encoding="utf-8"
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
