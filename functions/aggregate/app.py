"""Aggregate: verdict objects -> bounded per-account, per-hour evidence in DynamoDB, and the event-time
watermark that tells the correlate function which hours are complete.

The verdict objects of one SQS batch are recorded together; each message still succeeds or fails on its own
(`batchItemFailures`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import DynamoEvidenceStore
from distillguard.adapters.s3 import ObjectStore
from distillguard.config import AggregateSettings
from distillguard.events import announced_keys, batch_item_failures, unique_keys
from distillguard.observability import logger, metrics
from distillguard.stages.aggregate import aggregate_objects

settings = AggregateSettings()  # type: ignore[call-arg]  # read from the environment
objects = ObjectStore(client("s3"), settings.bucket_name)
store = DynamoEvidenceStore(
    client("dynamodb"),
    settings.table_name,
    shards=settings.evidence_shards,
    retention=timedelta(days=settings.evidence_retention_days),
)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    announced = announced_keys(SQSEvent(event))
    keys = unique_keys(announced)
    report = aggregate_objects(keys, objects=objects, store=store)
    for key, error in report.failed_objects.items():
        logger.error("aggregation failed", extra={"key": key, "error": error})
    logger.info(
        "aggregated",
        extra={
            "objects": len(keys),
            "prompts": report.prompts,
            "suspicious": report.suspicious,
            "evidence_items": report.evidence_items,
        },
    )
    metrics.add_metric(name="VerdictsAggregated", unit=MetricUnit.Count, value=report.prompts)
    metrics.add_metric(name="EvidenceItemsWritten", unit=MetricUnit.Count, value=report.evidence_items)
    return batch_item_failures(announced, set(report.failed_objects))
