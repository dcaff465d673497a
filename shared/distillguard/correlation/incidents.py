"""Incidents: one per campaign, with a stable id, updated in place as members and evidence grow.

Each closed hour's detections are matched to the open incidents by shared members. A detection that meets no
incident opens one; one that meets several merges them: the oldest survives, the others close as merged into
it. An incident is (re)notified when it opens, when its members grow past a step, when its severity rises,
after `renotify_hours` of event time with changes, and when it closes. Coverage incidents (the accounts the
product is blind to) are matched only with coverage incidents, and harvesting ones only with harvesting ones."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from distillguard.copying import deep_copy
from distillguard.correlation.detect import MAX_UNLOGGED_MEMBERS, Category, Detection, DetectionKind, Signal
from distillguard.correlation.evidence import top
from distillguard.correlation.profile import ActivityTimeline, combined_timelines

Activity = Literal["create", "update", "close"]
Status = Literal["open", "closed"]
MEMBER_GROWTH_STEP = 1.2
MEMBER_GROWTH_MIN = 3
BIRTH_BUCKET_OVERLAP = 0.5
BIRTH_WINDOW_HOURS = 3
SEVERITY_LOW = 2  # OCSF severity ids
SEVERITY_MEDIUM = 3
SEVERITY_HIGH = 4
SEVERITY_CRITICAL = 5
COVERAGE_CONFIDENCE = 95  # the logs themselves say the prompt is missing


class NotificationRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    renotify_hours: int = Field(default=24, ge=1)
    idle_close_hours: int = Field(default=72, ge=1)


class IncidentEvidence(BaseModel):
    """The evidence of the latest detection, bounded: what a finding shows and an analyst defends."""

    signals: dict[Signal, float] = {}
    suspicious: int = 0
    prompts: int = 0
    by_label: dict[str, int] = {}
    templates: dict[str, int] = {}
    networks: dict[str, int] = {}
    user_agents: dict[str, int] = {}
    models: dict[str, int] = {}
    new_models: list[str] = []
    scaffolds: list[str] = Field(default_factory=list, description="harvesting templates the members share")
    timeline: ActivityTimeline = Field(default_factory=ActivityTimeline, description="for the triage report")
    examples: dict[str, str] = Field(default_factory=dict, description="redacted example per template")
    unlogged: int = Field(default=0, description="the members' requests whose prompt the logs do not carry")
    unlogged_members: dict[str, int] = Field(default_factory=dict, description="unlogged requests per member, top-k")
    buckets: list[int] = Field(default_factory=list, description="5-minute buckets (epoch) the members harvested in")


class Publication(BaseModel):
    revision: int
    members: int
    severity_id: int
    at: datetime


class Incident(BaseModel):
    uid: str
    kind: DetectionKind
    category: Category
    status: Status = "open"
    merged_into: str | None = None
    created_at: datetime = Field(description="event time of the hour that first flagged it")
    updated_at: datetime
    first_seen: datetime
    last_seen: datetime
    revision: int = 1
    severity_id: int = SEVERITY_MEDIUM
    confidence: int = 50
    members: set[str] = Field(default_factory=set)
    member_reasons: dict[str, str] = Field(default_factory=dict, description="why each member was included")
    evidence: IncidentEvidence = Field(default_factory=IncidentEvidence)
    published: Publication | None = None


class Notification(BaseModel):
    incident: Incident
    activity: Activity


MAX_REASON_CHARS = 160


def incident_uid(detection: Detection, hour: datetime) -> str:
    seed = f"{detection.kind}|{min(detection.members)}|{hour.isoformat()}"
    return "dg-" + hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()


def severity_id(incident: Incident) -> int:
    """OCSF severity: Medium for a lone account or a small group, High from 10 members or three signals,
    Critical from 50 members; Low for coverage (a gap to close, not an attack)."""
    if incident.kind == "coverage":
        return SEVERITY_LOW
    members, signals = len(incident.members), len(incident.evidence.signals)
    if members >= 50:
        return SEVERITY_CRITICAL
    if members >= 10 or signals >= 3 or incident.evidence.suspicious >= 1000:
        return SEVERITY_HIGH
    return SEVERITY_MEDIUM


def confidence(incident: Incident) -> int:
    if incident.kind == "coverage":
        return COVERAGE_CONFIDENCE
    evidence = incident.evidence
    share = evidence.suspicious / evidence.prompts if evidence.prompts else 0.0
    base = 35 + 15 * len(evidence.signals) + 20 * share + min(10, len(incident.members))
    return int(min(99, base))


def _evidence(detection: Detection) -> IncidentEvidence:
    return IncidentEvidence(
        signals=detection.signals,
        suspicious=detection.suspicious,
        prompts=detection.prompts,
        by_label=detection.by_label,
        templates=detection.templates,
        networks=detection.networks,
        user_agents=detection.user_agents,
        models=detection.models,
        new_models=list(detection.new_models),
        scaffolds=sorted(detection.scaffolds),
        timeline=detection.timeline,
        examples={fp: detection.examples[fp] for fp in detection.templates if fp in detection.examples},
        unlogged=detection.unlogged_requests,
        unlogged_members=detection.unlogged,
        buckets=sorted(detection.buckets),
    )


def _sum(first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, int]:
    return dict(Counter(first) + Counter(second))


def _combined(first: IncidentEvidence, second: IncidentEvidence) -> IncidentEvidence:
    """Two groups' evidence from the same hour, as one."""
    return IncidentEvidence(
        signals={**first.signals, **second.signals},
        suspicious=first.suspicious + second.suspicious,
        prompts=first.prompts + second.prompts,
        by_label=_sum(first.by_label, second.by_label),
        templates=top(_sum(first.templates, second.templates), 8),
        networks=top(_sum(first.networks, second.networks), 8),
        user_agents=top(_sum(first.user_agents, second.user_agents), 4),
        models=top(_sum(first.models, second.models), 6),
        new_models=sorted(set(first.new_models) | set(second.new_models)),
        scaffolds=sorted(set(first.scaffolds) | set(second.scaffolds)),
        timeline=combined_timelines(first.timeline, second.timeline),
        examples={**second.examples, **first.examples},
        unlogged=first.unlogged + second.unlogged,
        unlogged_members=top(_sum(first.unlogged_members, second.unlogged_members), MAX_UNLOGGED_MEMBERS),
        buckets=sorted(set(first.buckets) | set(second.buckets)),
    )


