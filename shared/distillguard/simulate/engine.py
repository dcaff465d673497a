"""Orchestrates one simulation run: roster -> records -> files (+ broken lines) -> ground truth."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from distillguard.records import LABELS
from distillguard.simulate import broken, layout
from distillguard.simulate.accounts import Account, build_roster
from distillguard.simulate.content.everyday import chat_prompt
from distillguard.simulate.model import CHANNELS, Channel, GroundTruth
from distillguard.simulate.render import SimRecord, estimate_prompt_tokens, new_uuid
from distillguard.simulate.traffic import account_records, apportion
from distillguard.simulate.truth import account_truths, expected_alerts

GROUND_TRUTH_FILE = "_ground_truth.json"
RECORD_LABELS_FILE = "_records.jsonl.gz"


def simulate(
    out_dir: Path,
    *,
    seed: int,
    n_records: int = 12_000,
    start: datetime = datetime(2026, 2, 3, 8, tzinfo=UTC),
    hours: int = 6,
) -> GroundTruth:
    """Write `n_records` valid requests (plus ~0.5% broken lines) timed in [start, start + hours) under out_dir."""
    if hours < 1 or n_records < 0:
        raise ValueError("hours must be >= 1 and n_records >= 0")
    start = start.astimezone(UTC) if start.tzinfo else start.replace(tzinfo=UTC)
    rng = random.Random(f"distillguard-sim:{seed}:roster")
    accounts = build_roster(rng, hours)
    for account, count in zip(accounts, apportion(n_records, [a.weight for a in accounts]), strict=True):
        account.records = count
    records: list[SimRecord] = []
    for account in accounts:
        account_rng = random.Random(f"distillguard-sim:{seed}:{account.account_id}")
        records.extend(account_records(account_rng, account, account.records, start, hours))

    files_rng = random.Random(f"distillguard-sim:{seed}:files")
    by_channel: dict[Channel, list[SimRecord]] = {
        ch: [r for r in records if r.account.channel == ch] for ch in CHANNELS
    }
    line_files = layout.gateway_files(files_rng, by_channel["gateway"]) + layout.bedrock_files(
        files_rng, by_channel["bedrock"]
    )
    litellm = layout.litellm_files(files_rng, by_channel["litellm"])

    n_broken = broken.broken_count(n_records) if line_files else 0
    broken_rng = random.Random(f"distillguard-sim:{seed}:broken")
    broken_counts = broken.inject(
        broken_rng, line_files, _throwaway_factory(accounts, start, hours), n_broken, litellm if litellm else None
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    for log in line_files:
        layout.write(out_dir, log.key, log.payload())
    for key, payload in litellm.items():
        layout.write(out_dir, key, payload)

    labels = Counter(r.prompt.label for r in records)
    truth = GroundTruth(
        seed=seed,
        n_records=len(records),
        n_broken=sum(broken_counts.values()),
        broken_by_kind=dict(sorted(broken_counts.items())),
        start=f"{start:%Y-%m-%dT%H:%M:%SZ}",
        hours=hours,
        accounts=account_truths(accounts, records),
        records_by_label={label: labels[label] for label in LABELS},
        records_by_channel={ch: len(members) for ch, members in by_channel.items()},
        expected_alerts=expected_alerts(records),
        files=len(line_files) + len(litellm),
    )
    layout.write(out_dir, RECORD_LABELS_FILE, layout.record_labels(records))
    (out_dir / GROUND_TRUTH_FILE).write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return truth


def _throwaway_factory(accounts: list[Account], start: datetime, hours: int) -> broken.RecordFactory:
    """Broken lines carry ordinary content from a benign account of the right channel; they are not counted as
    that account's records because validation drops them."""

    def make(rng: random.Random, channel: str, log: layout.LogFile | None) -> SimRecord:
        pool = [a for a in accounts if a.role == "benign" and a.channel == channel and a.source_ips]
        if log is not None and log.channel == "bedrock":
            pool = [
                a for a in pool if a.reseller is not None and log.key.startswith(f"AWSLogs/{a.reseller.payer_account}/")
            ]
        account = rng.choice(pool)
        hour = log.hour if log is not None else start + timedelta(hours=rng.randrange(hours))
        prompt = chat_prompt(rng)
        return SimRecord(
            request_id=new_uuid(rng),
            account=account,
            timestamp=hour + timedelta(seconds=rng.uniform(0, 3599)),
            prompt=prompt,
            model=account.models[0],
            source_ip=account.source_ips[0],
            user_agent=account.user_agents[0],
            api_key_id=account.api_keys[0],
            prompt_tokens=estimate_prompt_tokens(prompt),
            completion_tokens=120,
        )

    return make
