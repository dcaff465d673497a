"""Turning a decision to send a request into a record: who, when, from where, with which client and model."""

from __future__ import annotations

import random
from datetime import datetime

from distillguard.simulate.accounts import Account
from distillguard.simulate.model import Prompt
from distillguard.simulate.render import SimRecord, completion_tokens, estimate_prompt_tokens, new_uuid


def request(
    rng: random.Random,
    account: Account,
    ts: datetime,
    prompt: Prompt,
    source_ip: str,
    user_agent: str,
    model: str | None = None,
) -> SimRecord:
    return SimRecord(
        request_id=new_uuid(rng),
        account=account,
        timestamp=ts,
        prompt=prompt,
        model=model or account.model_at(rng, ts),
        source_ip=source_ip,
        user_agent=user_agent,
        api_key_id=rng.choice(account.api_keys),
        prompt_tokens=estimate_prompt_tokens(prompt),
        completion_tokens=completion_tokens(rng, prompt),
    )


def count_for(rng: random.Random, daily: float, days: float) -> int:
    """How many requests an account with this daily volume sends over the run: at least one, a little noisy."""
    return max(1, round(daily * days * rng.uniform(0.85, 1.15)))


def power_law(rng: random.Random, low: float, high: float, alpha: float) -> float:
    """A draw from density ~ x^-alpha on [low, high] (alpha != 1): many small values, a few large ones."""
    a, b = low ** (1 - alpha), high ** (1 - alpha)
    return (a + rng.random() * (b - a)) ** (1 / (1 - alpha))
