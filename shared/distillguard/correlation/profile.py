"""An account's evidence merged over the correlation horizon (by default the last 24 event-time hours)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from distillguard.correlation.evidence import HourEvidence
from distillguard.records import LABELS, SUSPICIOUS_LABELS, Label

MINUTES_PER_HOUR = 60


def epoch_minute(hour: datetime, minute: int) -> int:
    return int(hour.timestamp()) // 60 + minute


def set_bits(bits: int) -> list[int]:
    found = []
    while bits:
        lowest = bits & -bits
        found.append(lowest.bit_length() - 1)
        bits ^= lowest
    return found


@dataclass
class AccountProfile:
    account: str
    prompts: int = 0
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
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sample_requests: list[str] = field(default_factory=list)

    @property
    def suspicious(self) -> int:
        return sum(self.by_label[label] for label in SUSPICIOUS_LABELS)

    @property
    def share(self) -> float:
        return self.suspicious / self.prompts if self.prompts else 0.0

    @property
    def dominant_label(self) -> Label:
        return max(SUSPICIOUS_LABELS, key=lambda label: (self.by_label[label], label))

    def add(self, item: HourEvidence) -> None:
        self.prompts += item.prompts
        for label in LABELS:
            self.by_label[label] += item.by_label.get(label, 0)
            self.score_sums[label] += item.score_sums.get(label, 0.0)
        self.models.update(item.models)
        self.fingerprints.update(item.fingerprints)
        if not item.suspicious:
            return
        self.suspicious_fingerprints.update(item.suspicious_fingerprints)
        self.suspicious_models.update(item.suspicious_models)
        self.networks.update(item.networks)
        self.user_agents.update(item.user_agents)
        self.minutes.update(epoch_minute(item.hour, minute) for minute in set_bits(item.minutes))
        self.suspicious_hours.add(item.hour)
        self.toolsets.update(item.toolsets)
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
