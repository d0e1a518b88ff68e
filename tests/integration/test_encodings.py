"""Encodings through the service and ``samband validate``: a real sample declared ISO-8859-1 with
UTF-8 bytes is refused (422, T01 AppRec, line and column); the same sample in UTF-16 is taken in."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.gateway.cli.main import app
from tests.conftest import SAMPLES
from tests.integration.conftest import AUTH, GatewayFactory
from tests.integration.messages import FHIR_STORE_ROUTES

SAMPLE = SAMPLES / "plo/1_6/Pasientlogistikk_Innlagt_pasient_v1-6_Ny.xml"
UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="reference samples not available")


def _declared(encoding: str) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    return SAMPLE.read_bytes().replace(UTF8_DECLARATION, declaration, 1)


def test_mojibake_is_refused_with_a_t01_apprec_and_a_place(
    sqlite_url: str, gateway_factory: GatewayFactory
) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    refused = gw.post(_declared("ISO-8859-1"))
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["code"] == "xml.encoding-mismatch"
    assert error["line"] and error["column"]
    apprec = gw.client.get(f"/messages/{refused.json()['id']}/apprec", headers=AUTH)
    assert b'<Status V="2"' in apprec.content and b'V="T01"' in apprec.content


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_is_taken_in_like_utf8(sqlite_url: str, gateway_factory: GatewayFactory, codec: str) -> None:
    gw = gateway_factory(sqlite_url, FHIR_STORE_ROUTES)
    text = _declared("UTF-16").decode("utf-8")
    raw = text.encode(codec) if codec == "utf-16" else ("\ufeff" + text).encode(codec)
    taken = gw.post(raw)
    assert taken.status_code == 202, taken.text
    gw.drain()
    stored = gw.get(f"/messages/{taken.json()['id']}")
    assert (stored["type"], stored["status"]) == ("LOG_INNLAGT", "delivered")


def test_samband_validate_says_where_the_encoding_breaks(tmp_path: Path) -> None:
    bad = tmp_path / "mojibake.xml"
    bad.write_bytes(_declared("ISO-8859-1"))
    good = tmp_path / "utf16.xml"
    good.write_bytes(_declared("UTF-16").decode("utf-8").encode("utf-16"))
    result = CliRunner().invoke(app, ["validate", str(bad), str(good)])
    assert result.exit_code == 1, result.output
    [line] = [row for row in result.stdout.splitlines() if "xml.encoding-mismatch" in row]
    assert line.startswith(f"{bad}:") and "error" in line
    assert not any(str(good) in row and " error " in row for row in result.output.splitlines())
