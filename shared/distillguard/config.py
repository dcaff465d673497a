"""Typed settings read from the environment once per process. A bad setting fails at start, before any
record is touched. Names match the Environment blocks in template.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _csv(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class StorageSettings(BaseSettings):
    """Where each stage reads and writes in the bucket."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    bucket_name: str = Field(min_length=3)
    raw_prefix: str = "raw/"
    validated_prefix: str = "validated/"
    quarantine_prefix: str = "quarantine/"
    verdicts_prefix: str = "verdicts/"
    manifests_prefix: str = "manifests/"

    @field_validator("raw_prefix", "validated_prefix", "quarantine_prefix", "verdicts_prefix", "manifests_prefix")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        if not value.endswith("/"):
            raise ValueError("prefixes end with '/'")
        return value


class ValidateSettings(StorageSettings):
    customer_metadata_keys: Annotated[tuple[str, ...], NoDecode] = ("customer_account", "customer_id", "account_id")
    trusted_metadata_roles: Annotated[tuple[str, ...], NoDecode] = ()
    # The expectation suite costs about 0.2 s a call whatever the rows (measured: 2,000 rows 0.20 s, 20,000 rows
    # 0.33 s), so rows wait for it in large batches, bounded by count and by the prompt characters they hold.
    batch_records: int = Field(default=20_000, ge=1, le=50_000)
    batch_prompt_chars: int = Field(default=64 * 1024 * 1024, ge=1)
    # A record more than this far outside its object's date partition (or after the object was written) is
    # quarantined: replays of old logs are normal, a record claiming another day than its partition is not.
    timestamp_tolerance_seconds: int = Field(default=6 * 3600, ge=0)
    max_prompt_chars: int = Field(default=200_000, ge=1)
    # LiteLLM attribution (formats.settings.FormatSettings): the fields naming the customer, in order, and the user
    # ids that name no one (the master key's). Bedrock bodies offloaded to S3 are read up to this size.
    litellm_customer_fields: Annotated[tuple[str, ...], NoDecode] = (
        "user_api_key_team_id",
        "team_id",
        "user_api_key_org_id",
        "user_api_key_user_id",
        "end_user",
        "user_api_key_end_user_id",
    )
    litellm_placeholder_users: Annotated[tuple[str, ...], NoDecode] = ("default_user_id",)
    max_offloaded_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1, le=256 * 1024 * 1024)

    _split_keys = field_validator(
        "customer_metadata_keys",
        "trusted_metadata_roles",
        "litellm_customer_fields",
        "litellm_placeholder_users",
        mode="before",
    )(_csv)


class ClassifySettings(StorageSettings):
    model_dir: Path | None = None
    onnx_providers: Annotated[tuple[str, ...], NoDecode] = ("CPUExecutionProvider",)
    intra_op_threads: int = Field(default=1, ge=1)
    classify_batch_size: int = Field(default=256, ge=1, le=4096)

    _split_providers = field_validator("onnx_providers", mode="before")(_csv)


class AggregateSettings(StorageSettings):
    table_name: str = Field(min_length=3)
    evidence_shards: int = Field(default=16, ge=1, le=256)
    evidence_retention_days: int = Field(default=14, ge=2)


class CorrelateSettings(BaseSettings):
    """The correlate function: its thresholds are the template's Correlation* parameters."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3)
    topic_arn: str = Field(min_length=10)
    evidence_shards: int = Field(default=16, ge=1, le=256)
    incident_retention_days: int = Field(default=365, ge=1)
    lateness_seconds: int = Field(default=1800, ge=0)
    horizon_hours: int = Field(default=24, ge=1, le=168)
    account_min_share: float = Field(default=0.2, gt=0, le=1)
    cluster_min_members: int = Field(default=3, ge=2)
    cluster_min_signals: int = Field(default=2, ge=1, le=5)
    lone_min_suspicious: int = Field(default=150, ge=1)
    renotify_hours: int = Field(default=24, ge=1)
    idle_close_hours: int = Field(default=72, ge=1)
    forward_to_security_hub: bool = False
    security_hub_product_arn: str = ""
    aws_account_id: str = ""
