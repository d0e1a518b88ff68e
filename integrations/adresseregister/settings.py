"""Which Adresseregister API Samband asks and how (``SAMBAND_ADRESSEREGISTER_API``, ``SAMBAND_AR_*``).

``soap`` (the default) is ICommunicationPartyService at ``SAMBAND_AR_ENDPOINT`` with HTTP Basic
credentials; ``rest`` is the CommunicationParty API at ``SAMBAND_AR_REST_URL`` with a HelseID client
(``SAMBAND_AR_HELSEID_*``: client credentials with ``private_key_jwt``, DPoP). Either way answers are
kept for ``SAMBAND_AR_CACHE_HOURS`` (docs/nhn.md, "Adresseregister REST").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from samband.integrations.helseid import HelseIdSettings
from samband.kernel.errors import ConfigurationError

REST_SCOPE = "nhn:communicationparty/read"


class RegisterSettings(BaseSettings):
    """The Adresseregister settings, read from the environment (checked when a client is built)."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    adresseregister_api: Literal["soap", "rest"] = Field(
        default="soap", description="which API of the Adresseregister to ask: soap or rest"
    )
    ar_endpoint: str | None = Field(default=None, description="Adresseregister BasicHttpBinding endpoint")
    ar_username: str | None = None
    ar_password: str | None = None
    ar_rest_url: str | None = Field(
        default=None, description="the REST API's base URL, e.g. https://cpapi.test.grunndata.nhn.no"
    )
    ar_helseid_token_url: str | None = Field(default=None, description="HelseID's token endpoint")
    ar_helseid_client_id: str | None = None
    ar_helseid_key_path: Path | None = Field(default=None, description="the client's private JWK or PEM")
    ar_helseid_key_id: str | None = Field(default=None, description="the kid of a PEM key")
    ar_helseid_issuer: str | None = Field(default=None, description="the client assertion's aud")
    ar_helseid_scope: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [REST_SCOPE], description="scopes asked for (comma-separated)"
    )
    ar_helseid_resource: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="RFC 8707 resource indicators (comma-separated)"
    )
    ar_cache_hours: float = Field(default=12.0, gt=0, description="AR answers are fresh this long")
    ar_timeout_seconds: float = Field(default=5.0, gt=0)

    @field_validator(
        "ar_endpoint", "ar_rest_url", "ar_helseid_token_url", "ar_helseid_client_id", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("ar_helseid_scope", "ar_helseid_resource", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def register_configured(self) -> bool:
        """Whether a register is to be asked at all (its address is set for the chosen API)."""
        return bool(self.ar_rest_url if self.adresseregister_api == "rest" else self.ar_endpoint)

    def _missing_helseid(self) -> list[str]:
        named = {
            "TOKEN_URL": self.ar_helseid_token_url,
            "CLIENT_ID": self.ar_helseid_client_id,
            "KEY_PATH": self.ar_helseid_key_path,
        }
        return [f"SAMBAND_AR_HELSEID_{name}" for name, value in named.items() if not value]

    @model_validator(mode="after")
    def _rest_needs_helseid(self) -> RegisterSettings:
        """``rest`` with a base URL needs a HelseID client: the start fails naming what is missing."""
        missing = self._missing_helseid()
        if self.adresseregister_api == "rest" and self.ar_rest_url and missing:
            raise ValueError(f"the Adresseregister REST API needs a HelseID client: set {', '.join(missing)}")
        return self

    def helseid(self) -> HelseIdSettings:
        """The HelseID client's settings for the REST API (validated with the settings)."""
        token_url, client_id, key_path = (
            self.ar_helseid_token_url,
            self.ar_helseid_client_id,
            self.ar_helseid_key_path,
        )
        if token_url is None or client_id is None or key_path is None:
            raise ConfigurationError(
                f"set {', '.join(self._missing_helseid())}",
                code="config.invalid",
                where="SAMBAND_ADRESSEREGISTER_API=rest",
            )
        return HelseIdSettings(
            token_url=token_url,
            client_id=client_id,
            key_path=key_path,
            key_id=self.ar_helseid_key_id,
            issuer=self.ar_helseid_issuer,
            scope=self.ar_helseid_scope,
            resource=self.ar_helseid_resource,
            timeout_seconds=self.ar_timeout_seconds,
        )
