"""Aggregate: verdicts -> per-account event-time window counters in DynamoDB -> de-duplicated SNS alerts.

The verdict objects of one SQS batch are counted together (one DynamoDB update per account and window);
each message still succeeds or fails on its own (`batchItemFailures`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import DynamoCounterStore
from distillguard.adapters.s3 import ObjectStore
from distillguard.adapters.sns import SnsAlertNotifier
from distillguard.config import AggregateSettings
from distillguard.events import announced_keys, batch_item_failures, unique_keys
from distillguard.observability import logger, metrics
from distillguard.stages import aggregate_objects

settings = AggregateSettings()  # type: ignore[call-arg]  # read from the environment
objects = ObjectStore(client("s3"), settings.bucket_name)
store = DynamoCounterStore(
    client("dynamodb"),
    settings.table_name,
    window_seconds=settings.window_seconds,
    retention=timedelta(days=settings.counter_retention_days),
)
notifier = SnsAlertNotifier(client("sns"), settings.topic_arn)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    announced = announced_keys(SQSEvent(event))
    keys = unique_keys(announced)
    report = aggregate_objects(keys, objects=objects, settings=settings, store=store, notifier=notifier)
    for key, error in report.failed_objects.items():
        logger.error("aggregation failed", extra={"key": key, "error": error})
    logger.info(
        "aggregated",
        extra={
            "objects": len(keys),
            "prompts": report.prompts,
            "windows": report.windows,
            "findings": report.findings,
            "alerts": [alert.alert_id for alert in report.alerts_published],
        },
    )
    metrics.add_metric(name="VerdictsAggregated", unit=MetricUnit.Count, value=report.prompts)
    metrics.add_metric(name="AlertsPublished", unit=MetricUnit.Count, value=len(report.alerts_published))
    return batch_item_failures(announced, set(report.failed_objects))
