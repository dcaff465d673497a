"""Cost per million prompts on AWS, from the requests a run really makes (a command, not a guess).

    python -m infra.cost [--scale small] [--seed 1101] [--delivery backfill|one-by-one]

Simulates traffic, re-cuts its gateway records into objects of 1, 10, 50 and 500 records, runs the stage code
over each (the in-process engine's stages, batched as the template's event sources batch them) while counting
every request the Lambdas would make: S3 GET and PUT, SQS messages (each S3 notification is one SendMessage;
Lambda's poller receives and deletes ten at a time), DynamoDB write and read units (from each item's size, as
DynamoDB bills them), SNS publishes, Lambda invocations, and GB-seconds (each stage's measured time on this
machine times its MemorySize in template.yaml). Prices are public on-demand prices, us-east-1, x86 (below).
Storage, data transfer, CloudWatch and free tiers are left out.

`--delivery` says how the objects reach the functions. `backfill` (the default): full batches, as a backfill or a
busy stream fills them (ValidateBatchSize raw objects a validate call, 10 validated objects a classify call, 100
verdict objects an aggregate call, ten messages a receive). `one-by-one`: every object alone, as a quiet stream
delivers it when each batching window holds one object: one raw object a validate call, one object a classify and
an aggregate call, one message a receive. Live traffic costs between the two."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from distillguard.adapters.dynamodb import (
    account_keys,
    encode_evidence,
    partition_accounts,
    range_read_limit,
    shard_of,
    unreached,
)
from distillguard.adapters.memory import MemoryEvidenceStore
from distillguard.adapters.s3 import S3Object
from distillguard.correlation.evidence import HourEvidence
from distillguard.engine.objects import FolderObjectStore
from distillguard.engine.run import stage_settings
from distillguard.local.pipeline import TEMPLATE
from distillguard.local.template import load_template
from infra.bench import recut, run_stages

PRICES_AS_OF = "2025-07 (AWS's published on-demand prices, us-east-1; DynamoDB's since its 2024-11-01 cut)"
PRICES = {
    "s3_put": 0.005 / 1_000,
    "s3_get": 0.0004 / 1_000,
    "sqs_request": 0.40 / 1_000_000,
    "dynamodb_wru": 0.625 / 1_000_000,
    "dynamodb_rru": 0.125 / 1_000_000,
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000166667,
    "sns_publish": 0.50 / 1_000_000,
}
SHARDS = int(load_template(TEMPLATE)["Parameters"]["EvidenceShards"]["Default"])
SQS_RECEIVE = 10  # messages per ReceiveMessage / DeleteMessageBatch
CLASSIFY_BATCH = 10  # the template's BatchSize for the classify and aggregate queues
AGGREGATE_BATCH = 100


@dataclass(frozen=True)
class CountingObjects(FolderObjectStore):
    counts: Counter[str] = field(default_factory=Counter)

    def open(self, key: str) -> S3Object:
        self.counts["s3_get"] += 1
        return super().open(key)

    def upload(self, path: Path, key: str, content_type: str = "application/x-ndjson") -> None:
        self.counts["s3_put"] += 1
        super().upload(path, key, content_type)

    def put_model(self, key: str, model: BaseModel) -> None:
        self.counts["s3_put"] += 1
        super().put_model(key, model)

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        self.counts["s3_get"] += 1
        return super().read_bounded(key, max_bytes)


def _stored_bytes(item: HourEvidence) -> int:
    """The item's size as DynamoDB bills it: its compressed evidence, keys, attribute names and the expiry."""
    return len(encode_evidence(item)) + len(item.account) + 96


def _read_units(items: Iterable[HourEvidence]) -> int:
    """Read units of one strongly consistent query: 4 KB each, at least one."""
    return max(1, math.ceil(sum(_stored_bytes(item) for item in items) / 4096))


def _item_units(item: HourEvidence) -> int:
    """Write units of one put: 1 KB each."""
    return max(1, math.ceil(_stored_bytes(item) / 1024))


@dataclass
class CountingEvidence(MemoryEvidenceStore):
    counts: Counter[str] = field(default_factory=Counter)

    def put(self, items: Sequence[HourEvidence]) -> None:
        self.counts["dynamodb_wru"] += sum(_item_units(item) for item in items)
        super().put(items)

    def existing(self, cells: Sequence[tuple[datetime, str]]) -> dict[tuple[datetime, str], list[HourEvidence]]:
        """Bills the reads `DynamoEvidenceStore.existing` makes: per partition, one range query over its cells'
        accounts (1 unit per 4 KB read, at least 1), then a query per account that range did not reach."""
        found = super().existing(cells)
        for (hour, shard), accounts in partition_accounts(cells, SHARDS).items():
            first, last = account_keys(accounts[0])[0], account_keys(accounts[-1])[1]
            in_range = sorted(
                (f"{account}#{source}", item)
                for (account, source), item in self._by_hour.get(hour, {}).items()
                if shard_of(account, SHARDS) == shard and first <= f"{account}#" <= last
            )
            read = in_range[: range_read_limit(len(accounts))]
            self.counts["dynamodb_rru"] += _read_units(item for _, item in read)
            if len(read) < len(in_range):
                for account in unreached(accounts, read[-1][0]):
                    self.counts["dynamodb_rru"] += _read_units(found.get((hour, account), []))
        return found

    def advance_watermark(self, first_hour: datetime, latest: datetime) -> None:
        self.counts["dynamodb_wru"] += 2  # two conditional updates
        super().advance_watermark(first_hour, latest)


