"""Faults injected against the emulator, redeliveries and replays: what a user notices, and that afterwards no
record is counted twice and none is lost (evidence prompts equal the records put; each finding uid + revision is
published exactly once). The faults are botocore event hooks (`tests.faults`) on the handlers' clients."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError

from distillguard.adapters.dynamodb import decode_evidence
from distillguard.local.pipeline import LocalPipeline, local_pipeline, log_files
from distillguard.simulate import simulate
from tests import faults
from tests.verdict_objects import HOUR, verdict_object

pytestmark = pytest.mark.integration
STAGES = ("ValidateFunction", "ClassifyFunction", "AggregateFunction")
MAX_RECEIVES = 5  # the stage queues' maxReceiveCount in template.yaml


@pytest.fixture
def pipeline(endpoint: object) -> Iterator[LocalPipeline]:
    faults.install()  # before local_pipeline() makes the clients the handler modules keep
    with local_pipeline(stack_name="dg-faults") as (_, running):
        yield running


# --- what the tests put --------------------------------------------------------------------------------------


def gateway_log(*groups: tuple[str, int, int]) -> bytes:
    """A raw gateway log: for each (account, hour offset, count), that many ordinary requests in that hour."""
    lines = [
        json.dumps(
            {
                "ts": (HOUR + timedelta(hours=hour, minutes=index)).timestamp(),
                "request_id": f"{account}-{hour}-{index}",
                "account_id": account,
                "request": {
                    "messages": [{"role": "user", "content": f"Translate 'good morning {index}' into Italian."}]
                },
                "status": 200,
            }
        )
        for account, hour, count in groups
        for index in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


def raw_key(pipeline: LocalPipeline, name: str) -> str:
    return f"{pipeline.deployment.raw_prefix}gateway/2026/02/03/08/{name}.jsonl"


def notification(bucket: str, key: str) -> str:
    record = {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}
    return json.dumps({"Records": [record]})


# --- what the tests read back (with pytest-localstack's clients, which no fault touches) --------------------


def evidence(localstack: Any, pipeline: LocalPipeline) -> Counter[tuple[str, int]]:
    """Prompts recorded per (account, hour after HOUR), summed over every evidence item of the table."""
    totals: Counter[tuple[str, int]] = Counter()
    for page in (
        localstack.boto3.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=pipeline.deployment.table,
            FilterExpression="begins_with(pk, :evidence)",
            ExpressionAttributeValues={":evidence": {"S": "EVIDENCE#"}},
            ConsistentRead=True,
        )
    ):
        for raw in page["Items"]:
            item = decode_evidence(raw["evidence"])
            totals[(item.account, (item.hour - HOUR) // timedelta(hours=1))] += item.prompts
    return totals


def outbox(localstack: Any, pipeline: LocalPipeline) -> list[str]:
    """The uids of the findings committed but not yet published."""
    items = localstack.boto3.client("dynamodb").query(
        TableName=pipeline.deployment.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "OUTBOX"}},
        ConsistentRead=True,
    )["Items"]
    return [json.loads(item["entry"]["S"])["incident_uid"] for item in items]


def published_once(pipeline: LocalPipeline) -> bool:
    """Every finding the topic delivered, by uid and revision, was delivered exactly once."""
    counts = Counter((finding.uid, finding.revision) for finding in pipeline.findings)
    return all(count == 1 for count in counts.values())


def queue_url(pipeline: LocalPipeline, function_id: str) -> str:
    return next(s.queue_url for s in pipeline.deployment.event_sources if s.function_id == function_id)


def dead_letters(localstack: Any, pipeline: LocalPipeline, function_id: str) -> list[str]:
    """The bodies waiting in a stage's dead-letter queue (found through its queue's redrive policy)."""
    sqs = localstack.boto3.client("sqs")
    policy = sqs.get_queue_attributes(QueueUrl=queue_url(pipeline, function_id), AttributeNames=["RedrivePolicy"])
    name = json.loads(policy["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[-1]
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages"):
        bodies += [message["Body"] for message in messages]
    return bodies


def announced_key(body: str) -> str:
    return unquote_plus(json.loads(body)["Records"][0]["s3"]["object"]["key"])


@dataclass
class Invocation:
    messages: int
    failed: int


@pytest.fixture
def invocations(pipeline: LocalPipeline) -> dict[str, list[Invocation]]:
    """Per stage, each invocation's batch size and the messages it reported failed (all of them if it raised)."""
    seen: dict[str, list[Invocation]] = {stage: [] for stage in STAGES}
    for stage in STAGES:
        handler = pipeline.mappings.handlers[stage]

        def recorded(event: dict[str, Any], context: Any, handler: Any = handler, stage: str = stage) -> Any:
            messages = len(event["Records"])
            try:
                result = handler(event, context)
            except BaseException:  # an invocation killed (tests.faults.Crash) fails as a whole, too
                seen[stage].append(Invocation(messages, messages))
                raise
            seen[stage].append(Invocation(messages, len((result or {}).get("batchItemFailures", []))))
            return result

        pipeline.mappings.handlers[stage] = recorded
    return seen