def _absorb(incident: Incident, detection: Detection, hour_end: datetime) -> None:
    """Adds a detection to an incident; a second group in the same hour adds to that hour's evidence."""
    incident.members |= detection.members
    for account, reason in detection.member_evidence.items():
        incident.member_reasons.setdefault(account, reason[:MAX_REASON_CHARS])
    fresh = _evidence(detection)
    same_hour = incident.updated_at == hour_end and bool(incident.evidence.prompts)
    incident.evidence = _combined(incident.evidence, fresh) if same_hour else fresh
    incident.first_seen = min(incident.first_seen, detection.first_seen)
    incident.last_seen = max(incident.last_seen, detection.last_seen)
    incident.updated_at = hour_end
    if detection.kind == "cluster":
        incident.kind = "cluster"
    incident.category = detection.category


def _fingerprint(incident: Incident) -> tuple[object, ...]:
    """What a revision is about: members, severity, signals and status."""
    return (len(incident.members), incident.severity_id, tuple(sorted(incident.evidence.signals)), incident.status)


def _should_notify(incident: Incident, rules: NotificationRules) -> bool:
    published = incident.published
    if published is None:
        return True
    if incident.severity_id > published.severity_id:
        return True
    members = len(incident.members)
    if members >= max(published.members * MEMBER_GROWTH_STEP, published.members + MEMBER_GROWTH_MIN):
        return True
    waited = incident.updated_at - published.at >= timedelta(hours=rules.renotify_hours)
    return waited and incident.revision > published.revision


def _born_together(detection: Detection, incidents: Mapping[str, Incident], hour_end: datetime) -> list[str]:
    """A young incident of the same category that a new group belongs to: one opened this same hour with a shared
    scaffold, or a shared network and the same minutes (a campaign first seen as several groups, its egress
    networks not yet linked by a second burst); or one opened in the last `BIRTH_WINDOW_HOURS` with one of its
    harvesting templates and a network in common, or, both churning toolsets, a client (user agent) in common (a
    slow campaign's next members, or a swarm's next NAT pool, not yet linked to the first).
    A campaign opens one incident, not several; one using a public scaffold from other networks stays apart."""
    if detection.kind != "cluster":
        return []  # a lone account (or the coverage set) is its own incident unless it shares members
    return [
        uid
        for uid, incident in sorted(incidents.items())
        if incident.status == "open"
        and incident.kind == "cluster"
        and incident.category == detection.category
        and hour_end - incident.created_at < timedelta(hours=BIRTH_WINDOW_HOURS)
        and _belongs(detection, incident, same_hour=incident.created_at == hour_end)
    ][:1]


def _belongs(detection: Detection, incident: Incident, *, same_hour: bool) -> bool:
    evidence = incident.evidence
    if same_hour:
        return bool(detection.scaffolds & set(evidence.scaffolds)) or _same_bursts(detection, evidence)
    if set(detection.templates) & set(evidence.templates) and set(detection.networks) & set(evidence.networks):
        return True
    # Two swarms sweeping synthetic toolsets through the same client: NAT pools change networks, not the client.
    churning = "toolset_churn" in detection.signals and "toolset_churn" in evidence.signals
    return churning and bool(set(detection.user_agents) & set(evidence.user_agents))


