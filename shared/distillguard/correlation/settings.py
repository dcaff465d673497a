"""Detection and notification rules from the correlate function's settings."""

from __future__ import annotations

from distillguard.config import CorrelateSettings
from distillguard.correlation.detect import DetectionRules
from distillguard.correlation.incidents import NotificationRules


def correlator_rules(settings: CorrelateSettings) -> tuple[DetectionRules, NotificationRules]:
    detection = DetectionRules(
        horizon_hours=settings.horizon_hours,
        account_min_share=settings.account_min_share,
        cluster_min_members=settings.cluster_min_members,
        cluster_min_signals=settings.cluster_min_signals,
        lone_min_suspicious=settings.lone_min_suspicious,
    )
    notification = NotificationRules(renotify_hours=settings.renotify_hours, idle_close_hours=settings.idle_close_hours)
    return detection, notification
