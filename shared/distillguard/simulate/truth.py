"""Ground truth from the generated records: per account, per attack cluster, and the new model's first appearance."""

from __future__ import annotations

from collections import Counter, defaultdict

from distillguard.records import LABELS, Label
from distillguard.simulate.accounts import NEW_BEDROCK_MODEL, NEW_GATEWAY_MODEL, Account
from distillguard.simulate.model import AccountTruth, ClusterTruth, ModelRelease
from distillguard.simulate.render import SimRecord, iso


def account_truths(accounts: list[Account], records: list[SimRecord]) -> dict[str, AccountTruth]:
    """Accounts that sent at least one valid record, sorted by id; `records` must be sorted by time."""
    labels: dict[str, Counter[Label]] = defaultdict(Counter)
    toolsets: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    first: dict[str, SimRecord] = {}
    last: dict[str, SimRecord] = {}
    for record in records:
        account_id = record.account.account_id
        labels[account_id][record.prompt.label] += 1
        if record.prompt.tools:
            toolsets[account_id].add(record.prompt.toolset)
        first.setdefault(account_id, record)
        last[account_id] = record
    return {
        a.account_id: AccountTruth(
            role=a.role,
            population=a.population,
            cluster=a.cluster,
            channel=a.channel,
            records=sum(labels[a.account_id].values()),
            records_by_label={label: labels[a.account_id][label] for label in LABELS if labels[a.account_id][label]},
            first_seen=iso(first[a.account_id].timestamp),
            last_seen=iso(last[a.account_id].timestamp),
            toolsets=len(toolsets[a.account_id]),
        )
        for a in sorted(accounts, key=lambda a: a.account_id)
        if a.account_id in first
    }


def cluster_truths(accounts: dict[str, AccountTruth]) -> dict[str, ClusterTruth]:
    members: dict[str, list[str]] = defaultdict(list)
    for account_id, truth in accounts.items():
        if truth.cluster is not None:
            members[truth.cluster].append(account_id)
    return {
        cluster: ClusterTruth(
            population=accounts[ids[0]].population,
            members=sorted(ids),
            first_request=min(accounts[a].first_seen for a in ids),
            records=sum(accounts[a].records for a in ids),
        )
        for cluster, ids in sorted(members.items())
    }


def model_release(records: list[SimRecord]) -> ModelRelease | None:
    first = next((r for r in records if r.model in (NEW_GATEWAY_MODEL, NEW_BEDROCK_MODEL)), None)
    if first is None:
        return None
    return ModelRelease(model=NEW_GATEWAY_MODEL, bedrock_model=NEW_BEDROCK_MODEL, first_seen=iso(first.timestamp))
