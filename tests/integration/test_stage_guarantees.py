"""What the stages promise under redelivery, bad objects and odd keys, on the emulator."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest

from distillguard.local.pipeline import LocalPipeline, local_pipeline
from distillguard.records import LABELS, Label, Verdict

pytestmark = pytest.mark.integration
HOUR = datetime(2026, 2, 3, 8, tzinfo=UTC)


@pytest.fixture
def pipeline(endpoint: object) -> Iterator[LocalPipeline]:
    with local_pipeline(stack_name="dg-test") as (_, running):
        yield running


def verdict_lines(account: str, label: Label, hours: int, per_hour: int) -> bytes:
    verdicts = [
        Verdict(
            request_id=f"{account}-{hour}-{index}",
            timestamp=HOUR + timedelta(hours=hour, minutes=index),
            customer_account=account,
            source_ip="198.51.100.7",
            user_agent="python-httpx/0.27.0",
            source_format="gateway",
            source_key="raw/gateway/x.jsonl",
            line_number=index + 1,
            template_fingerprint="t",
            label=label,
            scores={name: 0.98 if name == label else 0.01 for name in LABELS},
            model_version="test-model",
        )
        for hour in range(hours)
        for index in range(per_hour)
    ]
    return gzip.compress(b"".join(v.model_dump_json().encode() + b"\n" for v in verdicts), mtime=0)


def counters(localstack: Any, pipeline: LocalPipeline, account: str) -> list[dict[str, Any]]:
    dynamodb = localstack.boto3.client("dynamodb")
    items = dynamodb.query(
        TableName=pipeline.deployment.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ACCOUNT#{account}"}},
        ConsistentRead=True,
    )["Items"]
    return [{"window": item["sk"]["S"], "prompts": item["prompts"]["N"]} for item in items]


def notification(bucket: str, key: str) -> str:
    record = {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}
    return json.dumps({"Records": [record]})


def queue_url(pipeline: LocalPipeline, function_id: str) -> str:
    return next(s.queue_url for s in pipeline.deployment.event_sources if s.function_id == function_id)


def test_a_redelivered_verdict_object_counts_once_and_alerts_once(localstack: Any, pipeline: LocalPipeline) -> None:
    # Given three hours of chain-of-thought harvesting from one account, aggregated once
    s3 = localstack.boto3.client("s3")
    key = "verdicts/gateway/2026/02/03/08/batch-1.jsonl.gz"
    s3.put_object(
        Bucket=pipeline.deployment.bucket, Key=key, Body=verdict_lines("acct-hydra-1", "cot_harvesting", 3, 20)
    )
    first = pipeline.run()
    before = counters(localstack, pipeline, "acct-hydra-1")
    # When SQS delivers the same notification again
    localstack.boto3.client("sqs").send_message(
        QueueUrl=queue_url(pipeline, "AggregateFunction"), MessageBody=notification(pipeline.deployment.bucket, key)
    )
    after_redelivery = pipeline.run()
    # Then counters and alerts are unchanged: one alert opened, escalated once, never repeated
    assert counters(localstack, pipeline, "acct-hydra-1") == before
    assert [c["prompts"] for c in before] == ["20", "20", "20"]
    assert [(a.event, a.severity) for a in first] == [("opened", "medium"), ("escalated", "high")]
    assert after_redelivery == []
    assert first[-1].windows_flagged == 3 and first[-1].suspicious_prompts == 60
    assert first[-1].network_prefixes == ["198.51.100.0/24"]


def test_a_batch_mixing_a_counted_object_and_a_new_one_counts_each_exactly_once(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, sqs = localstack.boto3.client("s3"), localstack.boto3.client("sqs")
    bucket, queue = pipeline.deployment.bucket, queue_url(pipeline, "AggregateFunction")
    # Given object A already counted, and object B written without a notification
    s3.put_object(Bucket=bucket, Key="verdicts/a.jsonl.gz", Body=verdict_lines("acct-mixed", "ordinary", 1, 4))
    pipeline.run()
    s3.put_object(Bucket=bucket, Key="other/b.jsonl.gz", Body=verdict_lines("acct-mixed", "ordinary", 1, 6))
    s3.copy_object(Bucket=bucket, Key="verdicts/b.jsonl.gz", CopySource={"Bucket": bucket, "Key": "other/b.jsonl.gz"})
    sqs.purge_queue(QueueUrl=queue)
    # When one batch delivers A again together with B
    for key in ("verdicts/a.jsonl.gz", "verdicts/b.jsonl.gz"):
        sqs.send_message(QueueUrl=queue, MessageBody=notification(bucket, key))
    pipeline.run()
    # Then the window holds A once and B once
    assert [c["prompts"] for c in counters(localstack, pipeline, "acct-mixed")] == ["10"]


def test_subscribers_can_filter_alerts_on_severity(localstack: Any, pipeline: LocalPipeline) -> None:
    # Given a subscription that wants high-severity alerts only
    sqs, sns = localstack.boto3.client("sqs"), localstack.boto3.client("sns")
    url = sqs.create_queue(QueueName=f"{pipeline.deployment.bucket[:40]}-pager")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=pipeline.deployment.topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"severity": ["high"]})},
    )
    # When an account's harvesting opens an alert and escalates it
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket,
        Key="verdicts/x/batch.jsonl.gz",
        Body=verdict_lines("acct-hydra-2", "cot_harvesting", 3, 15),
    )
    published = pipeline.run()
    # Then the pager queue receives the escalation only
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert len(published) == 2
    assert [json.loads(m["Body"])["severity"] for m in received] == ["high"]


def test_an_unreadable_object_goes_to_the_dead_letter_queue_without_blocking_its_batch(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, sqs = localstack.boto3.client("s3"), localstack.boto3.client("sqs")
    bucket = pipeline.deployment.bucket
    # Given a corrupt validated object and a good one delivered in the same batch
    s3.put_object(Bucket=bucket, Key="validated/bad.jsonl.gz", Body=b"this is not gzip")
    good = gzip.compress(
        json.dumps(
            {
                "request_id": "r-1",
                "timestamp": "2026-02-03T08:01:00Z",
                "customer_account": "acct-9",
                "source_format": "gateway",
                "source_key": "raw/x",
                "line_number": 1,
                "prompt": "[user]\nHow do I boil an egg?",
                "template_fingerprint": "t",
            }
        ).encode()
    )
    s3.put_object(Bucket=bucket, Key="validated/good.jsonl.gz", Body=good)
    # When the pipeline drains
    pipeline.run()
    # Then the good object is classified, and the bad one waits in the classify DLQ after its retries
    assert s3.get_object(Bucket=bucket, Key="verdicts/good.jsonl.gz")["ContentLength"] > 0
    dead = [url for url in pipeline.deployment.dead_letter_queue_urls if "Classify" in url]
    messages = sqs.receive_message(QueueUrl=dead[0], MaxNumberOfMessages=10)["Messages"]
    keys = [unquote_plus(json.loads(m["Body"])["Records"][0]["s3"]["object"]["key"]) for m in messages]
    assert keys == ["validated/bad.jsonl.gz"]
    assert pipeline.mappings.stats["ClassifyFunction"].failed_messages == 5


def test_keys_with_spaces_and_plus_signs_are_validated_and_quarantine_keeps_reasons(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3 = localstack.boto3.client("s3")
    bucket, raw = pipeline.deployment.bucket, pipeline.deployment.raw_prefix
    line = {
        "ts": (HOUR + timedelta(minutes=3)).timestamp(),
        "request_id": "r-1",
        "account_id": "acct-5",
        "request": {"messages": [{"role": "user", "content": "Translate 'good morning' into Italian."}]},
        "status": 200,
    }
    body = json.dumps(line) + "\n" + json.dumps(line | {"request_id": "r-2", "ts": "yesterday"}) + "\n"
    key = f"{raw}gateway/2026/02/03/08/export 1+2.jsonl"
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    pipeline.run()
    manifest = json.loads(
        s3.get_object(Bucket=bucket, Key="manifests/validate/gateway/2026/02/03/08/export 1+2.jsonl.json")[
            "Body"
        ].read()
    )
    assert (manifest["records_in"], manifest["valid"], manifest["quarantined"]) == (2, 1, 1)
    quarantined = gzip.decompress(
        s3.get_object(Bucket=bucket, Key="quarantine/gateway/2026/02/03/08/export 1+2.jsonl.jsonl.gz")["Body"].read()
    )
    (row,) = [json.loads(text) for text in quarantined.splitlines()]
    assert (row["line_number"], row["reason"]) == (2, "schema:ts")
