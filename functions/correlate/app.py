"""Correlate: on a schedule (EventBridge), processes every event-time hour the watermark has closed: links
accounts into campaigns, keeps one incident per campaign, and publishes OCSF Detection Findings to SNS through
an outbox. Invoke it with {"flush": true} at the end of a backfill to close the last, partial hour."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import DynamoEvidenceStore, DynamoIncidentStore
from distillguard.adapters.securityhub import SecurityHubForwarder
from distillguard.adapters.sns import SnsFindingPublisher
from distillguard.adapters.suppressions import DynamoSuppressionStore
from distillguard.collection import fewer_collections
from distillguard.config import CorrelateSettings
from distillguard.correlation.service import Correlator, FanOut, FindingPublisher
from distillguard.correlation.settings import correlator_rules
from distillguard.observability import logger, metrics

settings = CorrelateSettings()  # type: ignore[call-arg]  # read from the environment
detection, notification = correlator_rules(settings)
destinations: list[FindingPublisher] = [SnsFindingPublisher(client("sns"), settings.topic_arn)]
if settings.forward_to_security_hub:
    destinations.append(
        SecurityHubForwarder(client("securityhub"), settings.security_hub_product_arn, settings.aws_account_id)
    )
correlator = Correlator(
    # The correlator only reads evidence: the retention below applies to writes and is never used here.
    evidence=DynamoEvidenceStore(
        client("dynamodb"), settings.table_name, shards=settings.evidence_shards, retention=timedelta(days=1)
    ),
    store=DynamoIncidentStore(
        client("dynamodb"), settings.table_name, retention=timedelta(days=settings.incident_retention_days)
    ),
    publisher=FanOut(*destinations),
    detection=detection,
    notification=notification,
    lateness=timedelta(seconds=settings.lateness_seconds),
    suppressions=DynamoSuppressionStore(client("dynamodb"), settings.table_name),  # read afresh at every run
)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    with fewer_collections():  # the horizon's evidence is a large heap that lives for the whole run
        report = correlator.run(flush=bool(event.get("flush", False)))
    logger.info(
        "correlated",
        extra={
            "hours": [hour.isoformat() for hour in report.hours],
            "detections": report.detections,
            "findings_published": len(report.published),
        },
    )
    metrics.add_metric(name="HoursCorrelated", unit=MetricUnit.Count, value=len(report.hours))
    metrics.add_metric(name="FindingsPublished", unit=MetricUnit.Count, value=len(report.published))
    for severity, count in Counter(json.loads(message)["severity"] for message in report.published).items():
        metrics.add_metric(name=f"Findings_{severity}", unit=MetricUnit.Count, value=count)  # the dashboard's
    return {"hours": len(report.hours), "findings_published": len(report.published)}
