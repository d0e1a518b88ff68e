"""The catalogue holds every code the source raises or reports, and docs/errors.md is made from it.

The static half walks the source (``source_codes``); the dynamic half, ``tests/support/code_check.py``,
records every code made while the whole suite runs and fails the session on one the catalogue lacks.
"""

from __future__ import annotations

import contextlib
import re

from samband.adapters.apprec.codes import error_code, error_hint, status_code
from samband.adapters.ebxml.names import EBXML_ERROR_CODES
from samband.adapters.msghead.tolerance import SEQUENCES
from samband.adapters.xml.safe import parse_xml
from samband.kernel import catalogue
from samband.kernel.errors import REPLIES, ParseError, SchemaInvalid
from tests.support import code_check
from tests.unit.kernel.source_codes import ROOT, codes_in_source

DOC = ROOT / "docs" / "errors.md"


def _families() -> dict[str, catalogue.Entry]:
    return {e.code: e for g in catalogue.groups() for e in g.entries if e.values}


def test_every_code_in_the_source_is_catalogued() -> None:
    found = codes_in_source()
    assert len({f.code for f in found}) > 250, "the source walk found too few codes: is it broken?"
    missing = [
        f"{f.code} ({f.file}:{f.line})" for f in found if not f.pattern and catalogue.entry(f.code) is None
    ]
    assert not missing, "add these codes to kernel/catalogue.yaml:\n" + "\n".join(missing)


def test_every_code_pattern_in_the_source_is_a_catalogued_family() -> None:
    families = {re.sub(r"\{\w+\}", "{}", code) for code in _families()}
    patterns = [f for f in codes_in_source() if f.pattern]
    assert patterns, "the source walk found no f-string codes: is it broken?"
    strays = [f"{f.code} ({f.file}:{f.line})" for f in patterns if f.code not in families]
    assert not strays, "catalogue these as families (code with {name} and values):\n" + "\n".join(strays)


def test_family_values_follow_the_source_tables() -> None:
    families = _families()
    assert set(families["msghead.{name}-order"].values) == {name.lower() for name in SEQUENCES}
    assert set(families["ebxml.message-error.{name}"].values) == set(EBXML_ERROR_CODES)


def test_every_entry_has_a_meaning_and_a_norwegian_text() -> None:
    for code, entry in catalogue.catalogue().items():
        assert entry.meaning.strip() and entry.text_no.strip(), code
        assert entry.code.startswith(entry.group) or entry.group == "base", code


def test_every_apprec_reply_has_its_kodeverk_texts() -> None:
    for entry in catalogue.catalogue().values():
        reply = entry.reply
        if reply is None or reply.apprec_status is None or reply.apprec_error is None:
            continue
        assert status_code(reply.apprec_status).dn not in (None, reply.apprec_status), entry.code
        assert error_code(reply.apprec_error).dn != reply.apprec_error, entry.code
        assert error_hint(reply.apprec_error), entry.code


def test_each_class_answers_as_its_default_code() -> None:
    for cls, reply in REPLIES.items():
        assert catalogue.reply_of(cls.default_code) == reply, cls.__name__


def test_docs_errors_md_is_generated_from_the_catalogue() -> None:
    fresh = catalogue.render_markdown()
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/errors.md is stale: run `python -m samband.kernel.catalogue docs/errors.md`"
    )


def test_the_run_records_codes_the_source_makes() -> None:
    with contextlib.suppress(ParseError):
        parse_xml(b"<a><b></a>")
    made = {(m.code, m.error_class) for m in code_check.MADE}
    assert ("xml.not-well-formed", ParseError) in made


def test_an_uncatalogued_code_or_a_class_that_answers_otherwise_is_a_complaint() -> None:
    stray = code_check.Made("no-such.code", None, "samband.somewhere:1")
    assert (
        code_check._complaint(stray)
        == "no-such.code: not in kernel/catalogue.yaml (made at samband.somewhere:1)"
    )
    assert code_check._complaint(code_check.Made("xml.not-well-formed", ParseError, "x")) is None
    wrong = code_check._complaint(code_check.Made("xml.not-well-formed", SchemaInvalid, "x"))
    assert wrong is not None and "raised as SchemaInvalid" in wrong
