"""Settings: one validated object from SAMBAND_* variables; insecure or malformed values refused."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from samband.gateway.settings import DEFAULT_DATABASE_URL, Settings
from samband.kernel.errors import GatewayError


def test_defaults_are_the_embedded_store_and_a_fhir_store_route(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAMBAND_DATABASE_URL", "SAMBAND_ROUTES", "SAMBAND_DEV_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///./var/samband.db"
    assert settings.routes is None and settings.is_sqlite


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMBAND_DATABASE_URL", "postgresql://u:p@db:5432/samband")
    monkeypatch.setenv("SAMBAND_HER_ID", "8123456")
    monkeypatch.setenv("SAMBAND_APPREC_TIMEOUT_SECONDS", "3600")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/samband"
    assert settings.her_id == "8123456" and settings.apprec_timeout_seconds == 3600
    assert not settings.is_sqlite


@pytest.mark.parametrize(
    "field, value", [("apprec_timeout_seconds", 0), ("apprec_version", "2.0"), ("worker_batch", 0)]
)
def test_malformed_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({field: value})


def test_dev_key_is_generated_once_and_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(dev_api_key=None)
    with caplog.at_level(logging.DEBUG):
        key = settings.api_key()
    assert len(key) >= 24 and settings.api_key() == key
    assert key not in caplog.text
    assert Settings(dev_api_key="given").api_key() == "given"


def test_served_her_ids_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMBAND_SERVED_HER_IDS", " 91094, 91098 ,,")
    monkeypatch.setenv("SAMBAND_HOLD_SECONDS", "120")
    settings = Settings()
    assert settings.served_her_ids == ["91094", "91098"] and settings.hold_seconds == 120
    monkeypatch.delenv("SAMBAND_SERVED_HER_IDS")
    assert Settings().served_her_ids == []


def test_receiving_through_nhn_is_off_unless_her_ids_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBAND_NHN_RECEIVER_HER_IDS", raising=False)
    assert Settings().nhn_msh() is None


def test_receiving_through_nhn_needs_the_service_and_a_whole_helseid_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMBAND_NHN_RECEIVER_HER_IDS", "8142001, 8142002")
    monkeypatch.setenv("SAMBAND_NHN_BASE_URL", "https://api.hn-tjener.test.melding.nhn.no")
    with pytest.raises(ValidationError, match="SAMBAND_NHN_TOKEN_URL, SAMBAND_NHN_CLIENT_ID"):
        Settings()
    monkeypatch.setenv("SAMBAND_NHN_TOKEN_URL", "https://helseid-sts.test.nhn.no/connect/token")
    monkeypatch.setenv("SAMBAND_NHN_CLIENT_ID", "kommune-samband")
    monkeypatch.setenv("SAMBAND_NHN_KEY_PATH", "/etc/samband/helseid.jwk")
    monkeypatch.setenv("SAMBAND_NHN_SCOPE", "nhn:msh/api nhn:other")
    settings = Settings()
    msh = settings.nhn_msh()
    assert settings.nhn_receiver_her_ids == [8142001, 8142002]
    assert msh is not None and msh.base_url == "https://api.hn-tjener.test.melding.nhn.no"
    assert msh.helseid.client_id == "kommune-samband" and msh.helseid.scope == ["nhn:msh/api", "nhn:other"]
    with pytest.raises(GatewayError, match=r"\[helseid.key-unreadable\]"):  # checked before serve starts
        settings.require_nhn_key()
