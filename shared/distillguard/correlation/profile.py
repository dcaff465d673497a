"""An account's evidence merged over the correlation horizon (by default the last 24 event-time hours)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, Field

from distillguard.correlation.evidence import HOUR, HourEvidence, distinct_estimate, smallest
from distillguard.records import LABELS, SUSPICIOUS_LABELS, Label

MINUTES_PER_HOUR = 60
# What a finding carries of its members' activity, for the triage report: bounded whatever the incident's size.
ACTIVITY_BUCKET_MINUTES = 5
ACTIVITY_MAX_HOURS = 48
ACTIVITY_MAX_MEMBERS = 200


def epoch_minute(hour: datetime, minute: int) -> int:
    return int(hour.timestamp()) // 60 + minute


def set_bits(bits: int) -> list[int]:
    found = []
    while bits:
        lowest = bits & -bits
        found.append(lowest.bit_length() - 1)
        bits ^= lowest
    return found


def _add_counts(total: Counter[str], counts: dict[str, int]) -> None:
    """`total.update(counts)` without Counter.update's generic path (a profile merges every item of a 24-hour
    horizon, every hour: this is the correlator's innermost loop)."""
    get = total.get
    for key, count in counts.items():
        total[key] = get(key, 0) + count


@dataclass
class AccountProfile:
    account: str
    prompts: int = 0
    unlogged: int = 0  # requests whose prompt the log does not carry
    unlogged_hours: set[datetime] = field(default_factory=set, repr=False)
    by_label: Counter[str] = field(default_factory=Counter)
    score_sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    models: Counter[str] = field(default_factory=Counter)
    fingerprints: Counter[str] = field(default_factory=Counter)
    suspicious_fingerprints: Counter[str] = field(default_factory=Counter)
    suspicious_models: Counter[str] = field(default_factory=Counter)
    networks: Counter[str] = field(default_factory=Counter)
    user_agents: Counter[str] = field(default_factory=Counter)
    minutes: set[int] = field(default_factory=set, repr=False)  # epoch minutes with a suspicious request
    suspicious_hours: set[datetime] = field(default_factory=set)
    toolsets: set[str] = field(default_factory=set)
    agentic_with_toolset: int = 0  # agentic requests that declared tools: what toolset churn is a share of
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sample_requests: list[str] = field(default_factory=list)
    hourly: dict[datetime, Counter[str]] = field(default_factory=lambda: defaultdict(Counter), repr=False)
    examples: dict[str, str] = field(default_factory=dict, repr=False)  # redacted example per template
    skeleton_sketch: list[int] = field(default_factory=list, repr=False)  # KMV sketch of suspicious skeletons

    @property
    def suspicious(self) -> int:
        return sum(self.by_label[label] for label in SUSPICIOUS_LABELS)

    @property
    def share(self) -> float:
        return self.suspicious / self.prompts if self.prompts else 0.0

    @property
    def distinct_skeletons(self) -> float:
        """About how many distinct skeletons the account's suspicious requests took (exact up to a dozen or so)."""
        return distinct_estimate(self.skeleton_sketch)

    @property
    def unlogged_share(self) -> float:
        """The share of the account's requests that the product cannot see."""
        requests = self.prompts + self.unlogged
        return self.unlogged / requests if requests else 0.0

    @property
    def dominant_label(self) -> Label:
        return max(SUSPICIOUS_LABELS, key=lambda label: (self.by_label[label], label))

    def add(self, item: HourEvidence) -> None:
        self.prompts += item.prompts
        if item.unlogged:
            self.unlogged += item.unlogged
            self.unlogged_hours.add(item.hour)
        hourly = self.hourly[item.hour]
        for label in LABELS:
            count = item.by_label.get(label, 0)
            self.by_label[label] += count
            hourly[label] += count
            self.score_sums[label] += item.score_sums.get(label, 0.0)
        _add_counts(self.models, item.models)
        _add_counts(self.fingerprints, item.fingerprints)
        if not item.suspicious:
            return
        _add_counts(self.suspicious_fingerprints, item.suspicious_fingerprints)
        _add_counts(self.suspicious_models, item.suspicious_models)
        _add_counts(self.networks, item.networks)
        _add_counts(self.user_agents, item.user_agents)
        self.minutes.update(epoch_minute(item.hour, minute) for minute in set_bits(item.minutes))
        self.suspicious_hours.add(item.hour)
        self.toolsets.update(item.toolsets)
        self.agentic_with_toolset += item.agentic_with_toolset
        if item.skeleton_sketch:
            self.skeleton_sketch = smallest([*self.skeleton_sketch, *item.skeleton_sketch])
        for fingerprint, example in item.examples.items():
            self.examples.setdefault(fingerprint, example)
        if item.first_seen and (self.first_seen is None or item.first_seen < self.first_seen):
            self.first_seen = item.first_seen
        if item.last_seen and (self.last_seen is None or item.last_seen > self.last_seen):
            self.last_seen = item.last_seen
        if len(self.sample_requests) < 3:
            self.sample_requests += item.sample_requests[: 3 - len(self.sample_requests)]


