"""``samband dev nhn-msh`` as a vendor runs it: a real process; a client configured from what it
prints sends a message from one hosted HER-id to the other, which reads it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from samband.integrations.helseid.client import HelseIdSettings
from samband.integrations.nhn_msh import MshClient, MshSettings
from samband.integrations.nhn_msh.local.spec import find_definition
from tests.integration.messages import RECEIVER_HER, SENDER_HER, hodemelding, msg_id_of

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("base_url", "token_url", "client_id", "key_path", "scope")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    try:
        find_definition()
    except Exception as exc:
        pytest.skip(f"NHN's API definition is not available: {exc}")
    folder = tmp_path_factory.mktemp("dev")
    command = [sys.executable, "-c", "from samband.gateway.cli.main import main; main()"]
    command += ["dev", "nhn-msh", "--port", "0"]
    command += ["--her-ids", f"{SENDER_HER},{RECEIVER_HER}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, text=True)
    try:
        found: dict[str, str] = {}
        assert process.stdout is not None
        for line in process.stdout:  # the lines come before it serves; a crash ends the loop
            match = re.match(r"\s+(\w+)\s+(\S.*)$", line)
            if match and match.group(1) in FIELDS:
                found[match.group(1)] = match.group(2).strip()
            if line.startswith("Ctrl-C"):
                break
        assert set(found) == set(FIELDS), found
        yield found
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_a_client_configured_from_the_printed_lines_sends_and_receives(printed: dict[str, str]) -> None:
    assert Path(printed["key_path"]).is_file()
    helseid = HelseIdSettings(
        token_url=printed["token_url"],
        client_id=printed["client_id"],
        key_path=Path(printed["key_path"]),
        scope=[printed["scope"]],
    )
    settings = MshSettings(base_url=printed["base_url"], source_system="Samband, test", helseid=helseid)
    document = hodemelding()
    with MshClient(settings) as client:
        sent = client.send(document)
        [entry] = client.unread([int(RECEIVER_HER)], business_document_id=msg_id_of(document))
        assert client.business_document(entry.id).content == document
        assert client.status(sent)[0].receiver_her_id == int(RECEIVER_HER)
