"""Orchestrates one simulation run: populations -> records -> files (+ broken lines) -> ground truth."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from distillguard.records import LABELS
from distillguard.simulate import attackers, benign, broken, layout
from distillguard.simulate.accounts import World
from distillguard.simulate.content.everyday import chat_prompt
from distillguard.simulate.model import CHANNELS, SCALES, Channel, GroundTruth, Scale
from distillguard.simulate.render import SimRecord, estimate_prompt_tokens, new_uuid
from distillguard.simulate.scales import Plan, plan_for
from distillguard.simulate.truth import account_truths, cluster_truths, model_release

GROUND_TRUTH_FILE = "_ground_truth.json"
RECORD_LABELS_FILE = "_records.jsonl.gz"
START = datetime(2026, 2, 3, tzinfo=UTC)

# In a fixed order: account ids and /24s are unique across populations, first come first served.
POPULATIONS: tuple[Callable[[World, Plan], list[SimRecord]], ...] = (
    benign.general_users,
    benign.pipelines,
    benign.nat_companies,
    benign.agent_developers,
    benign.math_students,
    benign.eval_teams,
    attackers.hydra_clusters,
    attackers.agentic_swarms,
    attackers.cover_clusters,
    attackers.lone_bulk,
    attackers.model_hoppers,
)


def simulate(
    out_dir: Path, *, seed: int, scale: str = "small", plan_changes: Mapping[str, Any] | None = None
) -> GroundTruth:
    """Write one run's logs in all three formats, plus ~0.5% broken lines and the ground truth, under out_dir;
    `plan_changes` changes fields of the scale's plan (`scales.plan_for`), and the ground truth records them.

    The same (seed, scale, plan changes) gives byte-identical output."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    size = cast(Scale, scale)
    plan = plan_for(size, plan_changes)
    world = World.create(seed, size, START, plan.hours, plan.release_hour)
    records = sorted(
        (record for population in POPULATIONS for record in population(world, plan)),
        key=lambda r: (r.timestamp, r.request_id),
    )

    files_rng = world.rng("files")
    by_channel: dict[Channel, list[SimRecord]] = {ch: [] for ch in CHANNELS}
    for record in records:
        by_channel[record.account.channel].append(record)
    line_files = layout.gateway_files(files_rng, by_channel["gateway"], plan.roll_minutes) + layout.bedrock_files(
        files_rng, by_channel["bedrock"], plan.roll_minutes
    )
    litellm = layout.litellm_files(files_rng, by_channel["litellm"])

    n_broken = broken.broken_count(len(records)) if line_files else 0
    broken_counts = broken.inject(
        world.rng("broken"), line_files, _throwaway_factory(by_channel, world), n_broken, litellm or None
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    for log in line_files:
        layout.write(out_dir, log.key, log.payload())
    for key, payload in litellm.items():
        layout.write(out_dir, key, payload)

    labels = Counter(r.prompt.label for r in records)
    accounts = account_truths(world.accounts, records)
    truth = GroundTruth(
        seed=seed,
        scale=size,
        start=f"{START:%Y-%m-%dT%H:%M:%SZ}",
        hours=plan.hours,
        plan_changes=dict(plan_changes or {}),
        n_records=len(records),
        n_broken=sum(broken_counts.values()),
        broken_by_kind=dict(sorted(broken_counts.items())),
        files=len(line_files) + len(litellm),
        records_by_label={label: labels[label] for label in LABELS},
        records_by_channel={ch: len(members) for ch, members in by_channel.items()},
        accounts=accounts,
        clusters=cluster_truths(accounts),
        model_release=model_release(records),
    )
    layout.write(out_dir, RECORD_LABELS_FILE, layout.record_labels(records))
    (out_dir / GROUND_TRUTH_FILE).write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return truth


def _throwaway_factory(by_channel: dict[Channel, list[SimRecord]], world: World) -> broken.RecordFactory:
    """Broken lines look like a benign customer's ordinary request in the right channel (and, for Bedrock, the
    reseller whose log they land in); they are not counted as that account's records because validation drops them."""
    pools: dict[str, list[SimRecord]] = defaultdict(list)
    for channel, records in by_channel.items():
        for record in records:
            if record.account.role == "benign":
                pools[channel].append(record)
                if record.account.reseller is not None:
                    pools[f"AWSLogs/{record.account.reseller.payer_account}/"].append(record)

    def make(rng: random.Random, channel: str, log: layout.LogFile | None) -> SimRecord:
        pool = pools[channel]
        if log is not None and log.channel == "bedrock":
            pool = pools["/".join(log.key.split("/")[:2]) + "/"]
        template = rng.choice(pool)
        hour = log.hour if log is not None else world.start + timedelta(hours=rng.randrange(world.hours))
        prompt = chat_prompt(rng)
        return replace(
            template,
            request_id=new_uuid(rng),
            timestamp=hour + timedelta(seconds=rng.uniform(0, 3599)),
            prompt=prompt,
            prompt_tokens=estimate_prompt_tokens(prompt),
            completion_tokens=120,
        )

    return make
