"""What a replay did, read back from the stage manifests: the same summary whichever engine ran the stages.

A raw object carried twice (a validate batch retried with another composition) has two reports; the summary
counts it once, by its key, as aggregation counts its records once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from distillguard.classification import ClassificationReport
from distillguard.findings import PublishedFinding
from distillguard.records import LABELS, Label
from distillguard.validation import BatchManifest, mostly_redacted_accounts


class ManifestReader(Protocol):
    def keys(self, prefix: str) -> list[str]: ...

    def get_json(self, key: str) -> Any: ...


class ReplaySummary(BaseModel):
    records_total: int
    records_valid: int
    records_quarantined: int
    prompts_classified: int
    by_label: dict[Label, int]
    findings: int = Field(description="finding messages published (creates, updates and closes)")
    incidents: int = Field(description="distinct finding uids")
    objects: int
    quarantine_reasons: dict[str, int]
    dead_lettered_messages: int
    elapsed_seconds: float
    records_redacted: int = Field(default=0, description="records whose prompt the logs do not carry; not classified")
    records_skipped: int = Field(default=0, description="records that are not requests (audit-log entries, ...)")
    objects_skipped: int = Field(default=0, description="objects holding no request logs (Bedrock's own)")
    mostly_redacted_accounts: dict[str, float] = Field(
        default_factory=dict, description="accounts most of whose records carry no prompt: the product is blind there"
    )

    @property
    def adds_up(self) -> bool:
        return self.records_total == (
            self.records_valid + self.records_quarantined + self.records_redacted + self.records_skipped
        )

    @property
    def comparable(self) -> dict[str, Any]:
        """Everything but the wall-clock time: what two runs over the same input must agree on."""
        return self.model_dump(exclude={"elapsed_seconds"})


def replay_summary(
    manifests: ManifestReader,
    manifests_prefix: str,
    findings: Sequence[PublishedFinding],
    *,
    dead_lettered: int,
    elapsed_seconds: float,
) -> ReplaySummary:
    batches = sorted(
        (
            BatchManifest.model_validate(manifests.get_json(key))
            for key in manifests.keys(f"{manifests_prefix}validate/")
        ),
        key=lambda batch: batch.validated_at,
    )
    validated = {report.source_key: report for batch in batches for report in batch.objects}  # the latest wins
    versions = {key: report.source_version for key, report in validated.items()}
    classify_reports = {
        classification.source_key: classification
        for classification in (
            ClassificationReport.model_validate(manifests.get_json(key))
            for key in manifests.keys(f"{manifests_prefix}classify/")
        )
    }
    classified: dict[str, dict[Label, int]] = {}  # by raw object, from the batch that holds its latest version
    for batch in batches:
        classification = classify_reports.get(batch.validated_key or "")
        if classification is None:
            continue
        held = {r.source_key for r in batch.objects if r.source_version == versions.get(r.source_key)}
        classified.update({key: counts for key, counts in classification.by_source.items() if key in held})
    reports = [validated[key] for key in sorted(validated)]
    by_label: Counter[str] = Counter()
    for counts in classified.values():
        by_label.update(counts)
    reasons: Counter[str] = Counter()
    for report in reports:
        reasons.update(report.reasons)
    return ReplaySummary(
        records_total=sum(report.records_in for report in reports),
        records_valid=sum(report.valid for report in reports),
        records_quarantined=sum(report.quarantined for report in reports),
        prompts_classified=sum(by_label.values()),
        by_label={label: by_label[label] for label in LABELS},
        findings=len(findings),
        incidents=len({finding.uid for finding in findings}),
        objects=len(reports),
        quarantine_reasons=dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        dead_lettered_messages=dead_lettered,
        elapsed_seconds=round(elapsed_seconds, 2),
        records_redacted=sum(report.redacted for report in reports),
        records_skipped=sum(report.skipped for report in reports),
        objects_skipped=sum(report.skipped_object is not None for report in reports),
        mostly_redacted_accounts=mostly_redacted_accounts(reports),
    )