@dataclass(frozen=True)
class Delivery:
    """How many objects each function call gets, and messages each receive."""

    validate_batch: int | None  # None: the template's ValidateBatchSize
    classify_batch: int
    aggregate_batch: int
    per_receive: int


DELIVERIES = {
    "backfill": Delivery(None, CLASSIFY_BATCH, AGGREGATE_BATCH, SQS_RECEIVE),
    "one-by-one": Delivery(1, 1, 1, 1),
}


def _sqs(messages: int, per_receive: int = SQS_RECEIVE) -> int:
    """A message costs its SendMessage, and its share of the poller's ReceiveMessage and DeleteMessageBatch."""
    return messages + 2 * math.ceil(messages / per_receive)


def measure(folder: Path, memory_mb: dict[str, int], delivery: Delivery = DELIVERIES["backfill"]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="distillguard-cost-") as scratch:
        settings = stage_settings()
        objects = CountingObjects(folder, settings.validate.raw_prefix, Path(scratch))
        store = CountingEvidence()
        run = run_stages(
            objects, store, aggregate_batch=delivery.aggregate_batch, validate_batch=delivery.validate_batch
        )
        counts.update(objects.counts)
        counts.update(store.counts)
    seconds, records, validated, findings = run.seconds, run.records_valid, run.validated, run.findings
    counts["raw_objects"] = run.raw_objects
    counts["lambda_validate"] = run.validate_batches
    hours = len({item.hour for item in store.items.values()})
    # Each hour the correlator closes, it reads every item of the horizon it looks back over (24 h by default):
    # an item is read once for every hour it stays in the horizon (queries bill 4 KB of items per read unit),
    # strongly consistent in the hour it is closed, eventually consistent (half a unit) in the hours after.
    evidence_bytes = sum(_stored_bytes(item) for item in store.items.values())
    reads_per_item = 1 + 0.5 * (settings.correlate.horizon_hours - 1)
    counts["dynamodb_rru"] += math.ceil(math.ceil(evidence_bytes / 4096) * reads_per_item)
    counts["dynamodb_wru"] += hours * 4  # state commit, incident heads, outbox, per hour
    counts["lambda_classify"] = math.ceil(len(validated) / delivery.classify_batch)
    counts["lambda_aggregate"] = math.ceil(len(validated) / delivery.aggregate_batch)
    counts["lambda_correlate"] = hours
    counts["sqs_request"] = _sqs(run.raw_objects, delivery.per_receive) + 2 * _sqs(len(validated), delivery.per_receive)
    counts["sns_publish"] = len(findings)
    gb_seconds = sum(seconds[stage] * memory_mb[stage] / 1024 for stage in seconds)
    lambda_requests = sum(counts[f"lambda_{stage}"] for stage in seconds)
    cost = {
        "s3": counts["s3_put"] * PRICES["s3_put"] + counts["s3_get"] * PRICES["s3_get"],
        "sqs": counts["sqs_request"] * PRICES["sqs_request"],
        "dynamodb": counts["dynamodb_wru"] * PRICES["dynamodb_wru"] + counts["dynamodb_rru"] * PRICES["dynamodb_rru"],
        "lambda": lambda_requests * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        "sns": counts["sns_publish"] * PRICES["sns_publish"],
    }
    per_million = {name: round(value / records * 1_000_000, 4) for name, value in cost.items()}
    # The floor reading each object imposes: one GET, its notification, and the poller's share of receives.
    floor = (
        (run.raw_objects * PRICES["s3_get"] + _sqs(run.raw_objects, delivery.per_receive) * PRICES["sqs_request"])
        / records
        * 1_000_000
    )
    return {
        "records": records,
        "objects": run.raw_objects,
        "requests": dict(sorted(counts.items())),
        "lambda_gb_seconds": round(gb_seconds, 2),
        "stage_seconds": {stage: round(value, 2) for stage, value in seconds.items()},
        "usd_per_million_prompts": per_million,
        "usd_per_million_total": round(sum(per_million.values()), 4),
        "usd_per_million_floor": round(floor, 4),
        "times_the_floor": round(sum(per_million.values()) / floor, 2),
    }


def function_memory() -> dict[str, int]:
    resources = load_template(TEMPLATE)["Resources"]
    return {
        stage: int(resources[f"{stage.capitalize()}Function"]["Properties"]["MemorySize"])
        for stage in ("validate", "classify", "aggregate", "correlate")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--seed", type=int, default=1101)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50, 500])
    parser.add_argument("--delivery", choices=sorted(DELIVERIES), default="backfill")
    args = parser.parse_args()
    from distillguard.simulate import simulate

    memory = function_memory()
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="distillguard-cost-") as scratch:
        folder = Path(scratch) / "logs"
        simulate(folder, seed=args.seed, scale=args.scale)
        for size in args.sizes:
            cut = Path(scratch) / f"cut-{size}"
            recut(folder, cut, size)
            rows[str(size)] = measure(cut, memory, DELIVERIES[args.delivery])
            shutil.rmtree(cut)
    print(f"prices: {PRICES_AS_OF}: {json.dumps(PRICES)}")
    print(f"{'records/object':>15} {'objects':>8} {'$/M total':>10} {'floor':>8} {'x floor':>8}  by service ($/M)")
    for size, row in rows.items():
        print(
            f"{size:>15} {row['objects']:>8} {row['usd_per_million_total']:>10.4f} {row['usd_per_million_floor']:>8.4f}"
            f" {row['times_the_floor']:>8.2f}  {row['usd_per_million_prompts']}"
        )
    print(
        json.dumps(
            {"prices_as_of": PRICES_AS_OF, "prices": PRICES, "delivery": args.delivery, "by_records_per_object": rows}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
