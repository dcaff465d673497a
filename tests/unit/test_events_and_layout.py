"""How stages read their SQS events and where they write: decoded keys, test events, partitions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.data_classes import SQSEvent

from distillguard.config import StorageSettings
from distillguard.events import announced_keys, batch_item_failures, created_objects, unique_keys
from distillguard.layout import KeyLayout, SourceBatch, UnexpectedKey, partition_of
from tests.conftest import EVENTS


def test_aws_notification_names_the_created_object_and_the_test_event_names_none() -> None:
    # Given the SQS event Lambda receives for a Bedrock log drop, batched with S3's test event
    event = json.loads((EVENTS / "sqs_s3_notification_aws.json").read_text())
    # When each message body is read
    created = [created_objects(record["body"]) for record in event["Records"]]
    # Then the drop names its bucket and key, and the test event names nothing
    assert [ref.key for ref in created[0]] == [
        "raw/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/02/03/08/"
        "123456789012_BedrockModelInvocationLogs_us-east-1_20260203T0815Z_1a2b3c4d.json.gz"
    ]
    assert created[0][0].bucket == "distillguard-logs-123456789012-us-east-1"
    assert created[1] == []


@pytest.mark.parametrize("encoded", ["raw/gateway/data+file%2B1.jsonl", "raw%2Fgateway%2Fdata+file%2B1.jsonl"])
def test_keys_are_decoded_however_the_sender_encoded_them(encoded: str) -> None:
    # Given a notification whose key is URL-encoded the way AWS or an emulator encodes it
    body = json.dumps(
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": encoded}}}]}
    )
    # Then the stage reads the object by its real key
    assert created_objects(body)[0].key == "raw/gateway/data file+1.jsonl"


def test_deletions_are_not_work_for_the_pipeline() -> None:
    body = json.dumps(
        {
            "Records": [
                {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "raw/x"}}}
            ]
        }
    )
    assert created_objects(body) == []


def test_a_validate_batch_is_named_by_its_objects_and_versions_and_filed_under_its_earliest_hour() -> None:
    layout = KeyLayout(StorageSettings(bucket_name="bucket", raw_prefix="logs/"))
    sources = {"logs/gateway/2026/02/03/09/b.jsonl.gz": "etag-b", "logs/litellm/2026-02-03/08-15-00_a.json": "e"}
    batch = SourceBatch.of(sources)
    # the same objects in another order name the same batch; another version of one of them does not
    assert SourceBatch.of(dict(reversed(sources.items()))) == batch
    assert SourceBatch.of(sources | {"logs/litellm/2026-02-03/08-15-00_a.json": "e2"}) != batch
    validated = layout.validated_key(batch)
    assert validated == f"validated/batches/2026/02/03/00/{batch.batch_id}.jsonl.gz"
    assert layout.quarantine_key(batch) == f"quarantine/batches/2026/02/03/00/{batch.batch_id}.jsonl.gz"
    assert layout.validate_manifest_key(batch) == f"manifests/validate/batches/2026/02/03/00/{batch.batch_id}.json"
    assert layout.verdicts_key(validated) == f"verdicts/batches/2026/02/03/00/{batch.batch_id}.jsonl.gz"
    assert layout.classify_manifest_key(validated) == f"manifests/classify/batches/2026/02/03/00/{batch.batch_id}.json"
    assert SourceBatch.of({"logs/no-date.jsonl": "x"}).folder == "unpartitioned/"


def test_a_key_outside_the_stage_prefix_is_a_wiring_error() -> None:
    layout = KeyLayout(StorageSettings(bucket_name="bucket"))
    with pytest.raises(UnexpectedKey):
        layout.verdicts_key("raw/a.jsonl.gz")


def test_partitions_come_from_hour_and_day_folders_in_the_key() -> None:
    hour = partition_of("raw/AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2026/02/03/08/x.json.gz")
    day = partition_of("raw/litellm/2026-02-03/08-15-00_abc.json")
    assert hour is not None and (hour.start, hour.end) == (
        datetime(2026, 2, 3, 8, tzinfo=UTC),
        datetime(2026, 2, 3, 9, tzinfo=UTC),
    )
    assert day is not None and day.end == datetime(2026, 2, 4, tzinfo=UTC)
    assert partition_of("raw/gateway/latest.jsonl") is None
    assert partition_of("raw/gateway/2026/13/40/99/x.jsonl") is None  # not a date: no partition


def test_partial_batch_response_names_unreadable_messages_and_those_whose_object_failed() -> None:
    # Given the AWS batch (a log drop and S3's test event) plus a message that is not a notification
    event = json.loads((EVENTS / "sqs_s3_notification_aws.json").read_text())
    event["Records"].append(event["Records"][1] | {"messageId": "garbage", "body": "not json"})
    announced = announced_keys(SQSEvent(event))
    (drop_key,) = unique_keys(announced)
    # When the dropped object fails
    response = batch_item_failures(announced, {drop_key})
    # Then its message and the unreadable one are retried; the test event is acknowledged
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == [
        "2e1424d4-f796-459a-8184-9c92662be6da",
        "garbage",
    ]
    assert batch_item_failures(announced, set()) == {"batchItemFailures": [{"itemIdentifier": "garbage"}]}
