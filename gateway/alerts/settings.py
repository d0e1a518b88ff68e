"""The alert and retention settings (``SAMBAND_ALERT_*``, ``SAMBAND_RETENTION_*``): fields of the
gateway's one ``Settings`` object, kept here beside the code that reads them.

No channel configured: alerts are still recorded (``GET /alerts``, the console) and logged.
Retention off unless a number of days is set: nothing is ever pruned by default.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CONFIG = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")


class AlertSettings(BaseSettings):
    """Where alerts go and how often: a webhook (JSON POST) and/or e-mail over SMTP."""

    model_config = CONFIG

    alert_webhook_url: str | None = Field(
        default=None, description="POST each alert as JSON here (http or https)"
    )
    alert_smtp_host: str | None = Field(default=None, description="send each alert as e-mail through this")
    alert_smtp_port: int = Field(default=587, ge=1, le=65535)
    alert_smtp_starttls: bool = Field(
        default=True, description="STARTTLS before anything else (switch off only for a loopback relay)"
    )
    alert_smtp_username: str | None = Field(default=None, description="SMTP login (after STARTTLS)")
    alert_smtp_password: str | None = None
    alert_email_from: str = Field(default="samband@localhost", description="the From of alert e-mails")
    alert_email_to: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="recipients of alert e-mails (comma-separated)"
    )
    alert_interval_seconds: float = Field(
        default=3600.0, gt=0, description="one condition goes out at most once per channel this often"
    )
    alert_timeout_seconds: float = Field(default=10.0, gt=0, description="webhook and SMTP time limit")
    alert_failing_after_seconds: float = Field(
        default=3600.0, gt=0, description="a delivery still failing this long after it was queued alerts"
    )

    @field_validator("alert_webhook_url", "alert_smtp_host", "alert_smtp_username", mode="before")
    @classmethod
    def _alert_empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("alert_email_to", mode="before")
    @classmethod
    def _alert_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("alert_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"SAMBAND_ALERT_WEBHOOK_URL must be an http(s) URL: {value}")
        return value


class RetentionSettings(BaseSettings):
    """How long stored bytes are kept, per kind; unset: kept for ever."""

    model_config = CONFIG

    retention_raw_days: float | None = Field(
        default=None, gt=0, description="clear the bytes of received messages settled this many days ago"
    )
    retention_translations_days: float | None = Field(
        default=None,
        gt=0,
        description="clear the bytes of what the gateway sent (translations, AppRecs, feedback) after this",
    )
    retention_interval_seconds: float = Field(
        default=3600.0, gt=0, description="the scheduled prune runs this often"
    )

    @field_validator("retention_raw_days", "retention_translations_days", mode="before")
    @classmethod
    def _retention_empty_is_none(cls, value: object) -> object:
        return None if value == "" else value
