"""Every parser and codec, fed mutated seeds and generated documents, answers or refuses with a
catalogued code; nothing else escapes (see tests/fuzz/support.py for the oracle, targets.py for
what each target is asked). ``make fuzz`` runs the same tests with many more examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import corpus_files
from tests.fuzz.targets import TARGETS


@pytest.mark.parametrize("name", sorted(TARGETS))
@given(data=st.data())
def test_a_mutated_seed_is_answered_or_refused_with_a_code(name: str, data: st.DataObject) -> None:
    target = TARGETS[name]
    target.check(data.draw(target.mutated(), label="document"))


@pytest.mark.parametrize("name", sorted(TARGETS))
@given(data=st.data())
def test_a_generated_document_is_answered_or_refused_with_a_code(name: str, data: st.DataObject) -> None:
    target = TARGETS[name]
    target.check(data.draw(target.generated(), label="document"))


@pytest.mark.parametrize(
    ("name", "path"),
    [(name, path) for name in sorted(TARGETS) for path in corpus_files(name)],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_every_kept_seed_is_answered_or_refused_with_a_code(name: str, path: Path) -> None:
    """The synthetic seeds and the minimal crashers the fuzzing found, as regression cases."""
    TARGETS[name].check(path.read_bytes())
