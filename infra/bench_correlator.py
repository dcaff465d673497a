"""How long the correlator takes per hour of evidence: ``python -m infra.bench_correlator --accounts 20000``.

Builds synthetic evidence items (correlation/evidence.py: one per account, hour and source batch) for ``--hours``
consecutive hours of ``--accounts`` active accounts each, ``--sources`` items per account-hour, of which a share
are harvesting accounts in clusters of ``--cluster-size`` sharing a template, a /24 and their burst minutes (so the
linking and the group decisions do real work), then times ``Correlator.run(flush=True)`` over them with the
in-memory stores (adapters/memory.py): detection's own cost, without DynamoDB's read time. Reports the seconds per
hour, the items per second, the peak RSS and what was detected, as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any

from distillguard.adapters.memory import MemoryIncidentStore, MemoryPublisher
from distillguard.collection import fewer_collections
from distillguard.config import CorrelateSettings
from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.service import Correlator, Watermark
from distillguard.correlation.settings import correlator_rules

START = datetime(2026, 2, 3, tzinfo=UTC)
HOUR = timedelta(hours=1)


class IndexedEvidence:
    """Evidence by hour, read without sorting: the in-memory fake sorts every item per read, DynamoDB does not."""

    def __init__(self, items: list[HourEvidence]) -> None:
        self.by_hour: dict[datetime, list[HourEvidence]] = defaultdict(list)
        for item in items:
            self.by_hour[item.hour].append(item)
        self.first = min(self.by_hour)
        self.latest = max(self.by_hour) + HOUR - timedelta(seconds=1)

    def hour(self, hour: datetime, *, settled: bool = False) -> list[HourEvidence]:
        return list(self.by_hour.get(hour, []))

    def watermark(self) -> Watermark:
        return Watermark(first_hour=self.first, latest=self.latest)


def synthetic_evidence(
    accounts: int, hours: int, sources: int, harvesting_share: float, cluster_size: int, seed: int
) -> list[HourEvidence]:
    rng = random.Random(seed)
    harvesters = int(accounts * harvesting_share)
    items = []
    for hour_index in range(hours):
        hour = START + HOUR * hour_index
        for account_index in range(accounts):
            harvesting = account_index < harvesters
            cluster = account_index // cluster_size
            for source in range(sources):
                prompts = rng.randint(1, 6)
                suspicious = prompts if harvesting else 0
                item = HourEvidence(
                    account=f"acct-{account_index:07d}",
                    hour=hour,
                    source=f"{hour_index:03d}{account_index:07d}{source:02d}",
                    batch_key=f"verdicts/batches/{hour:%Y/%m/%d/%H}/{account_index % 997:04d}.jsonl.gz",
                    prompts=prompts,
                    by_label={
                        "cot_harvesting": suspicious,
                        "agentic_extraction": 0,
                        "ordinary": prompts - suspicious,
                    },
                    score_sums={
                        "cot_harvesting": round(suspicious * 0.9, 4),
                        "agentic_extraction": 0.0,
                        "ordinary": round(prompts - suspicious * 0.9, 4),
                    },
                    models={"model-a": prompts},
                    fingerprints={f"tpl-{rng.randrange(50_000):05d}": prompts},
                    suspicious_fingerprints={f"scaffold-{cluster}": suspicious} if harvesting else {},
                    suspicious_models={"model-a": suspicious} if harvesting else {},
                    networks={f"10.{cluster // 256 % 256}.{cluster % 256}.0/24": suspicious} if harvesting else {},
                    user_agents={"python-httpx/0.27": suspicious} if harvesting else {},
                    minutes=(1 << (cluster % 60)) | (1 << ((cluster + 7) % 60)) if harvesting else 0,
                    first_seen=hour + timedelta(minutes=cluster % 60) if harvesting else None,
                    last_seen=hour + timedelta(minutes=(cluster + 7) % 60) if harvesting else None,
                )
                items.append(item)
    return items


def _peak_rss_mb() -> float:
    match = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return round(int(match.group(1)) / 1024, 1) if match else 0.0


def bench(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    items = synthetic_evidence(
        args.accounts, args.hours, args.sources, args.harvesting_share, args.cluster_size, args.seed
    )
    built = time.perf_counter() - started
    settings = CorrelateSettings(table_name="bench", topic_arn="arn:aws:sns:us-east-1:123456789012:bench")
    detection, notification = correlator_rules(settings)
    publisher = MemoryPublisher()
    correlator = Correlator(
        evidence=IndexedEvidence(items),
        store=MemoryIncidentStore(),
        publisher=publisher,
        detection=detection,
        notification=notification,
        lateness=timedelta(seconds=settings.lateness_seconds),
    )
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    with fewer_collections():  # as the correlate function runs it
        report = correlator.run(flush=True)
    seconds = time.perf_counter() - started
    return {
        "benchmark": "correlator",
        "date": formatdate(usegmt=True),
        "accounts_per_hour": args.accounts,
        "hours": args.hours,
        "items": len(items),
        "items_per_account_hour": args.sources,
        "harvesting_accounts": int(args.accounts * args.harvesting_share),
        "build_seconds": round(built, 1),
        "run_seconds": round(seconds, 2),
        "seconds_per_hour": round(seconds / max(1, len(report.hours)), 2),
        "items_per_second": round(len(items) / seconds),
        "hours_processed": len(report.hours),
        "detections": report.detections,
        "findings_published": len(report.published),
        "peak_rss_mb_before_run": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000, help="active accounts in each hour")
    parser.add_argument("--hours", type=int, default=1)
    parser.add_argument("--sources", type=int, default=1, help="evidence items per account-hour (source batches)")
    parser.add_argument("--harvesting-share", type=float, default=0.05)
    parser.add_argument("--cluster-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    print(json.dumps(bench(parser.parse_args(argv))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
