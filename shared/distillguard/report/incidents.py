"""Findings grouped into incidents, as the triage report shows them: the latest revision, its history, and the
member activity of every revision merged into one timeline.

Each revision carries the activity of its own horizon (the last 24 event-time hours when it was published);
merged, they cover the incident's life. For an hour two revisions both saw, the later one counts: it read the
evidence after late logs arrived."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from distillguard.correlation.profile import ACTIVITY_BUCKET_MINUTES, ActivityTimeline
from distillguard.findings import PublishedFinding
from distillguard.records import LABELS

HOUR = timedelta(hours=1)
BUCKET = timedelta(minutes=ACTIVITY_BUCKET_MINUTES)
SEVERITY_RANK = {"critical": 5, "high": 4, "medium": 3, "low": 2, "informational": 1}
SIGNAL_MEANINGS = {
    "shared_templates": "share of fingerprinted harvesting requests that use a scaffold several members share",
    "shared_networks": "share of members sending from an egress network another member uses",
    "synchronised_bursts": "share of active minutes that fall in bursts where most members fire together",
    "toolset_churn": "distinct synthetic toolsets per agentic request (a real app reuses a few)",
    "model_pivot": "share of harvesting requests sent to a newly released model",
}


@dataclass
class Member:
    account: str
    reason: str
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    suspicious: int | None = None
    prompts: int | None = None
    toolsets: int | None = None
    buckets: set[datetime] = field(default_factory=set)  # starts of the 5-minute buckets it was active in


@dataclass
class Template:
    fingerprint: str
    requests: int
    share: float
    kind: str  # "skeleton" (the whole prompt masked) or "opening" (the first words of the first user turn)
    example: str | None


@dataclass
class ScoreTerm:
    driver: str
    value: str
    points: float


@dataclass
class Incident:
    latest: PublishedFinding
    revisions: list[PublishedFinding]
    confidence: int
    members: list[Member]
    hourly: dict[datetime, dict[str, int]]
    templates: list[Template]
    networks: dict[str, int]
    user_agents: dict[str, int]
    models: dict[str, int]
    new_models: list[str]
    toolsets: int
    score_terms: list[ScoreTerm]

    @property
    def uid(self) -> str:
        return self.latest.uid

    @property
    def page(self) -> str:
        return "".join(c for c in self.uid if c.isalnum() or c in "-_") + ".html"

    @property
    def signals(self) -> dict[str, float]:
        return {name: float(value) for name, value in self.latest.evidence.get("signals", {}).items()}

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.latest.severity.lower(), 0)


def _timeline(finding: PublishedFinding) -> ActivityTimeline | None:
    raw = finding.evidence.get("timeline")
    return ActivityTimeline.model_validate(raw) if raw else None


def _buckets(bitmap: str, start: datetime) -> set[datetime]:
    bits, found, index = int(bitmap, 16), set(), 0
    while bits:
        if bits & 1:
            found.add(start + BUCKET * index)
        bits >>= 1
        index += 1
    return found


def _confidence_terms(finding: PublishedFinding) -> list[ScoreTerm]:
    """The terms of `correlation.incidents.confidence`, from what the finding shows."""
    counts = finding.evidence.get("requests_by_label", {})
    prompts, suspicious = counts.get("prompts", 0), counts.get("suspicious", 0)
    share = suspicious / prompts if prompts else 0.0
    signals = len(finding.evidence.get("signals", {}))
    return [
        ScoreTerm("base", "every incident", 35),
        ScoreTerm("coordination signals", f"{signals} × 15", 15 * signals),
        ScoreTerm("harvesting share", f"{suspicious}/{prompts} = {share:.0%} × 20", round(20 * share, 1)),
        ScoreTerm("members", f"{finding.members_total} (at most 10)", min(10, finding.members_total)),
    ]


def incident(revisions: list[PublishedFinding]) -> Incident:
    revisions = sorted(revisions, key=lambda finding: (finding.revision, finding.time))
    latest = revisions[-1]
    detail = DetectionFinding.model_validate_json(latest.message)
    reasons = {r.uid: str((r.data or {}).get("reason", "")) for r in detail.resources or [] if r.uid}
    members = {account: Member(account, reason) for account, reason in reasons.items()}
    hourly: dict[datetime, dict[str, int]] = {}
    for finding in revisions:  # later revisions overwrite the hours they saw again
        timeline = _timeline(finding)
        if timeline is None or timeline.start is None:
            continue
        for index in range(timeline.hours):
            hourly[timeline.start + HOUR * index] = {
                label: timeline.by_label.get(label, [0] * timeline.hours)[index] for label in LABELS
            }
        for account, seen in timeline.members.items():
            member = members.setdefault(account, Member(account, ""))
            if seen.first_seen and (member.first_seen is None or seen.first_seen < member.first_seen):
                member.first_seen = seen.first_seen
            if seen.last_seen and (member.last_seen is None or seen.last_seen > member.last_seen):
                member.last_seen = seen.last_seen
            member.suspicious, member.prompts, member.toolsets = seen.suspicious, seen.prompts, seen.toolsets
            member.buckets |= _buckets(seen.buckets, timeline.start)
    if latest.activity == "close" and reasons:  # a closed incident lists only who was in it at the end
        members = {account: member for account, member in members.items() if account in reasons}
    counts = latest.evidence.get("requests_by_label", {})
    suspicious = counts.get("suspicious", 0) or 1
    templates = [
        Template(
            fingerprint=str(data.get("fingerprint", "")),
            requests=int(data.get("requests", 0)),
            share=int(data.get("requests", 0)) / suspicious,
            kind="opening" if str(data.get("fingerprint", "")).startswith("o") else "skeleton",
            example=data.get("example"),
        )
        for artefact in detail.evidences or []
        if artefact.name == "template_fingerprint"
        for data in [dict(artefact.data or {})]
    ]
    models = latest.evidence.get("models", {})
    last_timeline = _timeline(latest)
    return Incident(
        latest=latest,
        revisions=revisions,
        confidence=int(detail.confidence_score or 0),
        members=sorted(members.values(), key=lambda m: (m.first_seen is None, m.first_seen or latest.time, m.account)),
        hourly=dict(sorted(hourly.items())),
        templates=sorted(templates, key=lambda t: (-t.requests, t.fingerprint)),
        networks=dict(latest.evidence.get("networks", {})),
        user_agents=dict(latest.evidence.get("user_agents", {})),
        models=dict(models.get("requests", {})),
        new_models=list(models.get("newly_released", [])),
        toolsets=last_timeline.toolsets if last_timeline else 0,
        score_terms=_confidence_terms(latest),
    )


def incidents(findings: Iterable[PublishedFinding]) -> list[Incident]:
    """One incident per finding uid, most severe first, then the earliest first seen."""
    by_uid: dict[str, list[PublishedFinding]] = defaultdict(list)
    for finding in findings:
        by_uid[finding.uid].append(finding)
    built = [incident(revisions) for revisions in by_uid.values()]
    return sorted(built, key=lambda i: (-i.severity_rank, i.latest.first_seen, i.uid))
