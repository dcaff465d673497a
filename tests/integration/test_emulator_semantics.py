"""The embedded emulator answers the requests the pipeline relies on as AWS does. `distillguard.local.emulator`
replaces a few of moto's slow paths (queue counts, partition queries, transaction rollback); these tests hold the
replacements to the behaviour of the services they stand for, and pass unchanged on LocalStack."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from distillguard.adapters.clients import client

pytestmark = pytest.mark.integration


@pytest.fixture
def table(endpoint: object) -> str:
    name = f"emu-{uuid.uuid4().hex[:8]}"
    client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def put(table: str, pk: str, sk: str, value: int) -> None:
    client("dynamodb").put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": sk}, "v": {"N": str(value)}})


def query_all(table: str, pk: str, **options: Any) -> list[tuple[str, int]]:
    paginator = client("dynamodb").get_paginator("query")
    pages = paginator.paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        **options,
    )
    return [(item["sk"]["S"], int(item["v"]["N"])) for page in pages for item in page["Items"]]


def test_a_query_reads_its_own_partition_in_key_order_page_by_page(table: str) -> None:
    # Given three partitions written in no particular order
    for pk in ("b", "a", "c"):
        for i in (3, 1, 4, 0, 2):
            put(table, pk, f"hour#{i}", value=ord(pk) * 10 + i)

    # Then a query of one partition returns only its items, in sort-key order, across pages, either way round
    expected = [(f"hour#{i}", ord("b") * 10 + i) for i in range(5)]
    assert query_all(table, "b", PaginationConfig={"PageSize": 2}) == expected
    assert query_all(table, "b", ScanIndexForward=False, PaginationConfig={"PageSize": 2}) == expected[::-1]
    # and a key condition on the sort key narrows it
    ranged = client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
        ExpressionAttributeValues={":pk": {"S": "c"}, ":low": {"S": "hour#1"}, ":high": {"S": "hour#3"}},
    )["Items"]
    assert [item["sk"]["S"] for item in ranged] == ["hour#1", "hour#2", "hour#3"]
    assert query_all(table, "none") == []


def test_a_begins_with_query_returns_the_prefixed_items_in_key_order_page_by_page(table: str) -> None:
    # Given one partition holding two accounts' items, one account's id a prefix of the other's, and a neighbour
    for sk, value in (("acct-1#b", 2), ("acct-10#a", 3), ("acct-1#a", 1), ("acct-2#a", 4)):
        put(table, "hour", sk, value)
    put(table, "other-hour", "acct-1#c", 5)
    # Then a begins_with on the sort key returns that prefix's items only, in order, either way round, in pages
    condition = {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :account)",
        "ExpressionAttributeValues": {":pk": {"S": "hour"}, ":account": {"S": "acct-1"}},
    }
    paginator = client("dynamodb").get_paginator("query")

    def keys(**options: Any) -> list[str]:
        pages = paginator.paginate(TableName=table, **condition, PaginationConfig={"PageSize": 1}, **options)
        return [item["sk"]["S"] for page in pages for item in page["Items"]]

    assert keys() == ["acct-1#a", "acct-1#b", "acct-10#a"]
    assert keys(ScanIndexForward=False) == ["acct-10#a", "acct-1#b", "acct-1#a"]
    counted = client("dynamodb").query(TableName=table, **condition)
    assert counted["Count"] == counted["ScannedCount"] == 3


def test_a_cancelled_transaction_changes_nothing_and_a_committed_one_everything(table: str) -> None:
    put(table, "incident", "rev", 1)
    dynamodb = client("dynamodb")
    new_item = {
        "Put": {"TableName": table, "Item": {"pk": {"S": "incident"}, "sk": {"S": "member#1"}, "v": {"N": "9"}}}
    }
    bump = {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": "incident"}, "sk": {"S": "rev"}},
            "UpdateExpression": "SET v = :next",
            "ConditionExpression": "v = :expected",
            "ExpressionAttributeValues": {":next": {"N": "2"}, ":expected": {"N": "5"}},
        }
    }

    # When the condition of the second action fails
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=[new_item, bump])

    # Then the transaction is cancelled and the first action is undone
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert query_all(table, "incident") == [("rev", 1)]

    # When the condition holds, both actions apply
    bump["Update"]["ExpressionAttributeValues"][":expected"] = {"N": "1"}
    dynamodb.transact_write_items(TransactItems=[new_item, bump])
    assert query_all(table, "incident") == [("member#1", 9), ("rev", 2)]


def test_queue_counts_follow_receives_and_delays(endpoint: object) -> None:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"emu-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)

    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=600)["Messages"]

    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert len(received) == 2
    assert counts["ApproximateNumberOfMessages"] == "3"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "2"
    assert counts["ApproximateNumberOfMessagesDelayed"] == "1"
    # and the invisible and delayed messages are not delivered again
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    first = {message["Body"] for message in received}
    assert sorted(message["Body"] for message in rest) == sorted({f"m{i}" for i in range(5)} - first)


def test_deletes_take_each_message_once_and_name_the_bad_receipt_handles(endpoint: object) -> None:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"emu-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    for i in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]  # new receipt handles
    assert len(first) == len(again) == 4
    latest = {m["Body"]: m["ReceiptHandle"] for m in again}

    # When a batch names two messages by their latest receipt handles, and one handle never issued
    outcome = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "zero", "ReceiptHandle": latest["m0"]},
            {"Id": "one", "ReceiptHandle": latest["m1"]},
            {"Id": "bad", "ReceiptHandle": "not-a-receipt-handle"},
        ],
    )

    # Then the two messages are gone, the bad entry is reported, and deleting again is harmless
    assert sorted(entry["Id"] for entry in outcome["Successful"]) == ["one", "zero"]
    assert [(entry["Id"], entry["Code"]) for entry in outcome["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=latest["m1"])
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(message["Body"] for message in rest) == ["m2", "m3"]
