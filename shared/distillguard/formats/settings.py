"""Knobs the pipeline passes to the format readers."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_PROMPT_CHARS = 200_000
DEFAULT_MAX_OFFLOADED_BODY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class FormatSettings:
    """How to read records whose meaning depends on the deployment.

    ``customer_metadata_keys``: Bedrock ``requestMetadata`` keys that name the customer, tried in order; the first
    non-empty value wins, then the caller's IAM identity (an assumed role without its session name).
    ``trusted_metadata_roles``: when set, only callers assuming one of these role names may name the customer in
    ``requestMetadata``; everyone else is named by its identity.

    ``litellm_customer_fields``: the fields that name a LiteLLM customer, tried in order; each is looked up in the
    payload's ``metadata`` (``StandardLoggingMetadata``), then at the payload's top level (``end_user``). A value in
    ``litellm_placeholder_users`` (the master key's ``default_user_id``) names no one: it is used only when no other
    field names the caller, so the end users behind a master key stay apart.

    ``max_prompt_chars``: longer prompts keep the head and tail of each block (``formats.bounds``) instead of being
    refused. ``max_offloaded_body_bytes``: the largest Bedrock request body read back from S3, compressed or not.
    """

    customer_metadata_keys: tuple[str, ...] = ("customer_account", "customer_id", "account_id")
    trusted_metadata_roles: tuple[str, ...] = ()
    litellm_customer_fields: tuple[str, ...] = (
        "user_api_key_team_id",
        "team_id",
        "user_api_key_org_id",
        "user_api_key_user_id",
        "end_user",
        "user_api_key_end_user_id",
    )
    litellm_placeholder_users: tuple[str, ...] = ("default_user_id",)
    max_prompt_chars: int = DEFAULT_MAX_PROMPT_CHARS
    max_offloaded_body_bytes: int = DEFAULT_MAX_OFFLOADED_BODY_BYTES
