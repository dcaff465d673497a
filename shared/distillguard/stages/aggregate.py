"""The aggregate stage: verdict objects -> evidence in the counter store, each raw record counted once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from distillguard.aggregation.service import AggregationReport, EvidenceWriter, record_evidence
from distillguard.jsonl import read_models
from distillguard.records import Verdict
from distillguard.stages.ports import ObjectStore


def aggregate_objects(keys: Sequence[str], *, objects: ObjectStore, store: EvidenceWriter) -> AggregationReport:
    """Records the evidence of a batch of verdict objects, one object at a time and each streamed (memory stays
    bounded whatever their size); objects that could not be read or stored are listed in `failed_objects` (keyed
    by S3 key) and are safe to retry: each raw record is counted once, however batched."""

    def verdicts(key: str) -> Iterator[Verdict]:
        yield from read_models(objects.open(key).body, Verdict)  # opened when first read

    total = AggregationReport()
    for key in keys:
        report = record_evidence({key: verdicts(key)}, store, verdicts)
        total.prompts += report.prompts
        total.unlogged += report.unlogged
        total.suspicious += report.suspicious
        total.evidence_items += report.evidence_items
        total.already_counted += report.already_counted
        total.replaced_items += report.replaced_items
        total.failed_objects.update(report.failed_objects)
    return total
