"""Who sends what, when: record counts per account, event times, and the prompt each request carries."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from distillguard.simulate.accounts import Account
from distillguard.simulate.content.agent_apps import app_prompt
from distillguard.simulate.content.agentic import agentic_prompt
from distillguard.simulate.content.everyday import (
    chat_prompt,
    coding_prompt,
    enterprise_prompt,
    math_student_prompt,
    ordinary_prompt,
)
from distillguard.simulate.content.harvesting import cot_prompt
from distillguard.simulate.model import Prompt
from distillguard.simulate.render import SimRecord, completion_tokens, estimate_prompt_tokens, new_uuid

COVER_SHARE = 0.10  # ordinary requests an attacker mixes in to look like a normal customer
RESEARCHER_HARVEST_PER_HOUR = 4  # a benign eval researcher's benchmark prompts: well under the alert rate


def apportion(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` by `weights`: exact, deterministic."""
    scale = sum(weights)
    quotas = [total * weight / scale for weight in weights]
    counts = [int(quota) for quota in quotas]
    order = sorted(range(len(weights)), key=lambda i: (quotas[i] - counts[i], -i), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def event_times(rng: random.Random, account: Account, n: int, start: datetime, hours: int) -> list[datetime]:
    first, last = account.active_hours
    window_start = start + timedelta(hours=first)
    span = (last - first) * 3600.0
    if n == 0:
        return []
    if account.role == "attacker":
        # A scheduler: one request every `interval` seconds with a little jitter.
        interval = span / n
        offsets = [
            min(span - 1, max(0.0, (i + 0.5) * interval + rng.uniform(-0.15, 0.15) * interval)) for i in range(n)
        ]
    elif account.kind in ("agent_app", "enterprise_app"):
        offsets = [rng.uniform(0, span) for _ in range(n)]  # many end users: Poisson-like
    else:
        offsets = _sessions(rng, n, span)
    return sorted(window_start + timedelta(seconds=offset) for offset in offsets)


def _sessions(rng: random.Random, n: int, span: float) -> list[float]:
    """A person works in bursts: a few sessions, requests a minute or two apart within each."""
    offsets: list[float] = []
    remaining = n
    while remaining:
        size = min(remaining, rng.randint(2, 12))
        at = rng.uniform(0, span)
        for _ in range(size):
            offsets.append(at if at < span else rng.uniform(0, span))
            at += rng.expovariate(1 / rng.choice((40.0, 90.0, 180.0)))
        remaining -= size
    return offsets


def _prompt_source(account: Account, upgrade_at: datetime | None) -> Callable[[random.Random, datetime], Prompt]:
    kind = account.kind
    if kind == "agent_app":
        app = account.app
        assert app is not None

        def agent(rng: random.Random, ts: datetime) -> Prompt:
            return app_prompt(rng, app, upgraded=upgrade_at is not None and ts >= upgrade_at)

        return agent
    if kind == "enterprise_app":
        return lambda rng, ts: enterprise_prompt(rng, account.company)
    if kind == "cot_harvester":
        return lambda rng, ts: ordinary_prompt(rng) if rng.random() < COVER_SHARE else cot_prompt(rng)
    if kind == "agentic_harvester":
        return lambda rng, ts: ordinary_prompt(rng) if rng.random() < COVER_SHARE else agentic_prompt(rng)
    mix: dict[str, tuple[tuple[float, Callable[[random.Random], Prompt]], ...]] = {
        "chat_user": ((0.9, chat_prompt), (1.0, coding_prompt)),
        "coding_assistant": ((0.88, coding_prompt), (1.0, chat_prompt)),
        "math_student": ((0.85, math_student_prompt), (1.0, chat_prompt)),
        "eval_researcher": ((0.6, coding_prompt), (1.0, chat_prompt)),
    }
    choices = mix[kind]

    def pick(rng: random.Random, ts: datetime) -> Prompt:
        roll = rng.random()
        return next(make for bound, make in choices if roll < bound)(rng)

    return pick


def account_records(rng: random.Random, account: Account, n: int, start: datetime, hours: int) -> list[SimRecord]:
    times = event_times(rng, account, n, start, hours)
    upgrade_at = start + timedelta(hours=rng.uniform(hours * 0.3, hours * 0.7)) if account.app else None
    source = _prompt_source(account, upgrade_at)
    prompts = [source(rng, ts) for ts in times]
    if account.kind == "eval_researcher":
        prompts = _researcher_benchmarks(rng, times, prompts, start)
    records = []
    for ts, prompt in zip(times, prompts, strict=True):
        records.append(
            SimRecord(
                request_id=new_uuid(rng),
                account=account,
                timestamp=ts,
                prompt=prompt,
                model=rng.choice(account.models),
                source_ip=rng.choice(account.source_ips),
                user_agent=rng.choice(account.user_agents),
                api_key_id=rng.choice(account.api_keys),
                prompt_tokens=estimate_prompt_tokens(prompt),
                completion_tokens=completion_tokens(rng, prompt),
            )
        )
    return records


def _researcher_benchmarks(
    rng: random.Random, times: list[datetime], prompts: list[Prompt], start: datetime
) -> list[Prompt]:
    """A benign eval researcher runs a handful of benchmark-style (harvesting-shaped) prompts each hour."""
    by_hour: dict[int, list[int]] = defaultdict(list)
    for i, ts in enumerate(times):
        by_hour[int((ts - start).total_seconds() // 3600)].append(i)
    prompts = list(prompts)
    for indices in by_hour.values():
        quota = min(RESEARCHER_HARVEST_PER_HOUR, len(indices) // 4)
        for i in rng.sample(indices, quota):
            prompts[i] = cot_prompt(rng)
    return prompts
