"""Evidence: what the requests of one batch of log objects say about one account in one event-time hour.

The aggregate stage turns verdicts into these items and stores them; correlation merges them over a horizon.
Every field is bounded (top-k counters, a 60-bit minute bitmap) except `sources`, which lists the raw log objects
(by digest, with their version) whose requests the item counts. An item is keyed by (hour, account, verdict
object): a redelivered verdict object writes the same item again. A raw object that reaches aggregation twice in
different batches (a validate run retried with another composition) is counted by the first item that lists it;
a new version of an object replaces the old one (see aggregation/service.py)."""

from __future__ import annotations

import hashlib
import ipaddress
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from distillguard.records import LABELS, SUSPICIOUS_LABELS, Label, Verdict

HOUR = timedelta(hours=1)
TOP_FINGERPRINTS = 12
TOP_VALUES = 4
TOP_TOOLSETS = 16
SAMPLE_REQUESTS = 3
# The smallest hashes of the distinct skeletons (template fingerprints) of an item's suspicious requests: a k-minimum
# values sketch, which merges across items and objects into a distinct count that top-k counters cannot give (a big
# object's top templates crowd out the one-off skeletons that tell a sweep of problems from a fixed prompt).
SKELETON_SKETCH = 16
USER_AGENT_CHARS = 120


def hour_of(timestamp: datetime) -> datetime:
    return timestamp.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def network_prefix(source_ip: str | None) -> str | None:
    """The /24 (IPv4) or /64 (IPv6) a request came from: hydra clusters share networks, not addresses."""
    if not source_ip:
        return None
    try:
        address = ipaddress.ip_address(source_ip.strip())
    except ValueError:
        return None
    bits = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def top(counter: Mapping[str, int], k: int) -> dict[str, int]:
    """The k largest counts, ties broken by key, so every process truncates the same way."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:k])


class HourEvidence(BaseModel):
    """One account's requests from one batch of source objects in one event-time hour."""

    model_config = ConfigDict(extra="forbid")

    account: str
    hour: datetime
    source: str = Field(description="digest of the verdict object (the batch) the requests came from")
    batch_key: str = Field(default="", description="the verdict object, read again when a source is replaced")
    sources: dict[str, str] = Field(
        default_factory=dict, description="raw log objects counted: key digest -> version digest"
    )
    prompts: int = Field(default=0, description="requests classified")
    unlogged: int = Field(default=0, description="requests whose prompt the log does not carry: never classified")
    by_label: dict[Label, int] = Field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    # Summed classifier probabilities: calibrated scores add up to an expected number of harvesting prompts.
    score_sums: dict[Label, float] = Field(default_factory=lambda: dict.fromkeys(LABELS, 0.0))
    models: dict[str, int] = Field(default_factory=dict, description="requests per model id, top-k")
    fingerprints: dict[str, int] = Field(default_factory=dict, description="all requests per template, top-k")
    # Everything below describes the suspicious requests only: that is what links accounts into a campaign.
    suspicious_fingerprints: dict[str, int] = Field(default_factory=dict)
    suspicious_models: dict[str, int] = Field(default_factory=dict)
    networks: dict[str, int] = Field(default_factory=dict)
    user_agents: dict[str, int] = Field(default_factory=dict)
    minutes: int = Field(default=0, ge=0, description="bit m set when a suspicious request came in minute m")
    toolsets: list[str] = Field(default_factory=list, description="distinct toolsets of agentic requests, sample")
    distinct_toolsets: int = 0
    agentic_with_toolset: int = Field(default=0, description="agentic requests that declared tools")
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sample_requests: list[str] = Field(default_factory=list)
    examples: dict[str, str] = Field(default_factory=dict, description="redacted example per suspicious template")
    skeleton_sketch: list[int] = Field(
        default_factory=list, description="smallest hashes of the suspicious requests' distinct skeletons (KMV)"
    )

    @property
    def suspicious(self) -> int:
        return sum(self.by_label[label] for label in SUSPICIOUS_LABELS)


