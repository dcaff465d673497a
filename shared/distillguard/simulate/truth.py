"""Ground truth: what was generated, and which alerts a perfect prompt classifier would lead the rules to raise."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from distillguard.records import LABELS, Label
from distillguard.simulate.accounts import Account
from distillguard.simulate.model import AccountTruth, ExpectedAlert
from distillguard.simulate.render import SimRecord

# The downstream alert rules, per account per clock-hour window (kept here to calibrate the simulation).
MIN_COUNT = 10
MIN_SHARE = 0.30
MIN_TOOLSETS = 4


def account_truths(accounts: list[Account], records: list[SimRecord]) -> dict[str, AccountTruth]:
    labels: dict[str, Counter[Label]] = defaultdict(Counter)
    toolsets: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for record in records:
        labels[record.account.account_id][record.prompt.label] += 1
        if record.prompt.tools:
            toolsets[record.account.account_id].add(record.prompt.toolset)
    return {
        a.account_id: AccountTruth(
            role=a.role,
            kind=a.kind,
            cluster=a.cluster,
            channel=a.channel,
            records=a.records,
            records_by_label={label: labels[a.account_id][label] for label in LABELS if labels[a.account_id][label]},
            toolsets=len(toolsets[a.account_id]),
        )
        for a in sorted(accounts, key=lambda a: a.account_id)
        if a.records
    }


def expected_alerts(records: list[SimRecord]) -> list[ExpectedAlert]:
    windows: dict[tuple[str, datetime], list[SimRecord]] = defaultdict(list)
    for record in records:
        windows[(record.account.account_id, record.timestamp.replace(minute=0, second=0, microsecond=0))].append(record)
    alerts = []
    for (account_id, hour), members in sorted(windows.items()):
        counts = Counter(r.prompt.label for r in members)
        toolsets = len({r.prompt.toolset for r in members if r.prompt.tools and r.prompt.label == "agentic_extraction"})
        for label in ("cot_harvesting", "agentic_extraction"):
            share = counts[label] / len(members)
            if counts[label] < MIN_COUNT or share < MIN_SHARE:
                continue
            if label == "agentic_extraction" and toolsets < MIN_TOOLSETS:
                continue
            alerts.append(
                ExpectedAlert(
                    account_id=account_id,
                    window_start=f"{hour:%Y-%m-%dT%H:%M:%SZ}",
                    label=label,
                    count=counts[label],
                    share=round(share, 3),
                    toolsets=toolsets,
                )
            )
    return alerts
