"""Scores published findings against a simulation's ground truth: what `distillguard evaluate` prints.

An account counts as flagged from the event time of the first finding (create or update) that names it in
`resources` (coverage findings, which name accounts whose prompts are not logged, flag no one). Clusters are the
ground truth's campaigns (a lone attacker is a cluster of one)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from distillguard.findings import PublishedFinding

GOAL_RECALL = 0.95
GOAL_BENIGN_FPR = 0.001
GOAL_FINDINGS_PER_INCIDENT = 2
GOAL_FIRST_HOURS = 2.0
GOAL_HALF_HOURS = 6.0


class TruthAccount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    population: str = "unknown"
    cluster: str | None = None
    records: int = 0
    first_seen: datetime | None = None


class TruthCluster(BaseModel):
    model_config = ConfigDict(extra="ignore")

    population: str = "unknown"
    members: list[str]
    first_request: datetime


class Truth(BaseModel):
    model_config = ConfigDict(extra="ignore")

    accounts: dict[str, TruthAccount]
    clusters: dict[str, TruthCluster] = {}


class ClusterScore(BaseModel):
    cluster: str
    population: str
    members: int
    flagged: int
    share_flagged: float
    detected: bool
    findings: int
    first_finding_hours: float | None
    half_members_hours: float | None
    half_members_started_hours: float | None = Field(
        default=None,
        description="when half the members had sent their own first request: no detector can name half before",
    )
    median_member_hours: float | None = Field(
        description="median, over flagged members, of the time from the member's own first request to its flagging"
    )


class Evaluation(BaseModel):
    attacker_accounts: int
    attackers_flagged: int
    attacker_recall: float
    attacker_recall_by_requests: float
    benign_accounts: int
    benign_flagged: int
    benign_fpr: float
    benign_fpr_by_population: dict[str, float]
    benign_flagged_by_population: dict[str, int]
    precision: float
    findings_published: int
    incidents: int
    most_campaigns_in_one_incident: int = Field(
        default=0, description="the most ground-truth campaigns whose members one incident names (1 is separation)"
    )
    clusters: list[ClusterScore]
    goals: dict[str, bool]

    @property
    def passed(self) -> bool:
        return all(self.goals.values())


def _hours(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / 3600, 2)


def evaluate(truth: Truth, findings: Iterable[PublishedFinding]) -> Evaluation:
    flagged_at: dict[str, datetime] = {}
    uids_by_account: dict[str, set[str]] = defaultdict(set)
    members_by_uid: dict[str, set[str]] = defaultdict(set)
    published = 0
    uids: set[str] = set()
    for finding in findings:
        published += 1
        uids.add(finding.uid)
        if finding.activity == "close" or not finding.about_harvesting:
            continue
        for account in finding.members:
            uids_by_account[account].add(finding.uid)
            members_by_uid[finding.uid].add(account)
            if account not in flagged_at or finding.time < flagged_at[account]:
                flagged_at[account] = finding.time
    attackers = {a for a, t in truth.accounts.items() if t.role == "attacker"}
    benign = set(truth.accounts) - attackers
    flagged = set(flagged_at)
    attacker_records = sum(truth.accounts[a].records for a in attackers) or 1
    by_population: dict[str, set[str]] = defaultdict(set)
    for account in benign:
        by_population[truth.accounts[account].population].add(account)
    clusters = truth.clusters or _clusters_from_accounts(truth)
    scores = []
    for name, cluster in sorted(clusters.items()):
        members = set(cluster.members)
        times = sorted(flagged_at[m] for m in members if m in flagged_at)
        half = math.ceil(len(members) / 2)
        started = sorted(
            _hours(first, cluster.first_request)
            for m in members
            if m in truth.accounts and (first := truth.accounts[m].first_seen) is not None
        )
        own = sorted(
            _hours(flagged_at[m], truth.accounts[m].first_seen or cluster.first_request)
            for m in members
            if m in flagged_at and m in truth.accounts
        )
        scores.append(
            ClusterScore(
                cluster=name,
                population=cluster.population,
                members=len(members),
                flagged=len(times),
                share_flagged=round(len(times) / len(members), 4) if members else 0.0,
                detected=len(times) >= half and bool(members),
                findings=len(set().union(*(uids_by_account[m] for m in members))) if members else 0,
                first_finding_hours=_hours(times[0], cluster.first_request) if times else None,
                half_members_hours=_hours(times[half - 1], cluster.first_request) if len(times) >= half else None,
                half_members_started_hours=started[half - 1] if len(started) >= half else None,
                median_member_hours=own[len(own) // 2] if own else None,
            )
        )
    campaign_of = {member: name for name, cluster in clusters.items() for member in cluster.members}
    campaigns_per_incident = [
        len({campaign_of[m] for m in members if m in campaign_of}) for members in members_by_uid.values()
    ]
    recall = len(flagged & attackers) / len(attackers) if attackers else 1.0
    fpr = len(flagged & benign) / len(benign) if benign else 0.0
    goals = {
        "attacker_recall>=0.95": recall >= GOAL_RECALL,
        "benign_fpr<=0.1%": fpr <= GOAL_BENIGN_FPR,
        "every_cluster_detected": all(score.detected for score in scores),
        "findings_per_incident<=2": all(score.findings <= GOAL_FINDINGS_PER_INCIDENT for score in scores),
        "first_finding<=2h": all(
            s.first_finding_hours is not None and s.first_finding_hours <= GOAL_FIRST_HOURS for s in scores
        ),
        "half_members<=6h": all(
            s.half_members_hours is not None and s.half_members_hours <= GOAL_HALF_HOURS for s in scores
        ),
        "median_member_latency<=6h": all(
            s.median_member_hours is not None and s.median_member_hours <= GOAL_HALF_HOURS for s in scores
        ),
    }
    return Evaluation(
        attacker_accounts=len(attackers),
        attackers_flagged=len(flagged & attackers),
        attacker_recall=round(recall, 4),
        attacker_recall_by_requests=round(
            sum(truth.accounts[a].records for a in flagged & attackers) / attacker_records, 4
        ),
        benign_accounts=len(benign),
        benign_flagged=len(flagged & benign),
        benign_fpr=round(fpr, 5),
        benign_fpr_by_population={
            population: round(len(flagged & accounts) / len(accounts), 4)
            for population, accounts in sorted(by_population.items())
        },
        benign_flagged_by_population={
            population: len(flagged & accounts) for population, accounts in sorted(by_population.items())
        },
        precision=round(len(flagged & attackers) / len(flagged), 4) if flagged else 1.0,
        findings_published=published,
        incidents=len(uids),
        most_campaigns_in_one_incident=max(campaigns_per_incident, default=0),
        clusters=scores,
        goals=goals,
    )


def _clusters_from_accounts(truth: Truth) -> dict[str, TruthCluster]:
    """Ground truths without a `clusters` table: every attacker's cluster id (or the account) is a campaign;
    its first request is unknown, so latencies are measured from the epoch and should be ignored."""
    members: dict[str, list[str]] = defaultdict(list)
    for account, info in truth.accounts.items():
        if info.role == "attacker":
            members[info.cluster or account].append(account)
    epoch = datetime.fromtimestamp(0).astimezone()
    return {name: TruthCluster(members=sorted(m), first_request=epoch) for name, m in members.items()}


def table(evaluation: Evaluation) -> str:
    lines = [
        f"attacker accounts flagged: {evaluation.attackers_flagged}/{evaluation.attacker_accounts} "
        f"(recall {evaluation.attacker_recall:.3f}; by requests {evaluation.attacker_recall_by_requests:.3f})",
        f"benign accounts flagged: {evaluation.benign_flagged}/{evaluation.benign_accounts} "
        f"(FPR {evaluation.benign_fpr:.4%}); precision {evaluation.precision:.3f}",
        "benign flagged by population: "
        + ", ".join(f"{p} {n}" for p, n in evaluation.benign_flagged_by_population.items()),
        f"findings published: {evaluation.findings_published} messages, {evaluation.incidents} incidents; "
        f"at most {evaluation.most_campaigns_in_one_incident} campaigns in one incident",
        "",
        f"{'cluster':<22} {'population':<15} {'members':>7} {'flagged':>8} {'share':>6} {'uids':>4} "
        f"{'first h':>7} {'half h':>7} {'started':>7} {'member h':>8}",
    ]
    for s in evaluation.clusters:
        first = "-" if s.first_finding_hours is None else f"{s.first_finding_hours:.1f}"
        half = "-" if s.half_members_hours is None else f"{s.half_members_hours:.1f}"
        member = "-" if s.median_member_hours is None else f"{s.median_member_hours:.1f}"
        started = "-" if s.half_members_started_hours is None else f"{s.half_members_started_hours:.1f}"
        lines.append(
            f"{s.cluster:<22} {s.population:<15} {s.members:>7} {s.flagged:>8} {s.share_flagged:>6.2f} "
            f"{s.findings:>4} {first:>7} {half:>7} {started:>7} {member:>8}"
        )
    lines.append(
        "(first h, half h: from the cluster's first request; started: when half the members had sent their first"
        " request; member h: median from each member's own first)"
    )
    lines.append("")
    lines.append("goals: " + ", ".join(f"{goal} {'PASS' if ok else 'FAIL'}" for goal, ok in evaluation.goals.items()))
    return "\n".join(lines)
