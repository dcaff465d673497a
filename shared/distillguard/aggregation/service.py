"""Applies a verdict object's counts and turns windows that cross a rule into opened or escalated alerts.

The storage and the notifier are ports: DynamoDB and SNS in the Lambda, anything with the same methods in
tests. Counting is exactly-once per (verdict object, window): the store refuses to add an object to a window
twice. Alerting is re-evaluated on every delivery, which is safe because an alert is only published when
its severity rises above what was already published."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from distillguard.aggregation.alerts import AlertMessage, LatestWindow, alert_id
from distillguard.aggregation.rules import (
    SEVERITY_RANK,
    AlertRules,
    Finding,
    Severity,
    WindowCounts,
    evaluate,
    severity,
)
from distillguard.aggregation.windows import WindowDelta, window_deltas
from distillguard.records import Label, Verdict


class AlertState(BaseModel):
    """An alert as stored: the windows that crossed a rule (window start -> suspicious prompts)."""

    customer_account: str
    category: Label
    windows: dict[datetime, int]
    published_severity: Severity | None = None


class CounterStore(Protocol):
    def add(self, object_id: str, delta: WindowDelta) -> WindowCounts: ...

    def record_finding(self, finding: Finding) -> AlertState: ...

    def claim_publication(self, state: AlertState, new_severity: Severity) -> bool: ...

    def release_publication(self, state: AlertState, claimed: Severity) -> None: ...


class AlertNotifier(Protocol):
    def publish(self, alert: AlertMessage) -> None: ...


class AggregationReport(BaseModel):
    object_id: str
    prompts: int
    windows: int
    findings: int
    alerts_published: list[AlertMessage]


def aggregate_verdicts(
    verdicts: Iterable[Verdict],
    *,
    object_id: str,
    window_seconds: int,
    rules: AlertRules,
    store: CounterStore,
    notifier: AlertNotifier,
) -> AggregationReport:
    deltas = window_deltas(verdicts, window_seconds)
    findings = 0
    published: list[AlertMessage] = []
    for delta in deltas:
        counts = store.add(object_id, delta)
        if delta.suspicious == 0:
            continue  # ordinary traffic only dilutes a window's share: it can never open an alert
        for finding in evaluate(counts, rules):
            findings += 1
            alert = _publish_if_raised(store.record_finding(finding), finding, counts, delta, rules, store, notifier)
            if alert is not None:
                published.append(alert)
    return AggregationReport(
        object_id=object_id,
        prompts=sum(delta.prompts for delta in deltas),
        windows=len(deltas),
        findings=findings,
        alerts_published=published,
    )


def _publish_if_raised(
    state: AlertState,
    finding: Finding,
    counts: WindowCounts,
    delta: WindowDelta,
    rules: AlertRules,
    store: CounterStore,
    notifier: AlertNotifier,
) -> AlertMessage | None:
    new_severity = severity(len(state.windows), max(state.windows.values()), rules)
    if SEVERITY_RANK[new_severity] <= SEVERITY_RANK[state.published_severity]:
        return None
    if not store.claim_publication(state, new_severity):
        return None  # another invocation published this step first
    alert = AlertMessage(
        alert_id=alert_id(state.customer_account, state.category),
        event="opened" if state.published_severity is None else "escalated",
        category=state.category,
        severity=new_severity,
        customer_account=state.customer_account,
        account_ids=[state.customer_account],
        first_window=min(state.windows),
        last_window=max(state.windows),
        windows_flagged=len(state.windows),
        suspicious_prompts=sum(state.windows.values()),
        latest_window=LatestWindow(
            start=finding.window_start,
            prompts=finding.window_prompts,
            suspicious=finding.window_suspicious,
            share=finding.share,
            distinct_toolsets=finding.distinct_toolsets,
        ),
        network_prefixes=sorted(counts.network_prefixes),
        user_agents=sorted(counts.user_agents),
        sample_request_ids=delta.evidence.get(state.category, []),
        model_version=delta.model_version,
        rule=rules,
    )
    try:
        notifier.publish(alert)
    except Exception:
        store.release_publication(state, new_severity)  # let the retry publish it rather than lose it
        raise
    return alert