# --- faults --------------------------------------------------------------------------------------------------


def test_throttled_dynamodb_writes_are_retried_by_botocore_and_nothing_is_counted_twice(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # Given eight hours of chain-of-thought harvesting by one account, in two verdict objects
    s3, bucket = localstack.boto3.client("s3"), pipeline.deployment.bucket
    for part in ("a", "b"):
        body = verdict_object("acct-harvest", "cot_harvesting", 8, 15, source_key=f"raw/gateway/{part}.jsonl")
        s3.put_object(Bucket=bucket, Key=f"verdicts/throttle/{part}.jsonl.gz", Body=body)
    # When DynamoDB throttles the aggregate's evidence writes twice and the correlator's commit once
    batch_write = [
        faults.ErrorResponse("dynamodb", "BatchWriteItem", "ProvisionedThroughputExceededException", 400),
        faults.ErrorResponse("dynamodb", "BatchWriteItem", "ThrottlingException", 400),
    ]
    commit = faults.ErrorResponse("dynamodb", "TransactWriteItems", "ThrottlingException", 400)
    with faults.inject(*batch_write, commit):
        published = pipeline.run()
    # Then botocore's retries absorbed them: the first write succeeded on its third attempt, the commit on its
    # second, no message failed, every prompt is counted once and the finding is published once
    assert batch_write[0].retry_attempts[0] == 2 and commit.retry_attempts[0] == 1
    assert pipeline.mappings.stats["AggregateFunction"].failed_messages == 0
    assert evidence(localstack, pipeline) == {("acct-harvest", hour): 30 for hour in range(8)}
    assert [(f.activity, f.members) for f in published] == [("create", ["acct-harvest"])]
    assert published_once(pipeline) and outbox(localstack, pipeline) == []


def test_a_commit_cancelled_for_item_throttling_fails_the_run_and_the_next_run_commits_the_hour_once(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # Given a lone harvester's verdicts, aggregated
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket,
        Key="verdicts/cancelled/batch.jsonl.gz",
        Body=verdict_object("acct-cancel", "cot_harvesting", 8, 30, source_key="raw/gateway/c.jsonl"),
    )
    # When DynamoDB cancels the correlator's first commit for item-level throttling (not retried by botocore:
    # a TransactionCanceledException is not a throttling error code)
    reasons = [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity of your table"}]
    cancelled = faults.ErrorResponse(
        "dynamodb", "TransactWriteItems", "TransactionCanceledException", 400, extra={"CancellationReasons": reasons}
    )
    with faults.inject(cancelled), pytest.raises(ClientError, match="TransactionCanceledException"):
        pipeline.run()
    # Then that invocation fails (what the operator sees: the correlate function's Errors alarm), and the next
    # scheduled run commits the hour and publishes its finding, once
    published = pipeline.run()
    assert [(f.activity, f.members) for f in published] == [("create", ["acct-cancel"])]
    assert pipeline.run() == [] and published_once(pipeline)
    assert evidence(localstack, pipeline) == {("acct-cancel", hour): 30 for hour in range(8)}


@pytest.mark.parametrize(
    ("code", "status"),
    [
        # SNS's throttling error: botocore's standard mode does not retry it (its code is not in botocore's list
        # of throttling codes, and 429 is not among its transient statuses), so the outbox is what saves it
        ("Throttled", 429),
        ("KMSDisabled", 400),  # the topic's key disabled: not retryable at all
    ],
)
def test_a_finding_sns_refused_stays_in_the_outbox_and_the_next_run_publishes_it_exactly_once(
    localstack: Any, pipeline: LocalPipeline, code: str, status: int
) -> None:
    # Given a lone harvester's verdicts
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket,
        Key="verdicts/sns/batch.jsonl.gz",
        Body=verdict_object("acct-sns", "cot_harvesting", 8, 30, source_key="raw/gateway/s.jsonl"),
    )
    # When SNS refuses the publication
    refused = faults.ErrorResponse("sns", "Publish", code, status)
    with faults.inject(refused), pytest.raises(ClientError, match=code):
        pipeline.run()
    # Then the correlate invocation fails, nothing reached subscribers, and the finding waits in the outbox
    assert pipeline.findings == []
    (waiting,) = outbox(localstack, pipeline)
    # And the next run publishes it, exactly once, and empties the outbox; a third run publishes nothing
    published = pipeline.run()
    assert [(f.uid, f.activity, f.members) for f in published] == [(waiting, "create", ["acct-sns"])]
    assert outbox(localstack, pipeline) == [] and pipeline.run() == []
    assert published_once(pipeline)


def test_s3_slow_down_in_every_stage_is_retried_by_botocore_and_every_record_is_counted_once(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # Given a raw gateway log of two accounts
    bucket = pipeline.deployment.bucket
    localstack.boto3.client("s3").put_object(
        Bucket=bucket, Key=raw_key(pipeline, "slow"), Body=gateway_log(("acct-s1", 0, 4), ("acct-s2", 1, 3))
    )
    # When S3 answers 503 SlowDown to the first read of each stage
    slow_downs = [
        faults.ErrorResponse("s3", "GetObject", "SlowDown", 503, matching=f"/{bucket}/{prefix}")
        for prefix in (pipeline.deployment.raw_prefix, "validated/", "verdicts/")
    ]
    with faults.inject(*slow_downs):
        pipeline.run()
    # Then each read succeeded on botocore's second attempt, no message failed, and each record counts once
    assert [fault.retry_attempts[0] for fault in slow_downs] == [1, 1, 1]
    assert all(pipeline.mappings.stats[stage].failed_messages == 0 for stage in STAGES)
    assert evidence(localstack, pipeline) == {("acct-s1", 0): 4, ("acct-s2", 1): 3}


def test_a_deleted_object_fails_alone_in_its_batch_ends_in_the_dead_letter_queue_and_its_reason_is_logged(
    localstack: Any, pipeline: LocalPipeline, invocations: dict[str, list[Invocation]]
) -> None:
    s3, bucket = localstack.boto3.client("s3"), pipeline.deployment.bucket
    # Given, for each stage, an object announced and deleted before it is read, next to a good one
    s3.put_object(Bucket=bucket, Key=raw_key(pipeline, "good"), Body=gateway_log(("acct-d1", 0, 5)))
    gone = {
        "ValidateFunction": raw_key(pipeline, "gone"),
        "ClassifyFunction": "validated/gateway/2026/02/03/08/gone.jsonl.jsonl.gz",
        "AggregateFunction": "verdicts/gateway/2026/02/03/08/gone.jsonl.jsonl.gz",
    }
    for key in gone.values():
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(b"{}\n"))
        s3.delete_object(Bucket=bucket, Key=key)
    # When the pipeline drains
    with faults.captured_logs() as logs:
        pipeline.run()
    # Then in each stage the batch holding both reported only the deleted object failed (partial batch
    # response), the deleted one was received maxReceiveCount times and now waits in that stage's DLQ
    for stage, key in gone.items():
        first = invocations[stage][0]
        assert first.messages >= 2 and first.failed == 1, (stage, invocations[stage])
        assert pipeline.mappings.stats[stage].failed_messages == MAX_RECEIVES, stage
        assert [announced_key(body) for body in dead_letters(localstack, pipeline, stage)] == [key], stage
    # And the good object's records are counted once
    assert evidence(localstack, pipeline) == {("acct-d1", 0): 5}
    # And every stage logged why, with the key
    failures = [line for line in logs if line["level"] == "ERROR"]
    validate = [line for line in failures if line["message"] == "validation failed"]
    aggregate = [line for line in failures if line["message"] == "aggregation failed"]
    classify = [line for line in failures if line["message"] == "classification failed"]
    assert {line["correlation_id"] for line in validate} == {gone["ValidateFunction"]}
    assert {line["key"] for line in aggregate} == {gone["AggregateFunction"]}
    assert {line["key"] for line in classify} == {gone["ClassifyFunction"]}
    assert all("NoSuchKey" in line["error"] for line in validate + aggregate + classify)


def test_invocations_killed_mid_batch_are_redelivered_and_nothing_is_counted_twice(
    localstack: Any, pipeline: LocalPipeline, invocations: dict[str, list[Invocation]]
) -> None:
    # Given two raw logs, and two verdict objects of a lone harvester
    s3, bucket = localstack.boto3.client("s3"), pipeline.deployment.bucket
    s3.put_object(Bucket=bucket, Key=raw_key(pipeline, "k1"), Body=gateway_log(("acct-k1", 0, 3)))
    s3.put_object(Bucket=bucket, Key=raw_key(pipeline, "k2"), Body=gateway_log(("acct-k2", 1, 2)))
    for part in ("a", "b"):
        body = verdict_object("acct-killed", "cot_harvesting", 8, 15, source_key=f"raw/gateway/{part}.jsonl")
        s3.put_object(Bucket=bucket, Key=f"verdicts/killed/{part}.jsonl.gz", Body=body)
    # When the first validate invocation dies after writing its first output (before its manifest), and the
    # first aggregate invocation dies after writing its evidence (before advancing the watermark)
    validate_dies = faults.Crash("s3", "PutObject", after=2)
    aggregate_dies = faults.Crash("dynamodb", "UpdateItem")
    with faults.killed_invocations(pipeline.mappings), faults.inject(validate_dies, aggregate_dies):
        published = pipeline.run()
    # Then those whole batches were redelivered and succeeded (classify saw the first object twice: once from
    # the killed run's output, once from the retry's)
    assert invocations["ValidateFunction"][0].failed == invocations["ValidateFunction"][0].messages >= 2
    assert invocations["AggregateFunction"][0].failed == invocations["AggregateFunction"][0].messages >= 2
    assert pipeline.mappings.stats["ClassifyFunction"].messages >= 3
    assert dead_letters(localstack, pipeline, "ValidateFunction") == []
    assert dead_letters(localstack, pipeline, "AggregateFunction") == []
    # And every record counts once, and the harvester's finding is published once
    expected = {("acct-k1", 0): 3, ("acct-k2", 1): 2} | {("acct-killed", hour): 30 for hour in range(8)}
    assert evidence(localstack, pipeline) == expected
    assert [(f.activity, f.members) for f in published] == [("create", ["acct-killed"])]
    assert published_once(pipeline)


def test_a_poison_message_reaches_the_dead_letter_queue_without_blocking_its_batch(
    localstack: Any, pipeline: LocalPipeline, invocations: dict[str, list[Invocation]]
) -> None:
    # Given a message that is not an S3 event in each stage's queue, next to a real notification
    sqs = localstack.boto3.client("sqs")
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket, Key=raw_key(pipeline, "beside-poison"), Body=gateway_log(("acct-p", 0, 3))
    )
    poison = "<html>502 Bad Gateway</html>"
    for stage in STAGES:
        sqs.send_message(QueueUrl=queue_url(pipeline, stage), MessageBody=poison)
    # When the pipeline drains
    pipeline.run()
    # Then each stage failed the poison message alone, which waits in that stage's DLQ, and the real
    # object's records are counted once
    for stage in STAGES:
        first = invocations[stage][0]
        assert first.messages >= 2 and first.failed == 1, (stage, invocations[stage])
        assert dead_letters(localstack, pipeline, stage) == [poison], stage
    assert evidence(localstack, pipeline) == {("acct-p", 0): 3}


