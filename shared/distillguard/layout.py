"""Where each stage's output lands in the bucket, and what a key's date partition says about its records.

Validate writes one output per batch of raw objects, named by a digest of the objects it holds (their keys and
versions); classify derives its output key from its input key. A redelivered batch overwrites the same objects;
a batch redelivered with another composition writes new ones, and aggregation counts each source object once
whichever batch carried it (see correlation/evidence.py)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
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

    def validated_key(self, batch: SourceBatch) -> str:
        return f"{self.settings.validated_prefix}batches/{batch.folder}{batch.batch_id}{JSONL_GZ}"

    def quarantine_key(self, batch: SourceBatch) -> str:
        return f"{self.settings.quarantine_prefix}batches/{batch.folder}{batch.batch_id}{JSONL_GZ}"

    def unlogged_key(self, batch: SourceBatch) -> str:
        """Validate's own verdicts (unlabelled) for the batch's redacted requests: aggregation counts them."""
        return f"{self.settings.verdicts_prefix}unlogged/{batch.folder}{batch.batch_id}{JSONL_GZ}"

    def validate_manifest_key(self, batch: SourceBatch) -> str:
        return f"{self.settings.manifests_prefix}validate/batches/{batch.folder}{batch.batch_id}.json"

    def verdicts_key(self, validated_key: str) -> str:
        return self.settings.verdicts_prefix + relative_key(validated_key, self.settings.validated_prefix)

    def classify_manifest_key(self, validated_key: str) -> str:
        relative = _strip_jsonl(relative_key(validated_key, self.settings.validated_prefix))
        return f"{self.settings.manifests_prefix}classify/{relative}.json"


@dataclass(frozen=True)
class SourceBatch:
    """The raw objects one validate run turned into one output. Its id is a digest of their keys and versions, so
    the same batch redelivered writes the same keys; its folder is the earliest hour any of them is partitioned
    by, so outputs stay browsable by date."""

    batch_id: str
    folder: str

    @classmethod
    def of(cls, sources: Mapping[str, str]) -> SourceBatch:
        """`sources` maps each raw key to its version (the S3 ETag)."""
        listing = "\n".join(f"{key}\t{version}" for key, version in sorted(sources.items()))
        batch_id = hashlib.blake2b(listing.encode(), digest_size=10).hexdigest()
        starts = [partition.start for key in sources if (partition := partition_of(key)) is not None]
        folder = f"{min(starts):%Y/%m/%d/%H}/" if starts else "unpartitioned/"
        return cls(batch_id=batch_id, folder=folder)


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
