"""Alert rules: when an account's window looks like harvesting. Thresholds are template parameters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from distillguard.records import LABELS, Label

Severity = Literal["medium", "high"]
SEVERITY_RANK: dict[Severity | None, int] = {None: 0, "medium": 1, "high": 2}
HIGH_VOLUME_FACTOR = 5


class AlertRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    min_prompts: int
    min_share: float
    min_distinct_toolsets: int
    high_severity_windows: int


class WindowCounts(BaseModel):
    """An account's counters for one window, as stored after every object that touched it."""

    customer_account: str
    window_start: datetime
    prompts: int
    by_label: dict[Label, int]
    distinct_toolsets: int
    network_prefixes: list[str] = []
    user_agents: list[str] = []


class Finding(BaseModel):
    """One window of one account that crosses a rule: the unit an alert accumulates."""

    customer_account: str
    category: Label
    window_start: datetime
    window_prompts: int
    window_suspicious: int
    share: float
    distinct_toolsets: int


def evaluate(counts: WindowCounts, rules: AlertRules) -> list[Finding]:
    findings = []
    for category in LABELS:
        if category == "ordinary":
            continue
        suspicious = counts.by_label.get(category, 0)
        share = suspicious / counts.prompts if counts.prompts else 0.0
        if suspicious < rules.min_prompts or share < rules.min_share:
            continue
        # A product built on tools sends agentic-looking requests all day with one toolset; harvesting
        # sweeps many toolsets to cover the behaviour it copies.
        if category == "agentic_extraction" and counts.distinct_toolsets < rules.min_distinct_toolsets:
            continue
        findings.append(
            Finding(
                customer_account=counts.customer_account,
                category=category,
                window_start=counts.window_start,
                window_prompts=counts.prompts,
                window_suspicious=suspicious,
                share=round(share, 4),
                distinct_toolsets=counts.distinct_toolsets,
            )
        )
    return findings


def severity(flagged_windows: int, peak_window_suspicious: int, rules: AlertRules) -> Severity:
    if (
        flagged_windows >= rules.high_severity_windows
        or peak_window_suspicious >= HIGH_VOLUME_FACTOR * rules.min_prompts
    ):
        return "high"
    return "medium"
