"""The DynamoDB limits that moto does not enforce, checked on every request the code makes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from distillguard.adapters.dynamodb_limits import DynamoDBLimitExceeded, check_request, item_bytes, operator_count
from distillguard.correlation.evidence import TOP_FINGERPRINTS, TOP_TOOLSETS, HourEvidence


def test_an_expression_with_301_operators_is_refused_as_dynamodb_would() -> None:
    # Given the old counter update's condition: one NOT contains per object, for 100 objects
    condition = (
        "attribute_not_exists(#applied) OR (" + " AND ".join(f"NOT contains(#applied, :d{i})" for i in range(100)) + ")"
    )
    assert operator_count(condition) == 301
    with pytest.raises(DynamoDBLimitExceeded, match="301 operators"):
        check_request("UpdateItem", {"UpdateExpression": "SET a = :a", "ConditionExpression": condition})


def test_batch_writes_over_25_and_transactions_over_100_are_refused() -> None:
    put = {"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}}}}
    check_request("BatchWriteItem", {"RequestItems": {"t": [put] * 25}})
    with pytest.raises(DynamoDBLimitExceeded, match="26 requests"):
        check_request("BatchWriteItem", {"RequestItems": {"t": [put] * 26}})
    action = {"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}}}}
    with pytest.raises(DynamoDBLimitExceeded, match="101 actions"):
        check_request("TransactWriteItems", {"TransactItems": [action] * 101})


def test_items_over_400_kb_and_expressions_over_4_kb_are_refused() -> None:
    with pytest.raises(DynamoDBLimitExceeded, match="item of"):
        check_request("PutItem", {"Item": {"pk": {"S": "x" * (400 * 1024)}}})
    with pytest.raises(DynamoDBLimitExceeded, match="4 KB"):
        check_request("UpdateItem", {"UpdateExpression": "SET " + ", ".join(f"a{i} = :v{i}" for i in range(500))})


def test_the_largest_evidence_item_stays_far_below_the_item_limit() -> None:
    # Given an evidence item with every bounded list full and the longest values allowed
    item = HourEvidence(
        account="a" * 256,
        hour=datetime(2026, 2, 3, tzinfo=UTC),
        source="0" * 16,
        prompts=10**9,
        models={f"model-{'m' * 200}-{i}": 10**6 for i in range(4)},
        fingerprints={f"{i:016x}": 10**6 for i in range(4)},
        suspicious_fingerprints={f"{i:016x}": 10**6 for i in range(TOP_FINGERPRINTS)},
        networks={f"2001:db8:{i}::/64": 10**6 for i in range(4)},
        user_agents={"u" * 120 + str(i): 10**6 for i in range(4)},
        minutes=2**60 - 1,
        toolsets=[f"{i:016x}" for i in range(TOP_TOOLSETS)],
        sample_requests=["r" * 128] * 3,
    )
    stored = {"pk": {"S": "EVIDENCE#2026-02-03T00:00:00+00:00#015"}, "sk": {"S": "a" * 300}}
    stored["evidence"] = {"S": item.model_dump_json()}
    assert item_bytes(stored) < 8 * 1024
