"""Counters and alerts in one DynamoDB table (single-table design, generic pk/sk keys).

    pk                  sk                  what
    ACCOUNT#<account>   WINDOW#<start>      an account's counters for one event-time window
    ALERT#<account>     CATEGORY#<label>    the one alert per (account, category)

Future item types (cluster findings, for example) add their own pk prefixes without touching these.

Counting is exactly-once per (verdict object, window) without transactions: each counter item keeps the
digests of the objects already added to it, and the update that adds an object's delta is conditional on its
digest being absent. A redelivered object changes nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from distillguard.aggregation.rules import Finding, Severity, WindowCounts
from distillguard.aggregation.service import AlertState, Contribution
from distillguard.aggregation.windows import WindowDelta
from distillguard.records import LABELS

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _av(value: Any) -> dict[str, Any]:
    serialized: dict[str, Any] = dict(_serializer.serialize(value))
    return serialized


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()}


def window_key(customer_account: str, window_start: datetime) -> dict[str, Any]:
    return {"pk": _av(f"ACCOUNT#{customer_account}"), "sk": _av(f"WINDOW#{window_start.isoformat()}")}


def alert_key(customer_account: str, category: str) -> dict[str, Any]:
    return {"pk": _av(f"ALERT#{customer_account}"), "sk": _av(f"CATEGORY#{category}")}


def object_digest(object_id: str) -> str:
    return hashlib.blake2b(object_id.encode(), digest_size=8).hexdigest()


def counter_update(table: str, object_ids: Sequence[str], delta: WindowDelta, expires_at: int) -> dict[str, Any]:
    """The UpdateItem request that adds a delta (the sum of some objects' contributions) to its window, on
    condition that none of those objects was added to it before."""
    names = {"#prompts": "prompts", "#kind": "kind", "#applied": "applied_objects"}
    names |= {f"#{label}": label for label in LABELS}
    digests = [object_digest(object_id) for object_id in object_ids]
    values: dict[str, Any] = {
        ":prompts": _av(delta.prompts),
        ":kind": _av("window"),
        ":account": _av(delta.customer_account),
        ":start": _av(delta.window_start.isoformat()),
        ":expires": _av(expires_at),
        ":digests": _av(set(digests)),
    } | {f":{label}": _av(delta.by_label[label]) for label in LABELS}
    values |= {f":d{index}": _av(digest) for index, digest in enumerate(digests)}
    additions = ["#prompts :prompts", "#applied :digests"] + [f"#{label} :{label}" for label in LABELS]
    for attribute, members in (
        ("toolsets", delta.toolsets),
        ("network_prefixes", delta.network_prefixes),
        ("user_agents", delta.user_agents),
    ):
        if members:  # DynamoDB has no empty sets
            names[f"#{attribute}"] = attribute
            values[f":{attribute}"] = _av(set(members))
            additions.append(f"#{attribute} :{attribute}")
    none_applied = " AND ".join(f"NOT contains(#applied, :d{index})" for index in range(len(digests)))
    return {
        "TableName": table,
        "Key": window_key(delta.customer_account, delta.window_start),
        "UpdateExpression": "SET #kind = :kind, customer_account = :account, window_start = :start, "
        "expires_at = :expires ADD " + ", ".join(additions),
        "ConditionExpression": f"attribute_not_exists(#applied) OR ({none_applied})",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ReturnValues": "ALL_NEW",
    }


def _window_counts(customer_account: str, window_start: datetime, item: dict[str, Any]) -> WindowCounts:
    return WindowCounts(
        customer_account=customer_account,
        window_start=window_start,
        prompts=int(item.get("prompts", 0)),
        by_label={label: int(item.get(label, 0)) for label in LABELS},
        distinct_toolsets=len(item.get("toolsets", ())),
        network_prefixes=sorted(item.get("network_prefixes", ())),
        user_agents=sorted(item.get("user_agents", ())),
    )


@dataclass(frozen=True)
class DynamoCounterStore:
    client: Any
    table: str
    window_seconds: int
    retention: timedelta

    def add(self, contributions: Sequence[Contribution], total: WindowDelta) -> WindowCounts:
        """One conditional update for the whole batch; if some object was already counted (a redelivery),
        one conditional update per object, so each is counted exactly once."""
        first = contributions[0].delta
        item = self._add_once([c.object_id for c in contributions], total)
        if item is None and len(contributions) > 1:
            for contribution in contributions:
                item = self._add_once([contribution.object_id], contribution.delta) or item
        if item is None:
            key = window_key(first.customer_account, first.window_start)
            item = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True)["Item"]
        return _window_counts(first.customer_account, first.window_start, _item(item))

    def _add_once(self, object_ids: Sequence[str], delta: WindowDelta) -> dict[str, Any] | None:
        """The window item after the update, or None when one of the objects had been counted already."""
        expires_at = int((delta.window_start + timedelta(seconds=self.window_seconds) + self.retention).timestamp())
        try:
            response = self.client.update_item(**counter_update(self.table, object_ids, delta, expires_at))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        attributes: dict[str, Any] = response["Attributes"]
        return attributes

    def record_finding(self, finding: Finding) -> AlertState:
        key = alert_key(finding.customer_account, finding.category)
        self.client.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression="SET #kind = :kind, customer_account = :account, category = :category, "
            "windows = if_not_exists(windows, :empty)",
            ExpressionAttributeNames={"#kind": "kind"},
            ExpressionAttributeValues={
                ":kind": _av("alert"),
                ":account": _av(finding.customer_account),
                ":category": _av(finding.category),
                ":empty": {"M": {}},
            },
        )
        response = self.client.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression="SET windows.#window = :suspicious",
            ExpressionAttributeNames={"#window": finding.window_start.isoformat()},
            ExpressionAttributeValues={":suspicious": _av(finding.window_suspicious)},
            ReturnValues="ALL_NEW",
        )
        item = _item(response["Attributes"])
        return AlertState(
            customer_account=finding.customer_account,
            category=finding.category,
            windows={datetime.fromisoformat(start): int(count) for start, count in item["windows"].items()},
            published_severity=item.get("published_severity"),
        )

    def claim_publication(self, state: AlertState, new_severity: Severity) -> bool:
        if state.published_severity is None:
            condition, values = "attribute_not_exists(published_severity)", {}
        else:
            condition, values = "published_severity = :old", {":old": _av(state.published_severity)}
        try:
            self.client.update_item(
                TableName=self.table,
                Key=alert_key(state.customer_account, state.category),
                UpdateExpression="SET published_severity = :new",
                ConditionExpression=condition,
                ExpressionAttributeValues={":new": _av(new_severity), **values},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release_publication(self, state: AlertState, claimed: Severity) -> None:
        key = alert_key(state.customer_account, state.category)
        if state.published_severity is None:
            update, values = "REMOVE published_severity", {":claimed": _av(claimed)}
        else:
            update = "SET published_severity = :old"
            values = {":claimed": _av(claimed), ":old": _av(state.published_severity)}
        self.client.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression=update,
            ConditionExpression="published_severity = :claimed",
            ExpressionAttributeValues=values,
        )
