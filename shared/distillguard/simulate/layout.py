"""Where each record lands, as the logs would in the bucket: object keys, 5-minute file rolling, gzip."""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from distillguard.simulate.render import SimRecord, bedrock_line, gateway_line, litellm_payload, new_uuid

ROLL_MINUTES = 5  # a busy deployment; a quiet one rolls less often (see scales.Plan.roll_minutes)
GATEWAY_INSTANCES = 3  # the last one is a legacy instance that writes plain .jsonl


@dataclass
class LogFile:
    """A line-oriented log object under construction (gateway or Bedrock)."""

    key: str
    channel: str
    hour: datetime
    gzip: bool
    lines: list[bytes] = field(default_factory=list)

    def payload(self) -> bytes:
        data = b"".join(line + b"\n" for line in self.lines)
        return gzip.compress(data, mtime=0) if self.gzip else data


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _bucket(ts: datetime, roll_minutes: int) -> datetime:
    return ts.replace(minute=ts.minute - ts.minute % roll_minutes, second=0, microsecond=0)


def gateway_files(rng: random.Random, records: list[SimRecord], roll_minutes: int = ROLL_MINUTES) -> list[LogFile]:
    groups: dict[tuple[datetime, int], list[SimRecord]] = defaultdict(list)
    for record in records:
        groups[(_bucket(record.timestamp, roll_minutes), rng.randrange(GATEWAY_INSTANCES))].append(record)
    files = []
    for (bucket, instance), members in sorted(groups.items()):
        plain = instance == GATEWAY_INSTANCES - 1
        key = f"gateway/{bucket:%Y/%m/%d/%H}/{new_uuid(rng)}.jsonl{'' if plain else '.gz'}"
        log = LogFile(key, "gateway", bucket.replace(minute=0), gzip=not plain)
        log.lines = [dumps(gateway_line(r)) for r in sorted(members, key=lambda r: r.timestamp)]
        files.append(log)
    return files


def bedrock_key(rng: random.Random, payer: str, bucket: datetime) -> str:
    return (
        f"AWSLogs/{payer}/BedrockModelInvocationLogs/us-east-1/{bucket:%Y/%m/%d/%H}/"
        f"{payer}_BedrockModelInvocationLogs_us-east-1_{bucket:%Y%m%dT%H%M}Z_{rng.getrandbits(32):08x}.json.gz"
    )


def bedrock_files(rng: random.Random, records: list[SimRecord], roll_minutes: int = ROLL_MINUTES) -> list[LogFile]:
    groups: dict[tuple[str, datetime], list[SimRecord]] = defaultdict(list)
    for record in records:
        assert record.account.reseller is not None
        groups[(record.account.reseller.payer_account, _bucket(record.timestamp, roll_minutes))].append(record)
    files = []
    for (payer, bucket), members in sorted(groups.items()):
        log = LogFile(bedrock_key(rng, payer, bucket), "bedrock", bucket.replace(minute=0), gzip=True)
        log.lines = [dumps(bedrock_line(r, rng)) for r in sorted(members, key=lambda r: r.timestamp)]
        files.append(log)
    return files


def litellm_key(ts: datetime, call_id: str) -> str:
    return f"litellm/{ts:%Y-%m-%d}/{ts:%H-%M-%S}_{call_id}.json"


def litellm_files(rng: random.Random, records: list[SimRecord]) -> dict[str, bytes]:
    """LiteLLM's S3 logger writes one StandardLoggingPayload object per file."""
    return {
        litellm_key(r.timestamp, r.request_id): dumps(litellm_payload(r, rng))
        for r in sorted(records, key=lambda r: r.timestamp)
    }


def write(out_dir: Path, key: str, payload: bytes) -> None:
    path = out_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)


def record_labels(records: list[SimRecord]) -> bytes:
    """Per-request ground truth: who sent it (account, role, population, cluster), what it is (label, variant),
    with which model and when (ISO, milliseconds), keyed by request id."""
    lines = [
        dumps(
            {
                "request_id": r.request_id,
                "account_id": r.account.account_id,
                "role": r.account.role,
                "population": r.account.population,
                "cluster": r.account.cluster,
                "label": r.prompt.label,
                "variant": r.prompt.variant,
                "model": r.model,
                "timestamp": f"{r.timestamp:%Y-%m-%dT%H:%M:%S}.{r.timestamp.microsecond // 1000:03d}Z",
            }
        )
        for r in sorted(records, key=lambda r: (r.timestamp, r.request_id))
    ]
    return gzip.compress(b"".join(line + b"\n" for line in lines), mtime=0)