def test_a_json_message_that_is_not_an_s3_event_reaches_the_dead_letter_queue(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # Given an S3 event delivered inside an SNS envelope, in each stage's queue
    sqs, bucket = localstack.boto3.client("sqs"), pipeline.deployment.bucket
    wrapped = json.dumps({"Type": "Notification", "Message": notification(bucket, raw_key(pipeline, "wrapped"))})
    for stage in STAGES:
        sqs.send_message(QueueUrl=queue_url(pipeline, stage), MessageBody=wrapped)
    # When the pipeline drains
    pipeline.run()
    # Then each stage failed it to its DLQ instead of dropping it
    assert [dead_letters(localstack, pipeline, stage) for stage in STAGES] == [[wrapped]] * len(STAGES)


def test_every_stage_logs_why_a_message_failed_with_its_message_id_or_key(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    sqs, s3, bucket = localstack.boto3.client("sqs"), localstack.boto3.client("s3"), pipeline.deployment.bucket
    # Given a poison message in each stage's queue, and a validated object deleted before classify reads it
    poison_ids = {
        stage: sqs.send_message(QueueUrl=queue_url(pipeline, stage), MessageBody="<html>502</html>")["MessageId"]
        for stage in STAGES
    }
    gone = "validated/gateway/2026/02/03/08/gone.jsonl.jsonl.gz"
    s3.put_object(Bucket=bucket, Key=gone, Body=gzip.compress(b"{}\n"))
    s3.delete_object(Bucket=bucket, Key=gone)
    s3.put_object(Bucket=bucket, Key=raw_key(pipeline, "good"), Body=gateway_log(("acct-l", 0, 2)))
    # When the pipeline drains
    with faults.captured_logs() as logs:
        pipeline.run()
    # Then each stage's own log lines name what failed
    own = [line for line in logs if line["level"] in ("WARNING", "ERROR") and line["message"] != "handler raised"]

    def logged(stage: str, text: str) -> bool:
        return any(text in json.dumps(line) for line in own if line.get("function_name") == stage)

    assert {stage: logged(stage, poison_ids[stage]) for stage in STAGES} == dict.fromkeys(STAGES, True)
    assert logged("ClassifyFunction", gone)


# --- redelivery and replays ----------------------------------------------------------------------------------


def test_the_same_object_delivered_twice_counts_once_and_notifies_once(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, sqs, bucket = localstack.boto3.client("s3"), localstack.boto3.client("sqs"), pipeline.deployment.bucket
    # Given a raw log and a harvester's verdict object, counted and correlated once
    key = raw_key(pipeline, "twice")
    s3.put_object(Bucket=bucket, Key=key, Body=gateway_log(("acct-t", 0, 4)))
    verdicts = "verdicts/twice/batch.jsonl.gz"
    s3.put_object(
        Bucket=bucket, Key=verdicts, Body=verdict_object("acct-t2", "cot_harvesting", 8, 30, "raw/gateway/t.jsonl")
    )
    first = pipeline.run()
    before = evidence(localstack, pipeline)
    # When S3 announces both again (at-least-once delivery), the raw one twice in the same batch
    for queue, announced in (("ValidateFunction", key), ("ValidateFunction", key), ("AggregateFunction", verdicts)):
        sqs.send_message(QueueUrl=queue_url(pipeline, queue), MessageBody=notification(bucket, announced))
    again = pipeline.run()
    # Then the counts are those of the first delivery, and no finding is published again
    assert before == {("acct-t", 0): 4} | {("acct-t2", hour): 30 for hour in range(8)}
    assert evidence(localstack, pipeline) == before
    assert [(f.activity, f.members) for f in first] == [("create", ["acct-t2"])]
    assert again == [] and published_once(pipeline)


@pytest.fixture(scope="module")
def few_simulated_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handful of the tiny simulation's files (every 60th, across its three formats), as a folder to drop."""
    full = tmp_path_factory.mktemp("simulated")
    simulate(full, seed=11, scale="tiny")
    folder = tmp_path_factory.mktemp("few")
    for path in log_files(full)[::60]:
        target = folder / path.relative_to(full)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return folder


def test_the_same_folder_replayed_twice_against_one_emulator_changes_no_count_and_publishes_nothing_new(
    localstack: Any, pipeline: LocalPipeline, few_simulated_files: Path
) -> None:
    # Given a folder of simulated logs, replayed once, plus a harvester so there is a finding to repeat
    localstack.boto3.client("s3").put_object(
        Bucket=pipeline.deployment.bucket,
        Key="verdicts/replay/batch.jsonl.gz",
        Body=verdict_object("acct-replay", "cot_harvesting", 8, 30, "raw/gateway/r.jsonl"),
    )
    dropped = pipeline.drop(few_simulated_files)
    first = pipeline.run()
    counted = evidence(localstack, pipeline)
    summary = pipeline.summary(0)
    # When the same folder is dropped again (same keys, same bytes) and the pipeline drains
    assert pipeline.drop(few_simulated_files) == dropped
    again = pipeline.run()
    # Then every valid record is counted, once; the counts do not move; nothing is published again
    assert pipeline.mappings.stats["ValidateFunction"].messages >= 2 * dropped  # the replay did go through
    assert summary.adds_up and summary.dead_lettered_messages == 0 and summary.prompts_classified > 0
    assert sum(counted.values()) == summary.prompts_classified + 8 * 30
    assert evidence(localstack, pipeline) == counted
    assert pipeline.summary(0).records_total == summary.records_total  # manifests overwritten, not added
    assert len(first) >= 1 and again == [] and published_once(pipeline)


def test_an_overwritten_object_replaces_its_evidence_for_the_account_hours_it_still_holds(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    # The rule: evidence is keyed by (event hour, account, source object). A new version of an object
    # replaces, for each account-hour it holds, what the old version recorded for that account-hour; the
    # account-hours only the old version held keep the old version's counts (nothing deletes them), and the
    # account-hours only the new version holds are added. The stage manifests describe the new version only.
    s3, bucket, key = localstack.boto3.client("s3"), pipeline.deployment.bucket, raw_key(pipeline, "rewritten")
    # Given a raw log of accounts a (hours 0 and 1) and b (hour 0), counted
    s3.put_object(Bucket=bucket, Key=key, Body=gateway_log(("acct-a", 0, 3), ("acct-a", 1, 2), ("acct-b", 0, 4)))
    pipeline.run()
    assert evidence(localstack, pipeline) == {("acct-a", 0): 3, ("acct-a", 1): 2, ("acct-b", 0): 4}
    # When the object is overwritten with a (hour 0, five requests) and c (hour 2)
    s3.put_object(Bucket=bucket, Key=key, Body=gateway_log(("acct-a", 0, 5), ("acct-c", 2, 1)))
    pipeline.run()
    # Then a's hour 0 holds the new count, a's hour 1 and b's hour 0 keep the old version's, c's is added
    assert evidence(localstack, pipeline) == {("acct-a", 0): 5, ("acct-a", 1): 2, ("acct-b", 0): 4, ("acct-c", 2): 1}
    assert pipeline.summary(0).records_total == 6


def test_raw_objects_validated_again_in_batches_of_another_composition_count_once_and_none_is_lost(
    localstack: Any, pipeline: LocalPipeline
) -> None:
    s3, sqs, bucket = localstack.boto3.client("s3"), localstack.boto3.client("sqs"), pipeline.deployment.bucket
    validate_queue = queue_url(pipeline, "ValidateFunction")
    keys = {name: raw_key(pipeline, name) for name in "abcd"}
    # Given objects a, b and c validated as one batch, classified, aggregated and summarised
    for name, hour in (("a", 0), ("b", 0), ("c", 1)):
        s3.put_object(Bucket=bucket, Key=keys[name], Body=gateway_log((f"acct-{name}", hour, 2), ("acct-all", hour, 1)))
    pipeline.run()
    before = evidence(localstack, pipeline)
    assert before == {("acct-a", 0): 2, ("acct-b", 0): 2, ("acct-c", 1): 2, ("acct-all", 0): 2, ("acct-all", 1): 1}
    # When validate's messages come back (its invocation died after writing) and the poller batches them anew
    # as {a, b} and then {c, d}, with d a new object
    s3.put_object(Bucket=bucket, Key=keys["d"], Body=gateway_log(("acct-all", 1, 3)))
    sqs.purge_queue(QueueUrl=validate_queue)
    for batch in (("a", "b"), ("c", "d")):
        for name in batch:
            sqs.send_message(QueueUrl=validate_queue, MessageBody=notification(bucket, keys[name]))
        pipeline.run()
    # Then every record of a, b and c is counted once, d's records are added, and the summary adds up per object
    assert evidence(localstack, pipeline) == before | {("acct-all", 1): 4}
    summary = pipeline.summary(0)
    assert (summary.objects, summary.records_total, summary.prompts_classified) == (4, 12, 12)
    assert summary.adds_up and summary.dead_lettered_messages == 0
    assert len(pipeline.objects.keys("manifests/validate/")) == 3  # {a, b, c}, {a, b}, {c, d}
