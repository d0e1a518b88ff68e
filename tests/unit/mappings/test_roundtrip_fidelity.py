"""Every PLO and Dialogmelding message the project has, translated to FHIR and back to its own format:
the same message type, valid against the official XSDs, and no difference by XPath that
``mappings/roundtrip.yaml`` does not document. Refusals are coded: an invalid input, or a type the
data lists as not yet writable.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from samband.adapters.formats import validate
from samband.kernel.formats import Format
from samband.kernel.problems import has_errors
from tests.conftest import SAMPLES
from tools.roundtrip.compare import load_rules
from tools.roundtrip.report import BEGIN, END, section
from tools.roundtrip.run import Outcome, default_corpus, native_files, round_trip

ROOT = Path(__file__).resolve().parents[3]
CORPUS = sorted(native_files(default_corpus()))
UNWRITABLE_CODES = {"plo.unsupported-event", "dialog.unsupported-event", "dialog.empty"}


def _id(item: tuple[Path, Format]) -> str:
    path = item[0]
    return "/".join(path.parts[-3:])


@cache
def outcome_of(path: Path, fmt: Format) -> Outcome:
    return round_trip(path, fmt, load_rules())


def test_the_corpus_has_every_family() -> None:
    kinds = {fmt for _path, fmt in CORPUS}
    assert Format.PLO in kinds
    assert Format.DIALOGMELDING in kinds


@pytest.mark.parametrize("item", CORPUS, ids=_id)
def test_round_trip_keeps_the_message(item: tuple[Path, Format]) -> None:
    path, fmt = item
    outcome = outcome_of(path, fmt)
    rules = load_rules()
    if outcome.refused:
        if outcome.msg_type in rules.unwritable:
            assert outcome.refused in UNWRITABLE_CODES, outcome.refused_text
            return
        assert has_errors(validate(path.read_bytes())[1]), (
            f"a valid {outcome.msg_type} was refused: [{outcome.refused}] {outcome.refused_text}"
        )
        return
    assert outcome.msg_type not in rules.unwritable, (
        f"{outcome.msg_type} is written now: drop it from unwritable"
    )
    assert outcome.written_type == outcome.msg_type
    undocumented = "\n".join(str(d) for d in outcome.undocumented)
    assert not undocumented, f"differences not in mappings/roundtrip.yaml:\n{undocumented}"


WHOLE_CORPUS = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"reference samples not found at {SAMPLES}")


@WHOLE_CORPUS
def test_every_open_loss_is_still_seen() -> None:
    """An open entry nothing needs any more is stale: the loss was fixed, so the data must say so."""
    rules = load_rules()
    used = {d.rule for path, fmt in CORPUS for d in outcome_of(path, fmt).differences}
    stale = [rule.id for rule in rules.open if rule.id not in used]
    assert not stale, f"open losses no message shows any more (remove them): {stale}"


@WHOLE_CORPUS
def test_readme_table_is_generated_from_the_data() -> None:
    text = (ROOT / "mappings" / "README.md").read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    assert start >= 0 and end > start, "mappings/README.md lacks the generated round-trip table"
    expected = section(load_rules(), [outcome_of(path, fmt) for path, fmt in CORPUS])
    assert text[start : end + len(END)] == expected, "run `python -m tools.roundtrip --readme`"
