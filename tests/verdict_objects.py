"""Verdict objects as the classify stage writes them, for the integration tests that start at the aggregate stage."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

from distillguard.records import LABELS, Label, Verdict

HOUR = datetime(2026, 2, 3, 8, tzinfo=UTC)


def verdict_object(
    account: str, label: Label, hours: int, per_hour: int, source_key: str = "raw/gateway/x.jsonl"
) -> bytes:
    """A gzip JSON-lines verdict object: `per_hour` requests in each of `hours` event hours from HOUR, each a
    distinct problem (its own template fingerprint), as a harvester sweeping problems sends them."""
    verdicts = [
        Verdict(
            request_id=f"{account}-{source_key}-{hour}-{index}",
            timestamp=HOUR + timedelta(hours=hour, minutes=index * 2),
            customer_account=account,
            source_ip="198.51.100.7",
            user_agent="python-httpx/0.27.0",
            source_format="gateway",
            source_key=source_key,
            line_number=index + 1,
            template_fingerprint=f"{hour:04x}{index:04x}",
            label=label,
            scores={name: 0.98 if name == label else 0.01 for name in LABELS},
            model_version="test-model",
        )
        for hour in range(hours)
        for index in range(per_hour)
    ]
    return gzip.compress(b"".join(v.model_dump_json().encode() + b"\n" for v in verdicts), mtime=0)
