"""``samband corpus`` with the KE-loop parts: the GP messages it writes are the goldens of the KE loop
test, every XML it writes is valid for ``samband validate``, and the flags and README say what it ran.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.adapters.msghead import parse_msghead
from samband.adapters.xml.canonical import xml_equivalent
from samband.gateway.cli.main import app
from tests.golden.compare import canonical_xml, diff
from tests.integration.ke_support import GOLDEN, masked

runner = CliRunner()
SCENARIOS = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    result = runner.invoke(app, ["corpus", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_corpus_feedback_equals_the_golden_gp_messages(corpus: Path, scenario: str) -> None:
    expected = sorted((GOLDEN / scenario).glob("*.xml"))
    written = sorted((corpus / "feedback" / scenario).glob("*.xml"))
    assert [p.name for p in written] == [p.name for p in expected]
    for want, have in zip(expected, written, strict=True):
        got = masked(have.read_bytes())
        assert xml_equivalent(want.read_bytes(), got), "\n" + diff(
            canonical_xml(want.read_bytes()), canonical_xml(got), f"{scenario}/{want.name}"
        )


def test_every_xml_in_the_corpus_validates_without_an_error(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.xml"))
    assert len(files) > 50
    result = runner.invoke(app, ["validate", *map(str, files), "--format", "json"])
    reports = json.loads(result.stdout)
    errors = [(r["file"], f) for r in reports for f in r["findings"] if f["severity"] == "error"]
    assert errors == [] and result.exit_code == 0
    assert {r["kind"] for r in reports} >= {"msghead", "apprec"}


def test_the_inbound_messages_follow_the_chain(corpus: Path) -> None:
    s01 = sorted(p.name for p in (corpus / "messages" / "s01-referral").glob("*.xml"))
    assert s01 == ["01-MEDISINSKE_OPPLYSNINGER.xml", "02-APPREC.xml", "03-APPREC.xml"]
    referral = (corpus / "messages" / "s01-referral" / "01-MEDISINSKE_OPPLYSNINGER.xml").read_bytes()
    assert "Oppfølgingsteam" in referral.decode("utf-8") and b"flag-other" not in referral
    hospital = sorted(p.name for p in (corpus / "messages" / "s08-hospital").rglob("*.xml"))
    assert "02-LOG_INNLAGT.xml" in hospital and "01-LOG_UTSKRIVNINGSKLAR.xml" in hospital
    [avvik] = (corpus / "messages" / "s10-closure" / "variants").glob("*.xml")
    assert parse_msghead(avvik.read_bytes()).msg_type == "DIALOG_AVVIK"
    for scenario in SCENARIOS:
        apprecs = list((corpus / "messages" / scenario).glob("*-APPREC.xml"))
        gp_messages = list((corpus / "feedback" / scenario).glob("*.xml"))
        assert len(apprecs) == len(gp_messages) + (scenario == "s01-referral"), "an AppRec for each"


def test_the_flags_and_the_gateway_answers_are_written(corpus: Path) -> None:
    folder = corpus / "referrals" / "s01-referral"
    declined = json.loads((folder / "declined" / "answer.json").read_text(encoding="utf-8"))
    assert declined == {"status": "kept-local", "reason": "patient-declined", "flag_id": "flag-other"}
    assert json.loads((folder / "declined" / "flag.json").read_text())["gpDecision"] == "declined-by-patient"
    sent = json.loads((folder / "answer.json").read_text(encoding="utf-8"))
    assert sent["status"] == "sent" and sent["flag_id"] == "flag-kari"


def test_the_readme_lists_every_scenario_and_its_files(corpus: Path) -> None:
    text = (corpus / "README.md").read_text(encoding="utf-8")
    for scenario in SCENARIOS:
        assert f"## {scenario}:" in text
    assert "`s08-hospital/02-LOG_INNLAGT.xml`" in text and "synthetic" in text
    assert "`s06-meeting/02-DIALOG_FORESPORSEL.xml`" in text