def _same_bursts(detection: Detection, evidence: IncidentEvidence) -> bool:
    """A network in common, and most of the 5-minute buckets of the quieter side shared."""
    ours, theirs = detection.buckets, set(evidence.buckets)
    if not ours or not theirs or not set(detection.networks) & set(evidence.networks):
        return False
    return len(ours & theirs) >= BIRTH_BUCKET_OVERLAP * min(len(ours), len(theirs))


def reconcile(
    detections: Sequence[Detection],
    open_incidents: Mapping[str, Incident],
    hour_end: datetime,
    rules: NotificationRules,
) -> tuple[list[Incident], list[Notification]]:
    """Applies one hour's detections; returns the incidents that changed and the notifications to send."""
    incidents = {uid: deep_copy(incident) for uid, incident in open_incidents.items()}
    owner: dict[tuple[bool, str], str] = {
        (incident.kind == "coverage", account): uid
        for uid, incident in incidents.items()
        for account in incident.members
    }
    changed: set[str] = set()
    before = {uid: _fingerprint(incident) for uid, incident in incidents.items()}
    for detection in sorted(detections, key=lambda d: (min(d.members), d.kind)):
        track = detection.kind == "coverage"
        touched = sorted(
            {owner[(track, account)] for account in detection.members if (track, account) in owner},
            key=lambda uid: (incidents[uid].created_at, uid),
        )
        if not touched:
            touched = _born_together(detection, incidents, hour_end)
        if not touched:
            uid = incident_uid(detection, hour_end)
            incident = incidents[uid] = Incident(
                uid=uid,
                kind=detection.kind,
                category=detection.category,
                created_at=hour_end,
                updated_at=hour_end,
                first_seen=detection.first_seen,
                last_seen=detection.last_seen,
                revision=0,
                severity_id=SEVERITY_LOW if detection.kind == "coverage" else SEVERITY_MEDIUM,
            )
        else:
            incident = incidents[touched[0]]
            for other_uid in touched[1:]:
                other = incidents[other_uid]
                incident.members |= other.members
                for account, reason in other.member_reasons.items():
                    incident.member_reasons.setdefault(account, reason)
                incident.first_seen = min(incident.first_seen, other.first_seen)
                other.status, other.merged_into, other.updated_at = "closed", incident.uid, hour_end
                changed.add(other_uid)
        _absorb(incident, detection, hour_end)
        incident.severity_id = max(incident.severity_id, severity_id(incident))
        incident.confidence = confidence(incident)
        changed.add(incident.uid)
        for account in incident.members:
            owner[(track, account)] = incident.uid
    for uid, incident in incidents.items():
        idle = hour_end - incident.updated_at >= timedelta(hours=rules.idle_close_hours)
        if incident.status == "open" and uid not in changed and idle:
            incident.status, incident.updated_at = "closed", hour_end
            changed.add(uid)
    for uid in changed:  # one revision per incident and hour, whatever number of groups touched it
        if _fingerprint(incidents[uid]) != before.get(uid):
            incidents[uid].revision += 1
    notifications: list[Notification] = []
    for uid in sorted(changed, key=lambda uid: (incidents[uid].created_at, uid)):
        incident = incidents[uid]
        if incident.status == "closed":
            if incident.published is not None:  # a never-published incident closes silently
                notifications.append(Notification(incident=incident, activity="close"))
        elif _should_notify(incident, rules):
            activity: Activity = "create" if incident.published is None else "update"
            notifications.append(Notification(incident=incident, activity=activity))
    for notification in notifications:
        incident = notification.incident
        incident.published = Publication(
            revision=incident.revision, members=len(incident.members), severity_id=incident.severity_id, at=hour_end
        )
    return [incidents[uid] for uid in sorted(changed)], notifications


def catch_up(open_incidents: Mapping[str, Incident], hour_end: datetime) -> tuple[list[Incident], list[Notification]]:
    """At the end of a backfill: every open incident that changed since its last notification is notified once
    more, so the last published revision names every member found."""
    changed, notifications = [], []
    for _, original in sorted(open_incidents.items()):
        if original.published is None or original.revision <= original.published.revision:
            continue
        incident = deep_copy(original)
        incident.published = Publication(
            revision=incident.revision, members=len(incident.members), severity_id=incident.severity_id, at=hour_end
        )
        changed.append(incident)
        notifications.append(Notification(incident=incident, activity="update"))
    return changed, notifications
