"""The message-service settings of the gateway itself (``SAMBAND_NHN_*``): which HER-ids it receives
for through NHN's message service, where that service is, the HelseID client it calls it with, and
how often it looks. Fields of the gateway's one ``Settings`` object; off unless
``SAMBAND_NHN_RECEIVER_HER_IDS`` is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from samband.integrations.helseid.client import HelseIdSettings, load_client_key
from samband.integrations.nhn_msh import MshSettings

CONFIG = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")
NEEDED = ("nhn_base_url", "nhn_token_url", "nhn_client_id", "nhn_key_path")


class NhnSettings(BaseSettings):
    """NHN's message service as the gateway's inbound channel (docs/nhn.md, "Receiving")."""

    model_config = CONFIG

    nhn_receiver_her_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="HER-ids the gateway receives for through NHN's message service (comma-separated); "
        "empty: no polling",
    )
    nhn_base_url: str | None = Field(
        default=None, description="the message service API, e.g. https://api.hn-tjener.prod.melding.nhn.no"
    )
    nhn_api_version: str = Field(default="2", description="the api-version header")
    nhn_source_system: str = Field(
        default="Samband", description='the nhn-source-system header ("name, version")'
    )
    nhn_token_url: str | None = Field(
        default=None, description="HelseID's token endpoint, e.g. https://helseid-sts.nhn.no/connect/token"
    )
    nhn_client_id: str | None = Field(default=None, description="the HelseID client id")
    nhn_key_path: Path | None = Field(
        default=None, description="the HelseID client's private key (JWK file, or PEM with the key id)"
    )
    nhn_key_id: str | None = Field(default=None, description="the kid of a PEM key")
    nhn_scope: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="the scopes asked of HelseID (space- or comma-separated)"
    )
    nhn_issuer: str | None = Field(
        default=None, description="the client assertion's audience; default the token URL"
    )
    nhn_poll_seconds: float = Field(default=10.0, gt=0, description="look for unread messages this often")
    nhn_poll_batch: int = Field(default=20, ge=1, le=100, description="messages fetched per look")
    nhn_timeout_seconds: float = Field(default=30.0, gt=0, description="each request to the service")

    @field_validator(
        "nhn_base_url",
        "nhn_token_url",
        "nhn_client_id",
        "nhn_key_path",
        "nhn_key_id",
        "nhn_issuer",
        mode="before",
    )
    @classmethod
    def _nhn_empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("nhn_receiver_her_ids", "nhn_scope", mode="before")
    @classmethod
    def _nhn_list(cls, value: object) -> object:
        """``8142001,8142002`` or ``nhn:msh/api other``: separated by commas or blanks."""
        if isinstance(value, str):
            return [part for part in value.replace(",", " ").split() if part]
        return value

    @model_validator(mode="after")
    def _nhn_complete(self) -> NhnSettings:
        """Receiving needs the service's address and a whole HelseID client; a part of one is refused."""
        if self.nhn_receiver_her_ids:
            missing = [name for name in NEEDED if getattr(self, name) is None]
            if missing:
                names = ", ".join(f"SAMBAND_{name.upper()}" for name in missing)
                raise ValueError(f"SAMBAND_NHN_RECEIVER_HER_IDS is set, so {names} must be set too")
        return self

    def nhn_msh(self) -> MshSettings | None:
        """The client settings for the poller, or None when receiving through NHN is off."""
        if not self.nhn_receiver_her_ids:
            return None
        assert self.nhn_base_url and self.nhn_token_url and self.nhn_client_id and self.nhn_key_path
        return MshSettings(
            base_url=self.nhn_base_url,
            api_version=self.nhn_api_version,
            source_system=self.nhn_source_system,
            timeout_seconds=self.nhn_timeout_seconds,
            helseid=HelseIdSettings(
                token_url=self.nhn_token_url,
                client_id=self.nhn_client_id,
                key_path=self.nhn_key_path,
                key_id=self.nhn_key_id,
                scope=self.nhn_scope,
                issuer=self.nhn_issuer,
            ),
        )

    def require_nhn_key(self) -> None:
        """The HelseID key of the poller can be read (``helseid.key-unreadable`` else), checked
        before ``serve`` starts: a bad key is one coded line, not a failed start-up."""
        msh = self.nhn_msh()
        if msh is not None:
            load_client_key(msh.helseid.key_path, msh.helseid.key_id)
