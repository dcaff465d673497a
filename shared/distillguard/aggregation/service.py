"""Applies a verdict object's counts and turns windows that cross a rule into opened or escalated alerts.

The storage and the notifier are ports: DynamoDB and SNS in the Lambda, anything with the same methods in
tests. Counting is exactly-once per (verdict object, window): the store refuses to add an object to a window
twice. The objects of one batch are merged per window, so a window costs one update however many objects
touch it. Alerting is re-evaluated on every delivery, which is safe because an alert is only published when
its severity rises above what was already published."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
from distillguard.aggregation.windows import WindowDelta, merged
from distillguard.records import Label


class AlertState(BaseModel):
    """An alert as stored: the windows that crossed a rule (window start -> suspicious prompts)."""

    customer_account: str
    category: Label
    windows: dict[datetime, int]
    published_severity: Severity | None = None


@dataclass(frozen=True)
class Contribution:
    """What one verdict object adds to one account's window."""

    object_id: str
    delta: WindowDelta


class CounterStore(Protocol):
    def add(self, contributions: Sequence[Contribution], total: WindowDelta) -> WindowCounts:
        """Adds each contribution (`total` is their sum) to their shared window unless that object was added
        before; returns the window's counts afterwards."""
        ...

    def record_finding(self, finding: Finding) -> AlertState: ...

    def claim_publication(self, state: AlertState, new_severity: Severity) -> bool: ...

    def release_publication(self, state: AlertState, claimed: Severity) -> None: ...


class AlertNotifier(Protocol):
    def publish(self, alert: AlertMessage) -> None: ...


class AggregationReport(BaseModel):
    prompts: int
    windows: int
    findings: int
    alerts_published: list[AlertMessage]
    failed_objects: dict[str, str] = {}


def aggregate_deltas(
    deltas_by_object: Mapping[str, Iterable[WindowDelta]],
    *,
    rules: AlertRules,
    store: CounterStore,
    notifier: AlertNotifier,
) -> AggregationReport:
    """Counts the window deltas of a batch of verdict objects, one store update per (account, window), and
    publishes the alerts that open or escalate. An object whose window could not be updated is reported as
    failed (to be retried); the windows it did reach will not count it twice."""
    by_window: dict[tuple[str, datetime], list[Contribution]] = defaultdict(list)
    for object_id, deltas in deltas_by_object.items():
        for delta in deltas:
            by_window[(delta.customer_account, delta.window_start)].append(Contribution(object_id, delta))
    findings = 0
    published: list[AlertMessage] = []
    failed: dict[str, str] = {}
    for key in sorted(by_window):
        contributions = by_window[key]
        delta = merged([contribution.delta for contribution in contributions])
        try:
            counts = store.add(contributions, delta)
            if delta.suspicious == 0:
                continue  # ordinary traffic only dilutes a window's share: it can never open an alert
            for finding in evaluate(counts, rules):
                findings += 1
                state = store.record_finding(finding)
                alert = _publish_if_raised(state, finding, counts, delta, rules, store, notifier)
                if alert is not None:
                    published.append(alert)
        except Exception as error:  # noqa: BLE001 - any failure fails the objects behind this window only
            for contribution in contributions:
                failed.setdefault(contribution.object_id, repr(error))
    return AggregationReport(
        prompts=sum(contribution.delta.prompts for group in by_window.values() for contribution in group),
        windows=len(by_window),
        findings=findings,
        alerts_published=published,
        failed_objects=failed,
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