class _Builder:
    """Unbounded tallies for one (account, hour, source), truncated once when the item is built."""

    def __init__(self, account: str, hour: datetime, source: str):
        self.evidence = HourEvidence(account=account, hour=hour, source=source)
        self.models: Counter[str] = Counter()
        self.fingerprints: Counter[str] = Counter()
        self.suspicious_fingerprints: Counter[str] = Counter()
        self.suspicious_models: Counter[str] = Counter()
        self.networks: Counter[str] = Counter()
        self.user_agents: Counter[str] = Counter()
        self.toolsets: set[str] = set()
        self.skeletons: set[int] = set()

    def add(self, verdict: Verdict) -> None:
        evidence = self.evidence
        evidence.sources[source_digest(verdict.source_key)] = version_digest(verdict.source_version)
        if verdict.label is None:
            evidence.unlogged += 1
            return
        evidence.prompts += 1
        evidence.by_label[verdict.label] += 1
        for label in LABELS:
            evidence.score_sums[label] += verdict.scores.get(label, 0.0)
        model = verdict.model or "unknown"
        self.models[model] += 1
        fingerprints = [verdict.template_fingerprint]
        if verdict.opening_fingerprint:
            fingerprints.append(verdict.opening_fingerprint)
        self.fingerprints.update(fingerprints)
        timestamp = verdict.timestamp
        if verdict.label not in SUSPICIOUS_LABELS:
            return
        self.suspicious_fingerprints.update(fingerprints)
        self.skeletons.add(skeleton_hash(verdict.template_fingerprint))
        self.suspicious_models[model] += 1
        if prefix := network_prefix(verdict.source_ip):
            self.networks[prefix] += 1
        if verdict.user_agent:
            self.user_agents[verdict.user_agent[:USER_AGENT_CHARS]] += 1
        evidence.minutes |= 1 << timestamp.minute
        if verdict.label == "agentic_extraction" and verdict.toolset_fingerprint:
            self.toolsets.add(verdict.toolset_fingerprint)
            evidence.agentic_with_toolset += 1
        evidence.first_seen = min(evidence.first_seen or timestamp, timestamp)
        evidence.last_seen = max(evidence.last_seen or timestamp, timestamp)
        if len(evidence.sample_requests) < SAMPLE_REQUESTS:
            evidence.sample_requests.append(verdict.request_id)
        for fingerprint, example in verdict.template_examples.items():
            evidence.examples.setdefault(fingerprint, example)

    def build(self) -> HourEvidence:
        evidence = self.evidence
        evidence.score_sums = {label: round(value, 4) for label, value in evidence.score_sums.items()}
        evidence.models = top(self.models, TOP_VALUES)
        evidence.fingerprints = top(self.fingerprints, TOP_FINGERPRINTS)
        evidence.suspicious_fingerprints = top(self.suspicious_fingerprints, TOP_FINGERPRINTS)
        evidence.suspicious_models = top(self.suspicious_models, TOP_VALUES)
        evidence.networks = top(self.networks, TOP_VALUES)
        evidence.user_agents = top(self.user_agents, TOP_VALUES)
        evidence.toolsets = sorted(self.toolsets)[:TOP_TOOLSETS]
        evidence.distinct_toolsets = len(self.toolsets)
        evidence.skeleton_sketch = smallest(self.skeletons)
        examples = evidence.examples
        evidence.examples = {fp: examples[fp] for fp in evidence.suspicious_fingerprints if fp in examples}
        return evidence


def skeleton_hash(fingerprint: str) -> int:
    return int.from_bytes(hashlib.blake2b(fingerprint.encode(), digest_size=8).digest(), "big")


def smallest(hashes: Iterable[int], k: int = SKELETON_SKETCH) -> list[int]:
    return sorted(set(hashes))[:k]


def distinct_estimate(sketch: Sequence[int], k: int = SKELETON_SKETCH) -> float:
    """How many distinct values a k-minimum-values sketch stands for: exact below k, (k - 1) / (k-th hash as a
    fraction of the hash range) above (relative error about 1 / sqrt(k - 2))."""
    if len(sketch) < k:
        return float(len(sketch))
    return (k - 1) / ((sketch[k - 1] + 1) / 2**64)


@lru_cache(maxsize=65_536)
def source_digest(source_key: str) -> str:
    return hashlib.blake2b(source_key.encode(), digest_size=8).hexdigest()


def version_digest(version: str | None) -> str:
    return hashlib.blake2b(version.encode(), digest_size=4).hexdigest() if version else ""


def hour_evidence(verdicts: Iterable[Verdict], batch_key: str) -> list[HourEvidence]:
    """Groups one verdict object's verdicts by (account, event-time hour), in a stable order."""
    batch = source_digest(batch_key)
    builders: dict[tuple[str, datetime], _Builder] = {}
    for verdict in verdicts:
        key = (verdict.customer_account, hour_of(verdict.timestamp))
        if key not in builders:
            builders[key] = _Builder(*key, batch)
            builders[key].evidence.batch_key = batch_key
        builders[key].add(verdict)
    return [builders[key].build() for key in sorted(builders)]
