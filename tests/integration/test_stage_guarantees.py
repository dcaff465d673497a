"""What the stages promise under redelivery, bad objects and odd keys, on the emulator."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

import pytest

from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import decode_evidence, evidence_pk, shard_of
from distillguard.local.pipeline import LocalPipeline, local_pipeline
from distillguard.local.runner import LocalLambdaContext
from distillguard.validation import BatchManifest
from tests.verdict_objects import HOUR, verdict_object

pytestmark = pytest.mark.integration


@pytest.fixture
def pipeline(endpoint: object) -> Iterator[LocalPipeline]:
    with local_pipeline(stack_name="dg-test") as (_, running):
        yield running


def evidence_prompts(localstack: Any, pipeline: LocalPipeline, account: str, hours: int) -> list[int]:
    """Prompts recorded per event-time hour for one account, read straight from the table."""
    dynamodb = localstack.boto3.client("dynamodb")
    shards = int(pipeline.deployment.functions["AggregateFunction"].environment["EVIDENCE_SHARDS"])
    totals = []
    for hour in range(hours):
        items = dynamodb.query(
            TableName=pipeline.deployment.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :account)",
            ExpressionAttributeValues={
                ":pk": {"S": evidence_pk(HOUR + timedelta(hours=hour), shard_of(account, shards))},
                ":account": {"S": f"{account}#"},
            },
            ConsistentRead=True,
        )["Items"]
        totals.append(sum(decode_evidence(item["evidence"]).prompts for item in items))
    return totals


def notification(bucket: str, key: str) -> str:
    record = {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}
    return json.dumps({"Records": [record]})


def queue_url(pipeline: LocalPipeline, function_id: str) -> str:
    return next(s.queue_url for s in pipeline.deployment.event_sources if s.function_id == function_id)


def test_a_redelivered_verdict_object_counts_once_and_notifies_once(localstack: Any, pipeline: LocalPipeline) -> None:
    # Given eight hours of chain-of-thought harvesting from one account, aggregated and correlated once
    s3 = localstack.boto3.client("s3")
    key = "verdicts/gateway/2026/02/03/08/batch-1.jsonl.gz"
    s3.put_object(
        Bucket=pipeline.deployment.bucket, Key=key, Body=verdict_object("acct-bulk-1", "cot_harvesting", 8, 30)
    )
    first = pipeline.run()
    before = evidence_prompts(localstack, pipeline, "acct-bulk-1", 8)
    # When SQS delivers the same notification again
    localstack.boto3.client("sqs").send_message(
        QueueUrl=queue_url(pipeline, "AggregateFunction"), MessageBody=notification(pipeline.deployment.bucket, key)
    )
    after_redelivery = pipeline.run()
    # Then the evidence is unchanged and nothing is published again: one lone-account finding, as OCSF
    assert evidence_prompts(localstack, pipeline, "acct-bulk-1", 8) == before == [30] * 8
    assert [(f.activity, f.kind, f.members) for f in first] == [("create", "account", ["acct-bulk-1"])]
    assert after_redelivery == []
    # flagged once six hours of sustained harvesting were seen, at the evidence's own event time
    assert first[0].time == HOUR + timedelta(hours=6)
    assert list(first[0].evidence["networks"]) == ["198.51.100.0/24"]


def test_a_batch_mixing_a_counted_object_and_a_new_one_counts_each_exactly_once(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, sqs = localstack.boto3.client("s3"), localstack.boto3.client("sqs")
    bucket, queue = pipeline.deployment.bucket, queue_url(pipeline, "AggregateFunction")
    # Given object A already counted, and object B (another source object) written without a notification
    s3.put_object(Bucket=bucket, Key="verdicts/a.jsonl.gz", Body=verdict_object("acct-mixed", "ordinary", 1, 4))
    pipeline.run()
    body = verdict_object("acct-mixed", "ordinary", 1, 6, source_key="raw/gateway/y.jsonl")
    s3.put_object(Bucket=bucket, Key="other/b.jsonl.gz", Body=body)
    s3.copy_object(Bucket=bucket, Key="verdicts/b.jsonl.gz", CopySource={"Bucket": bucket, "Key": "other/b.jsonl.gz"})
    sqs.purge_queue(QueueUrl=queue)
    # When one batch delivers A again together with B
    for key in ("verdicts/a.jsonl.gz", "verdicts/b.jsonl.gz"):
        sqs.send_message(QueueUrl=queue, MessageBody=notification(bucket, key))
    pipeline.run()
    # Then the hour holds A once and B once
    assert evidence_prompts(localstack, pipeline, "acct-mixed", 1) == [10]


def test_subscribers_can_filter_findings_on_their_attributes(localstack: Any, pipeline: LocalPipeline) -> None:
    # Given a subscription that wants lone-account findings only
    sqs, sns = localstack.boto3.client("sqs"), localstack.boto3.client("sns")
    url = sqs.create_queue(QueueName=f"{pipeline.deployment.bucket[:40]}-pager")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=pipeline.deployment.topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"finding_type": ["account"]})},
    )
    # When one account harvests all day and a cluster-only subscriber would not hear of it
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket,
        Key="verdicts/x/batch.jsonl.gz",
        Body=verdict_object("acct-bulk-2", "cot_harvesting", 8, 25),
    )
    published = pipeline.run()
    # Then the pager queue receives that finding, with the attributes a filter policy can use
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert len(published) == 1
    assert [json.loads(m["Body"])["finding_info"]["uid"] for m in received] == [published[0].uid]


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
    (manifest_key,) = pipeline.objects.keys("manifests/validate/")
    manifest = BatchManifest.model_validate(pipeline.objects.get_json(manifest_key))
    (report,) = manifest.objects
    assert (report.source_key, report.records_in, report.valid, report.quarantined) == (key, 2, 1, 1)
    assert manifest.quarantine_key is not None
    quarantined = gzip.decompress(s3.get_object(Bucket=bucket, Key=manifest.quarantine_key)["Body"].read())
    (row,) = [json.loads(text) for text in quarantined.splitlines()]
    assert (row["line_number"], row["reason"]) == (2, "schema:ts")


def test_findings_are_forwarded_to_security_hub_when_the_parameter_is_on(localstack: Any, endpoint: object) -> None:
    # Given a stack deployed with ForwardToSecurityHub=true (it is off by default)
    with local_pipeline(stack_name="dg-hub", parameter_overrides={"ForwardToSecurityHub": "true"}) as (_, pipeline):
        localstack.boto3.client("s3").put_object(
            Bucket=pipeline.deployment.bucket,
            Key="verdicts/hub/batch.jsonl.gz",
            Body=verdict_object("acct-bulk-hub", "cot_harvesting", 8, 25),
        )
        # When a lone harvester is found
        published = pipeline.run()
    # Then Security Hub holds the same incident, by its uid, with the member account as a resource
    hub = client("securityhub")  # pytest-localstack's session does not know Security Hub
    found = hub.get_findings(Filters={"Id": [{"Value": published[0].uid, "Comparison": "EQUALS"}]})["Findings"]
    assert [f["Id"] for f in found] == [published[0].uid]
    assert found[0]["Resources"][0]["Id"] == "customer-account/acct-bulk-hub"
    assert found[0]["Severity"]["Label"] == "MEDIUM"


def test_under_load_the_aggregate_function_gets_full_batches_and_stays_inside_dynamodb_limits(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # Given 150 verdict objects of one busy account in one hour, all waiting on the aggregate queue
    s3 = localstack.boto3.client("s3")
    for index in range(150):
        body = verdict_object("acct-busy", "ordinary", 1, 2, source_key=f"raw/gateway/part-{index}.jsonl")
        s3.put_object(Bucket=pipeline.deployment.bucket, Key=f"verdicts/busy/{index:03d}.jsonl.gz", Body=body)
    # When the pipeline drains them as Lambda does under load
    pipeline.run()
    # Then two invocations of BatchSize 100 and 50 counted every object once (every DynamoDB request passed the
    # limits hook: the old per-object condition had 301 operators at this batch size)
    stats = pipeline.mappings.stats["AggregateFunction"]
    assert (stats.invocations, stats.failed_messages) == (2, 0)
    assert stats.messages >= 150  # plus the s3:TestEvent the emulator sends when notifications are configured
    assert evidence_prompts(localstack, pipeline, "acct-busy", 1) == [300]


def test_a_backfill_batch_from_the_distributed_map_is_validated_once_however_often_it_is_retried(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, bucket, raw = localstack.boto3.client("s3"), pipeline.deployment.bucket, pipeline.deployment.raw_prefix
    line = {
        "ts": (HOUR + timedelta(minutes=5)).timestamp(),
        "account_id": "acct-backfill",
        "request": {"messages": [{"role": "user", "content": "Summarise the attached meeting notes in two lines."}]},
        "status": 200,
    }
    keys = [f"{raw}gateway/2026/02/03/08/old-{index}.jsonl" for index in range(3)]
    for index, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(line | {"request_id": f"r-{index}"}).encode())
    localstack.boto3.client("sqs").purge_queue(QueueUrl=next(iter(pipeline.deployment.event_sources)).queue_url)
    # Given the batch Step Functions' Distributed Map hands the validate function (ItemReader s3:listObjectsV2)
    batch = {"Items": [{"Key": key, "Size": 200, "Etag": '"e"', "StorageClass": "STANDARD"} for key in keys]}
    batch["Items"].append({"Key": f"{raw}gateway/2026/02/03/08/", "Size": 0})  # a folder marker
    validate = pipeline.mappings.handlers["ValidateFunction"]
    # When it is invoked, then retried by Step Functions, and the pipeline drains
    assert validate(batch, LocalLambdaContext("ValidateFunction")) == {"objects": 3}
    assert validate(batch, LocalLambdaContext("ValidateFunction")) == {"objects": 3}
    pipeline.run()
    # Then the three objects are one batch and their three requests are counted once
    assert len(pipeline.objects.keys("manifests/validate/")) == 1
    assert evidence_prompts(localstack, pipeline, "acct-backfill", 1) == [3]
    summary = pipeline.summary(0)
    assert (summary.objects, summary.records_total, summary.prompts_classified) == (3, 3, 3)


def test_a_backfill_batch_with_an_object_that_cannot_be_read_fails_whole_for_step_functions_to_retry(
    pipeline: LocalPipeline,
) -> None:
    batch = {"Items": [{"Key": f"{pipeline.deployment.raw_prefix}gateway/2026/02/03/08/gone.jsonl"}]}
    with pytest.raises(RuntimeError, match="1 of 1 objects failed"):
        pipeline.mappings.handlers["ValidateFunction"](batch, LocalLambdaContext("ValidateFunction"))
