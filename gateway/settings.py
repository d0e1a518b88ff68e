"""The gateway's one validated configuration object, read from SAMBAND_* environment variables.

``create_app(settings)`` and the workers receive it; nothing reads the environment at import time.
Routes and retry schedules are data (the route file), not settings.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from samband.adapters.limits import MIB, JsonLimits, Limits, MimeLimits, XmlLimits
from samband.gateway.alerts.settings import AlertSettings, RetentionSettings
from samband.gateway.allowlist import check_entry
from samband.gateway.nhn.settings import NhnSettings

DEFAULT_DATABASE_URL = "sqlite:///./var/samband.db"


class Settings(AlertSettings, RetentionSettings, NhnSettings, BaseSettings):
    """Everything the running service needs; each field is also ``SAMBAND_<NAME>`` in the environment
    (the alert and retention fields are in ``gateway/alerts/settings.py``, the NHN message service's
    in ``gateway/nhn/settings.py``)."""

    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    routes: Path | None = Field(default=None, description="route file (YAML); none: deliver to FHIR store")
    her_id: str = Field(default="8140000", description="the gateway's own HER-id, sender of its AppRecs")
    served_her_ids: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="HER-ids of the parties the gateway receives for (comma-separated); empty: any",
    )
    hold_seconds: float = Field(
        default=3600.0, gt=0, description="a change or cancellation waits this long for its original"
    )
    organisation_name: str = "Samband"
    dev_api_key: str | None = Field(
        default=None, description="development Bearer key (every role); generated at start when unset"
    )
    dev_key_any_host: bool = Field(
        default=False, description="let `serve` listen beyond loopback while the development key is on"
    )
    dev_key_with_tokens: bool = Field(
        default=False, description="keep the development key on although tokens are configured"
    )
    auth_issuer: str | None = Field(
        default=None, description="token issuer (HelseID: https://helseid-sts.nhn.no); set: tokens are on"
    )
    auth_jwks_url: str | None = Field(
        default=None, description="the issuer's JWKS; unset: from <issuer>/.well-known/openid-configuration"
    )
    auth_audience: str | None = Field(
        default=None, description="the `aud` a token must name for this gateway"
    )
    auth_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "PS256", "ES256"],
        description="algorithms taken for tokens and DPoP proofs (comma-separated; asymmetric only)",
    )
    auth_leeway_seconds: int = Field(default=30, ge=0, le=300, description="clock skew allowed on exp/nbf")
    auth_role_scopes: dict[str, list[str]] = Field(
        default_factory=lambda: {role: [f"samband/{role}"] for role in ("submit", "read", "replay", "admin")},
        description='role → the scopes that grant it (JSON: {"read": ["nhn:samband/read"], …})',
    )
    auth_role_claim: str | None = Field(
        default=None, description="a token claim whose values name roles directly (besides the scopes)"
    )
    auth_jwks_cache_seconds: float = Field(
        default=3600.0, gt=0, description="keep the issuer's keys this long"
    )
    auth_jwks_min_refetch_seconds: float = Field(
        default=30.0, ge=0, description="least time between two fetches of the issuer's keys"
    )
    auth_dpop_window_seconds: int = Field(
        default=60, ge=1, le=600, description="a DPoP proof's iat must be this close to now"
    )
    auth_dpop_replay_capacity: int = Field(
        default=100_000, ge=1000, description="DPoP jti kept against replay"
    )
    public_url: str | None = Field(
        default=None,
        description="the URL clients call the gateway by (behind a proxy); DPoP htu is checked against it",
    )
    apprec_version: Literal["1.0", "1.1"] = Field(default="1.0", description="AppRec version we emit")
    apprec_timeout_seconds: float = Field(default=96 * 3600, gt=0, description="HIS 80415: 96 h")
    worker_enabled: bool = Field(default=True, description="run a delivery worker inside `serve`")
    max_backlog: int = Field(
        default=50_000,
        ge=0,
        description="with process_in_workers: a post is refused (503, Retry-After) while this many "
        "messages and deliveries wait for the workers; 0: no bound",
    )
    process_in_workers: bool = Field(
        default=False,
        description="answer a post once it is stored and its envelope and schema are checked (202 "
        "`received`, or 422 at once); translation, routing and receipts run in the workers. Unset: on "
        "for `serve --workers N`, off for plain `serve`",
    )
    group_commit: bool = Field(
        default=True,
        description="the new messages of concurrent posts are stored in one transaction (one fsync for "
        "many); each post is answered once the commit holding it is done",
    )
    group_commit_window_ms: float = Field(
        default=0.0,
        ge=0,
        le=50,
        description="how long a group commit waits for more posts when fewer than its bound are "
        "waiting; 0: it takes what is waiting and commits at once",
    )
    group_commit_max_batch: int = Field(default=200, ge=1, description="messages in one group commit")
    group_commit_threads: int = Field(
        default=2,
        ge=1,
        le=16,
        description="group commits under way at once (each a thread with a pooled connection): while "
        "one waits for the store, the next takes the posts that came meanwhile",
    )
    worker_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="the worker processes `serve --workers N` starts run this much lower in priority "
        "(os.nice), so answering posts stays fast while they use what is left",
    )
    worker_poll_seconds: float = Field(default=0.2, gt=0)
    worker_batch: int = Field(default=20, ge=1)
    lease_seconds: float = Field(default=30.0, gt=0, description="a claim expires after this long")
    processing_grace_seconds: float = Field(
        default=10.0, gt=0, description="received but unprocessed for this long: a worker takes it over"
    )
    delivery_timeout_seconds: float = Field(default=10.0, gt=0)
    job_interval_seconds: float = Field(default=30.0, gt=0, description="scheduled jobs (AppRec timeouts)")
    max_body_bytes: int = Field(
        default=20 * MIB, gt=0, description="a request body past this is refused as it arrives (413)"
    )
    body_timeout_seconds: float = Field(
        default=60.0, gt=0, description="a request body not in within this is refused (408)"
    )
    processing_timeout_seconds: float = Field(
        default=60.0, gt=0, description="one message past this between two stages is refused"
    )
    fhir_validate_sample: float = Field(
        default=0.01,
        ge=0,
        le=1,
        description="share of translations whose FHIR output is also validated against the R4B models "
        "(a failure refuses the message, fhir.structure); 1: every one",
    )
    ebxml_max_parts: int = Field(default=100, ge=2, description="MIME parts in one ebXML package")
    ebxml_max_part_bytes: int = Field(default=20 * MIB, gt=0, description="one MIME part as it arrives")
    xml_max_depth: int = Field(default=64, ge=8, le=256, description="element nesting")
    xml_max_elements: int = Field(
        default=50_000, ge=100, description="elements in one document (comments and PIs count too)"
    )
    xml_max_attributes: int = Field(default=100, ge=1, description="attributes on one element")
    xml_max_attribute_chars: int = Field(default=65_536, ge=256, description="one attribute value")
    xml_max_text_chars: int = Field(
        default=10_000_000, ge=1024, le=10_000_000, description="the text of one element"
    )
    json_max_depth: int = Field(default=64, ge=8, le=512, description="array and object nesting")
    json_max_values: int = Field(default=200_000, ge=100, description="values in one JSON document")
    json_max_number_chars: int = Field(default=100, ge=20, description="the characters of one number")
    json_max_string_chars: int = Field(default=10_000_000, ge=1024, description="one JSON string")
    replay_allowed_endpoints: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="URL prefixes (ending in /) or exact URLs a replay may name as its endpoint "
        "(comma-separated); empty: none, or loopback URLs in development mode",
    )

    @field_validator(
        "routes",
        "auth_issuer",
        "auth_jwks_url",
        "auth_audience",
        "auth_role_claim",
        "public_url",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """``SAMBAND_ROUTES=`` (empty, as compose passes an unset variable) means none (no route file,
        no issuer …)."""
        return None if value == "" else value

    @field_validator("served_her_ids", "auth_algorithms", "replay_allowed_endpoints", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        """``SAMBAND_SERVED_HER_IDS=91094,91098``: a comma-separated list (blanks ignored)."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("replay_allowed_endpoints")
    @classmethod
    def _allowed_urls(cls, value: list[str]) -> list[str]:
        """Each entry an http(s) URL without credentials or fragment (ValueError names the bad one)."""
        return [check_entry(entry) for entry in value]

    @field_validator("database_url")
    @classmethod
    def _normalise_driver(cls, value: str) -> str:
        """PostgreSQL goes through psycopg 3; plain ``postgresql://`` URLs are accepted as such."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    def limits(self) -> Limits:
        """The bounds the adapters read documents within (``adapters/limits.py``); the size of a
        document is bounded by its request body (``max_body_bytes``) and, for files, by the defaults."""
        return Limits(
            xml=XmlLimits(
                max_depth=self.xml_max_depth,
                max_elements=self.xml_max_elements,
                max_attributes=self.xml_max_attributes,
                max_attribute_chars=self.xml_max_attribute_chars,
                max_text_chars=self.xml_max_text_chars,
            ),
            json=JsonLimits(
                max_depth=self.json_max_depth,
                max_values=self.json_max_values,
                max_number_chars=self.json_max_number_chars,
                max_string_chars=self.json_max_string_chars,
            ),
            mime=MimeLimits(
                max_parts=self.ebxml_max_parts,
                max_part_bytes=self.ebxml_max_part_bytes,
            ),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def tokens_configured(self) -> bool:
        """Whether access tokens are taken (an issuer, or a JWKS URL, is set)."""
        return bool(self.auth_issuer or self.auth_jwks_url)

    @property
    def dev_key_active(self) -> bool:
        """Whether the development key opens the API (it grants every role): while no tokens are
        configured, or with ``SAMBAND_DEV_KEY_WITH_TOKENS``."""
        return not self.tokens_configured or self.dev_key_with_tokens

    def api_key(self) -> str:
        """The development Bearer key; generated once per process when not configured. Never logged
        here: ``samband serve`` shows a generated key only in its console link, on loopback."""
        if self.dev_api_key is None:
            self.dev_api_key = secrets.token_urlsafe(24)
        return self.dev_api_key
