"""Event-time windows: a record counts in the window its own timestamp falls in, never the wall clock's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from distillguard.records import LABELS, SUSPICIOUS_LABELS, Label, Verdict

EVIDENCE_PER_LABEL = 3
INFRASTRUCTURE_VALUES = 5


def window_start(timestamp: datetime, window_seconds: int) -> datetime:
    epoch = int(timestamp.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=UTC)


def network_prefix(source_ip: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) a request came from: hydra clusters share networks, not addresses."""
    if not source_ip:
        return None
    if ":" in source_ip:
        return ":".join(source_ip.split(":")[:3]) + "::/48"
    parts = source_ip.split(".")
    return ".".join(parts[:3]) + ".0/24" if len(parts) == 4 else None


class WindowDelta(BaseModel):
    """What one verdict object adds to one account's window."""

    model_config = ConfigDict(extra="forbid")

    customer_account: str
    window_start: datetime
    prompts: int = 0
    by_label: dict[Label, int] = Field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    # Fingerprints of the toolsets offered in agentic requests: one app reuses one, harvesting sweeps many.
    toolsets: set[str] = Field(default_factory=set)
    network_prefixes: set[str] = Field(default_factory=set)
    user_agents: set[str] = Field(default_factory=set)
    evidence: dict[Label, list[str]] = Field(default_factory=dict, description="a few request ids per label")
    model_version: str = ""

    @property
    def suspicious(self) -> int:
        return sum(self.by_label[label] for label in SUSPICIOUS_LABELS)

    def add(self, verdict: Verdict) -> None:
        self.prompts += 1
        self.by_label[verdict.label] += 1
        self.model_version = verdict.model_version
        if verdict.label == "agentic_extraction" and verdict.toolset_fingerprint:
            self.toolsets.add(verdict.toolset_fingerprint)
        prefix = network_prefix(verdict.source_ip)
        if prefix and len(self.network_prefixes) < INFRASTRUCTURE_VALUES:
            self.network_prefixes.add(prefix)
        if verdict.user_agent and len(self.user_agents) < INFRASTRUCTURE_VALUES:
            self.user_agents.add(verdict.user_agent[:256])
        if verdict.label in SUSPICIOUS_LABELS:
            samples = self.evidence.setdefault(verdict.label, [])
            if len(samples) < EVIDENCE_PER_LABEL:
                samples.append(verdict.request_id)


def merged(deltas: list[WindowDelta]) -> WindowDelta:
    """One delta with the sums of several for the same account and window (several objects of a batch)."""
    total = WindowDelta(customer_account=deltas[0].customer_account, window_start=deltas[0].window_start)
    for delta in deltas:
        total.prompts += delta.prompts
        for label in LABELS:
            total.by_label[label] += delta.by_label[label]
        total.toolsets |= delta.toolsets
        total.network_prefixes = set(sorted(total.network_prefixes | delta.network_prefixes)[:INFRASTRUCTURE_VALUES])
        total.user_agents = set(sorted(total.user_agents | delta.user_agents)[:INFRASTRUCTURE_VALUES])
        for label, samples in delta.evidence.items():
            total.evidence[label] = (total.evidence.get(label, []) + samples)[:EVIDENCE_PER_LABEL]
        total.model_version = delta.model_version or total.model_version
    return total


def window_deltas(verdicts: Iterable[Verdict], window_seconds: int) -> list[WindowDelta]:
    """Groups verdicts by (account, window), in a stable order so retries split them the same way."""
    deltas: dict[tuple[str, datetime], WindowDelta] = {}
    for verdict in verdicts:
        key = (verdict.customer_account, window_start(verdict.timestamp, window_seconds))
        if key not in deltas:
            deltas[key] = WindowDelta(customer_account=key[0], window_start=key[1])
        deltas[key].add(verdict)
    return [deltas[key] for key in sorted(deltas)]
