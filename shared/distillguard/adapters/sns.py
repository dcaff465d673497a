"""Publishes findings (OCSF JSON) with message attributes that subscriptions can filter on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distillguard.correlation.service import OutboxEntry


@dataclass(frozen=True)
class SnsFindingPublisher:
    client: Any
    topic_arn: str

    def publish(self, entry: OutboxEntry) -> None:
        severity = entry.attributes["severity"]["StringValue"]
        category = entry.attributes["category"]["StringValue"]
        self.client.publish(
            TopicArn=self.topic_arn,
            Subject=f"DistillGuard {severity} {category} finding"[:100],
            Message=entry.message,
            MessageAttributes=entry.attributes,
        )
