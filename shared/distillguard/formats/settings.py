"""Knobs the pipeline passes to the format readers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormatSettings:
    """How to read records whose meaning depends on the deployment.

    ``customer_metadata_keys``: Bedrock ``requestMetadata`` keys that name the customer, tried in order; the first
    non-empty value wins, and the caller's IAM identity ARN is the fallback.
    """

    customer_metadata_keys: tuple[str, ...] = ("customer_account", "customer_id", "account_id")