def profiles(items: Iterable[HourEvidence]) -> dict[str, AccountProfile]:
    merged: dict[str, AccountProfile] = {}
    for item in items:
        profile = merged.get(item.account)
        if profile is None:
            profile = merged[item.account] = AccountProfile(item.account)
        profile.add(item)
    return merged


class MemberActivity(BaseModel):
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    suspicious: int = 0
    prompts: int = 0
    toolsets: int = 0
    buckets: str = Field(default="0", description="hex bitmap: bit b set when a suspicious request came in bucket b")


class ActivityTimeline(BaseModel):
    """What a detection's members did over its horizon, for the triage report: requests per event-time hour by
    label (all members), and for the busiest `ACTIVITY_MAX_MEMBERS` members their first and last suspicious
    request and the `ACTIVITY_BUCKET_MINUTES`-minute buckets they were active in, counted from `start`."""

    start: datetime | None = None
    hours: int = 0
    by_label: dict[str, list[int]] = Field(default_factory=dict)
    members: dict[str, MemberActivity] = Field(default_factory=dict)
    toolsets: int = 0


def _bucket_bits(minutes: Iterable[int], start: datetime, hours: int) -> int:
    first = int(start.timestamp()) // 60
    bits = 0
    for minute in minutes:
        offset = minute - first
        if 0 <= offset < hours * MINUTES_PER_HOUR:
            bits |= 1 << (offset // ACTIVITY_BUCKET_MINUTES)
    return bits


def activity_timeline(members: Sequence[AccountProfile]) -> ActivityTimeline:
    hours = sorted({hour for profile in members for hour in profile.hourly})
    if not hours:
        return ActivityTimeline()
    start = max(hours[0], hours[-1] - HOUR * (ACTIVITY_MAX_HOURS - 1))
    span = (hours[-1] - start) // HOUR + 1
    by_label: dict[str, list[int]] = {label: [0] * span for label in LABELS}
    for profile in members:
        for hour, counts in profile.hourly.items():
            if hour >= start:
                for label in LABELS:
                    by_label[label][(hour - start) // HOUR] += counts[label]
    busiest = sorted(members, key=lambda profile: (-profile.suspicious, profile.account))[:ACTIVITY_MAX_MEMBERS]
    return ActivityTimeline(
        start=start,
        hours=span,
        by_label=by_label,
        members={
            profile.account: MemberActivity(
                first_seen=profile.first_seen,
                last_seen=profile.last_seen,
                suspicious=profile.suspicious,
                prompts=profile.prompts,
                toolsets=len(profile.toolsets),
                buckets=format(_bucket_bits(profile.minutes, start, span), "x"),
            )
            for profile in busiest
        },
        toolsets=len(set().union(*(profile.toolsets for profile in members))),
    )


def combined_timelines(first: ActivityTimeline, second: ActivityTimeline) -> ActivityTimeline:
    """Two groups' activity from the same hour, as one (same horizon end, so the later start is a suffix)."""
    if first.start is None or second.start is None:
        return second if first.start is None else first
    start = min(first.start, second.start)
    hours = max(first.hours + (first.start - start) // HOUR, second.hours + (second.start - start) // HOUR)
    by_label: dict[str, list[int]] = {label: [0] * hours for label in LABELS}
    members: dict[str, MemberActivity] = {}
    for part in (first, second):
        offset = (part.start - start) // HOUR if part.start else 0
        for label, counts in part.by_label.items():
            for index, count in enumerate(counts):
                by_label.setdefault(label, [0] * hours)[offset + index] += count
        shift = offset * MINUTES_PER_HOUR // ACTIVITY_BUCKET_MINUTES
        for account, member in part.members.items():
            members[account] = member.model_copy(update={"buckets": format(int(member.buckets, 16) << shift, "x")})
    busiest = sorted(members.items(), key=lambda item: (-item[1].suspicious, item[0]))[:ACTIVITY_MAX_MEMBERS]
    return ActivityTimeline(
        start=start, hours=hours, by_label=by_label, members=dict(busiest), toolsets=first.toolsets + second.toolsets
    )
