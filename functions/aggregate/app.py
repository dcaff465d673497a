"""Aggregate: verdicts -> per-account event-time window counters in DynamoDB -> de-duplicated SNS alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import DynamoCounterStore
from distillguard.adapters.s3 import ObjectStore
from distillguard.adapters.sns import SnsAlertNotifier
from distillguard.config import AggregateSettings
from distillguard.events import created_objects
from distillguard.observability import logger, metrics
from distillguard.stages import aggregate_object

settings = AggregateSettings()  # type: ignore[call-arg]  # read from the environment
objects = ObjectStore(client("s3"), settings.bucket_name)
store = DynamoCounterStore(
    client("dynamodb"),
    settings.table_name,
    window_seconds=settings.window_seconds,
    retention=timedelta(days=settings.counter_retention_days),
)
notifier = SnsAlertNotifier(client("sns"), settings.topic_arn)
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    for ref in created_objects(record.body):
        logger.set_correlation_id(ref.key)
        report = aggregate_object(ref.key, objects=objects, settings=settings, store=store, notifier=notifier)
        logger.info(
            "aggregated",
            extra={
                "prompts": report.prompts,
                "windows": report.windows,
                "findings": report.findings,
                "alerts": [alert.alert_id for alert in report.alerts_published],
            },
        )
        metrics.add_metric(name="VerdictsAggregated", unit=MetricUnit.Count, value=report.prompts)
        metrics.add_metric(name="AlertsPublished", unit=MetricUnit.Count, value=len(report.alerts_published))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
