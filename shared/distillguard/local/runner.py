"""Delivers queued messages to the real handlers the way Lambda's SQS event source mapping does: batches of
the template's BatchSize, the real event shape, `batchItemFailures` honoured (failed messages become
visible again and reach the DLQ after the queue's maxReceiveCount)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from distillguard.classification.stage import batched
from distillguard.local.provision import LOCAL_REGION, Deployment, EventSource, FunctionSpec
from distillguard.observability import logger, metrics

Handler = Callable[[dict[str, Any], Any], Any]
SQS_BATCH_LIMIT = 10  # messages per receive, entries per SQS batch request


@dataclass
class LocalLambdaContext:
    """The attributes Powertools and handlers read from Lambda's context object."""

    function_name: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def load_handler(spec: FunctionSpec) -> Handler:
    """Imports a function's handler module from its code folder, under a name unique to the function."""
    module_name, attribute = spec.handler.rsplit(".", 1)
    path = spec.code_dir / f"{module_name}.py"
    unique_name = f"distillguard_function_{spec.logical_id}"
    module_spec = importlib.util.spec_from_file_location(unique_name, path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module: ModuleType = importlib.util.module_from_spec(module_spec)
    sys.modules[unique_name] = module
    module_spec.loader.exec_module(module)
    return getattr(module, attribute)  # type: ignore[no-any-return]


def sqs_event(messages: list[dict[str, Any]], source: EventSource) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324  # nosec B324  # SQS's MD5OfBody checksum, not security
                "eventSource": "aws:sqs",
                "eventSourceARN": source.queue_arn,
                "awsRegion": LOCAL_REGION,
            }
            for message in messages
        ]
    }


def scheduled_event(function_id: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "1970-01-01T00:00:00Z",  # the correlator ignores the wall clock: it follows the watermark
        "region": LOCAL_REGION,
        "resources": [f"arn:aws:events:{LOCAL_REGION}:123456789012:rule/{function_id}-schedule"],
        "detail": {},
    }


@dataclass
class DeliveryStats:
    invocations: int = 0
    messages: int = 0
    failed_messages: int = 0


class EventSourceMappings:
    """Polls every stage queue and invokes the stage's handler until all queues are empty."""

    def __init__(self, deployment: Deployment, clients: Callable[[str], Any], environment: dict[str, str]):
        self.deployment = deployment
        self.sqs = clients("sqs")
        os.environ.update(environment)
        # The handlers share one Logger (made when first imported): apply the level chosen for this run.
        logger.setLevel(environment.get("POWERTOOLS_LOG_LEVEL", "INFO"))
        self.handlers = {spec.logical_id: load_handler(spec) for spec in deployment.functions.values()}
        self.stats = {source.function_id: DeliveryStats() for source in deployment.event_sources}

    def drain(self, max_rounds: int = 10_000, *, full_batches: bool = True) -> None:
        """Delivers until every queue is empty. With `full_batches` (the default) each stage's queue is emptied
        before the next stage's, so every invocation gets BatchSize messages whenever that many are waiting, as
        Lambda's poller does under load once its batching window fills; without it, stages take turns."""
        for _ in range(max_rounds):
            delivered = 0
            for source in self.deployment.event_sources:
                while (count := self._deliver_once(source)) and full_batches:
                    delivered += count
                delivered += count
            if delivered == 0 and self._all_empty():
                return
        raise RuntimeError("queues did not drain")

    def run_scheduled(self, *, flush: bool) -> None:
        """Invokes every scheduled function once with EventBridge's scheduled-event shape, as its rule would;
        `flush` asks the correlator to close the last, partial hour (the end of a backfill)."""
        for function_id in self.deployment.scheduled_functions:
            context = LocalLambdaContext(function_name=function_id)
            self.handlers[function_id](scheduled_event(function_id) | {"flush": flush}, context)
            metrics.clear_metrics()

    def _receive_batch(self, source: EventSource) -> list[dict[str, Any]]:
        """Up to BatchSize messages, gathered ten at a time as Lambda's poller does."""
        messages: list[dict[str, Any]] = []
        while len(messages) < source.batch_size:
            received = self.sqs.receive_message(
                QueueUrl=source.queue_url,
                MaxNumberOfMessages=min(source.batch_size - len(messages), SQS_BATCH_LIMIT),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not received:
                break
            messages += received
        return messages

    def _deliver_once(self, source: EventSource) -> int:
        messages = self._receive_batch(source)
        if not messages:
            return 0
        stats = self.stats[source.function_id]
        stats.invocations += 1
        stats.messages += len(messages)
        context = LocalLambdaContext(function_name=source.function_id)
        try:
            result = self.handlers[source.function_id](sqs_event(messages, source), context) or {}
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        except Exception:  # a handler that raises fails the whole batch, as in Lambda
            logger.exception("handler raised", extra={"function": source.function_id, "messages": len(messages)})
            failed = {message["MessageId"] for message in messages}
        if failed and not source.reports_item_failures:
            failed = {message["MessageId"] for message in messages}
        stats.failed_messages += len(failed)
        # Powertools keeps metrics it was told not to flush (POWERTOOLS_METRICS_DISABLED) and prints them once
        # 100 pile up; each Lambda process would have flushed them after every invocation.
        metrics.clear_metrics()
        done = [message for message in messages if message["MessageId"] not in failed]
        retry = [message for message in messages if message["MessageId"] in failed]
        for chunk in batched(done, SQS_BATCH_LIMIT):
            self.sqs.delete_message_batch(
                QueueUrl=source.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        for chunk in batched(retry, SQS_BATCH_LIMIT):
            # Visible again at once: the next receive counts towards the queue's maxReceiveCount.
            self.sqs.change_message_visibility_batch(
                QueueUrl=source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(chunk)
                ],
            )
        return len(messages)

    def _all_empty(self) -> bool:
        for source in self.deployment.event_sources:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=source.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]) or int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            ):
                return False
        return True
