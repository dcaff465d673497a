"""Turns a batch of verdict objects into evidence items and advances the event-time watermark.

The store is a port: DynamoDB in the Lambda, an in-memory fake in unit tests. Items are keyed by their source
object, so writing them again (a redelivery, a retry of the whole batch) changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from distillguard.correlation.evidence import HourEvidence, hour_evidence
from distillguard.records import SUSPICIOUS_LABELS, Verdict


class EvidenceWriter(Protocol):
    def put(self, items: Sequence[HourEvidence]) -> None: ...

    def advance_watermark(self, first_hour: datetime, latest: datetime) -> None: ...


class AggregationReport(BaseModel):
    prompts: int = 0
    suspicious: int = 0
    evidence_items: int = 0
    failed_objects: dict[str, str] = {}


def record_evidence(verdicts_by_object: Mapping[str, Sequence[Verdict]], store: EvidenceWriter) -> AggregationReport:
    """Stores the evidence of every object of a batch; if the store fails, every object is reported failed
    (to be retried: the items already written are simply written again)."""
    verdicts = [verdict for group in verdicts_by_object.values() for verdict in group]
    report = AggregationReport(
        prompts=len(verdicts), suspicious=sum(1 for v in verdicts if v.label in SUSPICIOUS_LABELS)
    )
    if not verdicts:
        return report
    items = hour_evidence(verdicts)
    try:
        store.put(items)
        store.advance_watermark(min(item.hour for item in items), max(v.timestamp for v in verdicts))
    except Exception as error:  # noqa: BLE001 - any store failure fails the batch's objects, which are retried
        report.failed_objects = {key: repr(error) for key in verdicts_by_object}
        return report
    report.evidence_items = len(items)
    return report
