"""Publishes alerts as JSON with message attributes that subscriptions can filter on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distillguard.aggregation.alerts import AlertMessage


def message_attributes(alert: AlertMessage) -> dict[str, dict[str, str]]:
    return {
        "severity": {"DataType": "String", "StringValue": alert.severity},
        "category": {"DataType": "String", "StringValue": alert.category},
        "event": {"DataType": "String", "StringValue": alert.event},
        "customer_account": {"DataType": "String", "StringValue": alert.customer_account},
    }


@dataclass(frozen=True)
class SnsAlertNotifier:
    client: Any
    topic_arn: str

    def publish(self, alert: AlertMessage) -> None:
        self.client.publish(
            TopicArn=self.topic_arn,
            Subject=f"DistillGuard {alert.severity} {alert.category} alert"[:100],
            Message=alert.to_json(),
            MessageAttributes=message_attributes(alert),
        )
