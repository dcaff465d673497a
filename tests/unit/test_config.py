"""A bad setting fails when the function starts, before any record is touched."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from distillguard.config import AggregateSettings, ClassifySettings, CorrelateSettings, ValidateSettings


def test_comma_separated_lists_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUCKET_NAME", "logs-bucket")
    monkeypatch.setenv("CUSTOMER_METADATA_KEYS", "tenant, customer_id")
    monkeypatch.setenv("ONNX_PROVIDERS", "CUDAExecutionProvider,CPUExecutionProvider")
    assert ValidateSettings().customer_metadata_keys == ("tenant", "customer_id")  # type: ignore[call-arg]
    assert ClassifySettings().onnx_providers == ("CUDAExecutionProvider", "CPUExecutionProvider")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("settings", "name", "value"),
    [
        (AggregateSettings, "RAW_PREFIX", "raw"),
        (AggregateSettings, "EVIDENCE_SHARDS", "0"),
        (CorrelateSettings, "ACCOUNT_MIN_SHARE", "1.5"),
        (CorrelateSettings, "HORIZON_HOURS", "0"),
        (CorrelateSettings, "CLUSTER_MIN_MEMBERS", "zero"),
        (CorrelateSettings, "FORWARD_TO_SECURITY_HUB", "perhaps"),
    ],
)
def test_invalid_settings_are_refused(monkeypatch: pytest.MonkeyPatch, settings: type, name: str, value: str) -> None:
    monkeypatch.setenv("BUCKET_NAME", "logs-bucket")
    monkeypatch.setenv("TABLE_NAME", "state")
    monkeypatch.setenv("TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:alerts")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.lower()):
        settings()


def test_a_missing_bucket_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUCKET_NAME", raising=False)
    with pytest.raises(ValidationError, match="bucket_name"):
        ValidateSettings()  # type: ignore[call-arg]
