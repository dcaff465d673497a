"""When requests happen: people in sessions through their local day, cron batches, scripted bursts, schedulers.

Times are rounded to the millisecond (the gateway logs milliseconds) and always fall inside [start, end)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

Profile = tuple[float, ...]  # relative activity for each local hour 0..23

DAYTIME: Profile = (
    0.25, 0.12, 0.06, 0.04, 0.04, 0.08, 0.2, 0.45, 0.8, 1.1, 1.3, 1.3,
    1.2, 1.25, 1.35, 1.35, 1.3, 1.15, 1.05, 1.1, 1.2, 1.1, 0.8, 0.45,
)  # fmt: skip
WORKDAY: Profile = (
    0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 0.9, 1.3, 1.4, 1.3,
    0.9, 1.2, 1.4, 1.4, 1.25, 0.9, 0.4, 0.15, 0.08, 0.05, 0.03, 0.02,
)  # fmt: skip
EVENING: Profile = (
    0.5, 0.25, 0.08, 0.02, 0.01, 0.01, 0.02, 0.05, 0.1, 0.1, 0.15, 0.2,
    0.25, 0.25, 0.3, 0.4, 0.55, 0.8, 1.0, 1.3, 1.5, 1.5, 1.3, 0.9,
)  # fmt: skip
# UTC offsets (hours) of the customer base, with weights.
TIMEZONES: tuple[tuple[float, int], ...] = (
    (-8, 3), (-5, 4), (-3, 1), (0, 3), (1, 4), (2, 1), (5.5, 2), (8, 3), (9, 2),
)  # fmt: skip


def timezone(rng: random.Random) -> float:
    return rng.choices([tz for tz, _ in TIMEZONES], weights=[w for _, w in TIMEZONES])[0]


def at(start: datetime, seconds: float) -> datetime:
    return start + timedelta(milliseconds=round(seconds * 1000))


def local_hour(ts: datetime, tz: float) -> int:
    return int((ts.hour + ts.minute / 60 + tz) % 24)


def draw_start(rng: random.Random, start: datetime, end: datetime, tz: float, profile: Profile) -> float:
    """Seconds after `start` at which a session begins, drawn from the profile in local time."""
    span, peak = (end - start).total_seconds(), max(profile)
    while True:
        offset = rng.uniform(0, span)
        if rng.random() * peak < profile[local_hour(at(start, offset), tz)]:
            return offset


def sessions(
    rng: random.Random,
    start: datetime,
    end: datetime,
    n: int,
    tz: float,
    profile: Profile,
    size: tuple[int, int] = (2, 10),
    gap: tuple[float, float] = (30.0, 240.0),
) -> list[list[datetime]]:
    """`n` requests in sessions: each begins at a time the profile favours, its requests `gap` seconds apart on
    average (exponential); a session cut off by the end of the window is topped up by another."""
    span = (end - start).total_seconds()
    out: list[list[datetime]] = []
    left = n
    while left > 0:
        offset = draw_start(rng, start, end, tz, profile)
        mean_gap = rng.uniform(*gap)
        session: list[datetime] = []
        for _ in range(min(left, rng.randint(*size))):
            if offset >= span:
                break
            session.append(at(start, offset))
            offset += rng.expovariate(1 / mean_gap)
        left -= len(session)
        if session:
            out.append(session)
    return sorted(out)


def cron(
    rng: random.Random, start: datetime, end: datetime, daily: float, minute: int, pace: tuple[float, float]
) -> list[datetime]:
    """A job that wakes at `minute` past every hour and works through that hour's share of `daily` requests back to
    back, `pace` seconds apart."""
    times: list[datetime] = []
    span = (end - start).total_seconds()
    for hour in range(int(span // 3600)):
        offset = hour * 3600 + minute * 60 + rng.uniform(0, 40)
        for _ in range(max(1, round(daily / 24 * rng.uniform(0.85, 1.15)))):
            if offset >= span:
                break
            times.append(at(start, offset))
            offset += rng.uniform(*pace)
    return times


def bursts(
    rng: random.Random,
    start: datetime,
    end: datetime,
    every: tuple[float, float] = (60.0, 120.0),
    length: tuple[float, float] = (120.0, 300.0),
) -> list[tuple[datetime, float]]:
    """A scheduler that fires every `every` minutes for `length` seconds: (burst start, burst seconds)."""
    span = (end - start).total_seconds()
    out: list[tuple[datetime, float]] = []
    offset = rng.uniform(60, 1800)
    while True:
        seconds = rng.uniform(*length)
        if offset + seconds >= span:
            return out
        out.append((at(start, offset), seconds))
        offset += rng.uniform(*every) * 60


def smooth_round_robin(weights: list[float]) -> Iterator[int]:
    """Nginx's smooth weighted round-robin: member i gets weights[i] / sum(weights) of the turns, evenly spread."""
    current = [0.0] * len(weights)
    total = sum(weights)
    while True:
        for i, weight in enumerate(weights):
            current[i] += weight
        best = max(range(len(weights)), key=lambda i: (current[i], -i))
        current[best] -= total
        yield best
