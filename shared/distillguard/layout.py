"""Where each stage's output lands in the bucket, and what a key's date partition says about its records.

Every stage derives its output key from its input key, so a redelivered message overwrites the same objects
instead of adding new ones: that is what makes the S3 stages idempotent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from distillguard.config import StorageSettings

JSONL_GZ = ".jsonl.gz"

# .../YYYY/MM/DD/HH/... (Bedrock invocation logs, the gateway format) or .../YYYY-MM-DD/... (LiteLLM).
_HOUR_PARTITION = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/(\d{2})/")
_DAY_PARTITION = re.compile(r"(?:^|/)(\d{4})-(\d{2})-(\d{2})/")


class UnexpectedKey(ValueError):
    """A key outside the prefix a stage listens on: a wiring mistake, never silently ignored."""


@dataclass(frozen=True)
class Partition:
    """The event-time span a log object claims to cover, read from its key."""

    start: datetime
    end: datetime


def relative_key(key: str, prefix: str) -> str:
    if not key.startswith(prefix) or len(key) == len(prefix):
        raise UnexpectedKey(f"{key!r} is not under {prefix!r}")
    return key[len(prefix) :]


def _strip_jsonl(relative: str) -> str:
    return relative[: -len(JSONL_GZ)] if relative.endswith(JSONL_GZ) else relative


@dataclass(frozen=True)
class KeyLayout:
    settings: StorageSettings

    def validated_key(self, raw_key: str) -> str:
        return self.settings.validated_prefix + relative_key(raw_key, self.settings.raw_prefix) + JSONL_GZ

    def quarantine_key(self, raw_key: str) -> str:
        return self.settings.quarantine_prefix + relative_key(raw_key, self.settings.raw_prefix) + JSONL_GZ

    def validate_manifest_key(self, raw_key: str) -> str:
        return f"{self.settings.manifests_prefix}validate/{relative_key(raw_key, self.settings.raw_prefix)}.json"

    def verdicts_key(self, validated_key: str) -> str:
        return self.settings.verdicts_prefix + relative_key(validated_key, self.settings.validated_prefix)

    def classify_manifest_key(self, validated_key: str) -> str:
        relative = _strip_jsonl(relative_key(validated_key, self.settings.validated_prefix))
        return f"{self.settings.manifests_prefix}classify/{relative}.json"


def partition_of(key: str) -> Partition | None:
    """The hour (or day) a log object's key says its records belong to, if the key is date-partitioned."""
    if match := _HOUR_PARTITION.search(key):
        year, month, day, hour = (int(part) for part in match.groups())
        start = _checked_datetime(year, month, day, hour)
        return Partition(start, start + timedelta(hours=1)) if start else None
    if match := _DAY_PARTITION.search(key):
        year, month, day = (int(part) for part in match.groups())
        start = _checked_datetime(year, month, day, 0)
        return Partition(start, start + timedelta(days=1)) if start else None
    return None


def _checked_datetime(year: int, month: int, day: int, hour: int) -> datetime | None:
    try:
        return datetime(year, month, day, hour, tzinfo=UTC)
    except ValueError:
        return None
