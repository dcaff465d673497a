"""The in-process engine: the stages' own code (validate, classify, aggregate, correlate) over local folders and
the in-memory stores, with the settings the template gives the functions. Raw objects are cut into batches as
the validate queue would deliver them (sorted by key, at most `batch_objects` objects or `batch_bytes` bytes a
batch); batches run on `workers` processes and their evidence is merged before correlation, whose detection
runs on as many processes, one event-time hour each, while incidents are reconciled hour after hour in this one:
the result is a serial run's whatever the number of workers."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from distillguard.adapters.memory import MemoryEvidenceStore, MemoryIncidentStore, MemoryPublisher
from distillguard.classifier import DEFAULT_MODEL_DIR, PromptClassifier
from distillguard.collection import fewer_collections, freeze_heap
from distillguard.config import AggregateSettings, ClassifySettings, CorrelateSettings, ValidateSettings
from distillguard.correlation.detect import Detection
from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.service import Correlator, HourDetector, HourToDetect, horizon, hour_detections
from distillguard.correlation.settings import correlator_rules
from distillguard.engine.objects import BucketObjectStore, FolderObjectStore
from distillguard.engine.settings import function_settings
from distillguard.findings import PublishedFinding
from distillguard.layout import KeyLayout, SourceBatch
from distillguard.stages.aggregate import aggregate_objects
from distillguard.stages.classify import classify_object
from distillguard.stages.validate import validate_objects
from distillguard.summary import ReplaySummary, replay_summary
from distillguard.validation import ValidationReport
from distillguard.validation.expectations import RecordExpectations

BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class StageSettings:
    validate: ValidateSettings
    classify: ClassifySettings
    aggregate: AggregateSettings
    correlate: CorrelateSettings
    batch_objects: int


@dataclass
class BatchResult:
    evidence: list[HourEvidence] = field(default_factory=list)
    first_hour: datetime | None = None
    latest: datetime | None = None
    failed: dict[str, str] = field(default_factory=dict)
    records: int = 0


@dataclass
class _Worker:
    """One process's stage dependencies, built once per process (the model, the expectation suite)."""

    settings: StageSettings
    objects: FolderObjectStore
    classifier: PromptClassifier
    expectations: RecordExpectations

    def run_batch(self, keys: Sequence[str]) -> BatchResult:
        result = BatchResult()
        outcomes = validate_objects(
            keys, objects=self.objects, settings=self.settings.validate, expectations=self.expectations
        )
        result.failed.update({key: repr(o) for key, o in outcomes.items() if isinstance(o, Exception)})
        reports = [o for o in outcomes.values() if isinstance(o, ValidationReport)]
        result.records = sum(report.records_in for report in reports)
        layout = KeyLayout(self.settings.validate)
        batch = batch_of(reports)
        consumed: list[str] = []
        verdicts: list[str] = []
        if any(report.valid for report in reports):
            validated = layout.validated_key(batch)
            classify_object(validated, objects=self.objects, settings=self.settings.classify, labeller=self.classifier)
            verdicts.append(layout.verdicts_key(validated))
            consumed.append(validated)
        if any(report.unlogged for report in reports):
            verdicts.append(layout.unlogged_key(batch))
        if not verdicts:
            return result
        store = MemoryEvidenceStore()
        report = aggregate_objects(verdicts, objects=self.objects, store=store)
        result.failed.update(report.failed_objects)
        result.evidence = list(store.items.values())
        result.first_hour, result.latest = store.first_hour, store.latest
        for key in consumed + verdicts:  # consumed: only the manifests are kept
            self.objects.delete(key)
        return result


def batch_of(reports: Sequence[ValidationReport]) -> SourceBatch:
    return SourceBatch.of({report.source_key: report.source_version for report in reports})


_worker: _Worker | None = None


def _start_worker(
    settings: StageSettings, objects: FolderObjectStore, model_dir: Path, providers: tuple[str, ...]
) -> None:
    global _worker
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    classifier = PromptClassifier.load(model_dir, providers=providers, intra_op_threads=1)
    expectations = RecordExpectations(max_prompt_chars=settings.validate.max_prompt_chars)
    _worker = _Worker(settings, objects, classifier, expectations)
    freeze_heap()


def _run_batch(keys: Sequence[str]) -> BatchResult:
    assert _worker is not None, "worker not started"
    return _worker.run_batch(keys)


def batches(listing: Sequence[tuple[str, int]], batch_objects: int) -> Iterator[list[str]]:
    """Consecutive keys, at most `batch_objects` objects and about BATCH_BYTES bytes a batch."""
    batch: list[str] = []
    size = 0
    for key, length in listing:
        if batch and (len(batch) >= batch_objects or size + length > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(key)
        size += length
    if batch:
        yield batch


@dataclass
class EngineRun:
    findings: list[PublishedFinding]
    summary: ReplaySummary
    failed: dict[str, str]


def run_folder(folder: Path, *, overrides: dict[str, str] | None = None, **options: Any) -> EngineRun:
    """Runs every stage over the log files under `folder` (named as `log_files` picks them) and correlates."""
    settings = stage_settings(overrides)

    def store(scratch: Path) -> FolderObjectStore:
        return FolderObjectStore(raw_root=folder, raw_prefix=settings.validate.raw_prefix, scratch=scratch)

    return run_objects(store, settings, **options)


def run_prefix(bucket: str, prefix: str, *, overrides: dict[str, str] | None = None, **options: Any) -> EngineRun:
    """Runs every stage over the log objects under s3://bucket/prefix (read only) and correlates, in process."""
    settings = stage_settings(overrides)
    if not prefix.startswith(settings.validate.raw_prefix):
        raise ValueError(f"{prefix!r} is not under the raw log prefix {settings.validate.raw_prefix!r}")

    def store(scratch: Path) -> FolderObjectStore:
        return BucketObjectStore(
            raw_root=scratch,
            raw_prefix=settings.validate.raw_prefix,
            scratch=scratch,
            source_bucket=bucket,
            listed_prefix=prefix,
        )

    return run_objects(store, settings, **options)


def run_objects(
    store: Callable[[Path], FolderObjectStore],
    settings: StageSettings,
    *,
    workers: int = 1,
    scratch: Path | None = None,
    model_dir: Path = DEFAULT_MODEL_DIR,
    providers: Sequence[str] = ("CPUExecutionProvider",),
    progress: Callable[[int, int, int], None] | None = None,
) -> EngineRun:
    """Validates the store's raw objects in batches on `workers` processes, classifies and aggregates each batch,
    merges the evidence and correlates; `progress(batches done, batches, records so far)` follows along."""
    started = time.perf_counter()
    with fewer_collections(), tempfile.TemporaryDirectory(prefix="distillguard-engine-", dir=scratch) as scratch_dir:
        objects = store(Path(scratch_dir))
        work = list(batches(objects.raw_listing(), settings.batch_objects))
        evidence = MemoryEvidenceStore()
        failed: dict[str, str] = {}
        records = 0
        results = _results(work, settings, objects, model_dir, tuple(providers), workers)
        for done, result in enumerate(results, start=1):
            evidence.put(result.evidence)
            if result.first_hour is not None and result.latest is not None:
                evidence.advance_watermark(result.first_hour, result.latest)
            failed.update(result.failed)
            records += result.records
            if progress is not None:
                progress(done, len(work), records)
        freeze_heap()  # the evidence of every account-hour: alive until the end
        findings = correlate(evidence, settings.correlate, workers)
        summary = replay_summary(
            objects,
            settings.validate.manifests_prefix,
            findings,
            dead_lettered=len(failed),
            elapsed_seconds=time.perf_counter() - started,
        )
    return EngineRun(findings=findings, summary=summary, failed=failed)


def _results(
    work: list[list[str]],
    settings: StageSettings,
    objects: FolderObjectStore,
    model_dir: Path,
    providers: tuple[str, ...],
    workers: int,
) -> Iterator[BatchResult]:
    if workers <= 1:
        _start_worker(settings, objects, model_dir, providers)
        yield from map(_run_batch, work)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(settings, objects, model_dir, providers)
    ) as pool:
        yield from pool.map(_run_batch, work)


def correlate(evidence: MemoryEvidenceStore, settings: CorrelateSettings, workers: int = 1) -> list[PublishedFinding]:
    """Every hour's findings. Detection (a pure function of each hour's horizon) runs on `workers` processes; the
    incidents are reconciled in hour order in this one, so the findings are a serial run's."""
    detection, notification = correlator_rules(settings)
    publisher = MemoryPublisher()
    with _hour_detector(evidence, workers) as detector:
        correlator = Correlator(
            evidence,
            MemoryIncidentStore(),
            publisher,
            detection,
            notification,
            timedelta(seconds=settings.lateness_seconds),
            detector=detector,
        )
        correlator.run(flush=True)
    findings = [PublishedFinding.from_message(entry.message) for entry in publisher.messages]
    findings.sort(key=lambda finding: (finding.time, finding.uid, finding.revision))
    return findings


_evidence: MemoryEvidenceStore | None = None  # the merged evidence, inherited by the forked detection processes


def _detect_hour(task: HourToDetect) -> list[Detection]:
    assert _evidence is not None, "detection process without evidence"
    hours = horizon(task.hour, task.first_hour, task.rules.horizon_hours)
    return hour_detections([item for start in hours for item in _evidence.hour(start)], task)


@contextmanager
def _hour_detector(evidence: MemoryEvidenceStore, workers: int) -> Iterator[HourDetector | None]:
    """A process pool detecting hours in parallel, forked with the evidence in memory (nothing of it is sent)."""
    global _evidence
    if workers <= 1:
        yield None
        return
    _evidence = evidence
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield lambda tasks: pool.map(_detect_hour, tasks)
    finally:
        _evidence = None


def stage_settings(overrides: dict[str, str] | None = None) -> StageSettings:
    environments, parameters = function_settings(overrides)
    return StageSettings(
        validate=ValidateSettings.model_validate(environments["ValidateFunction"]),
        classify=ClassifySettings.model_validate(environments["ClassifyFunction"]),
        aggregate=AggregateSettings.model_validate(environments["AggregateFunction"]),
        correlate=CorrelateSettings.model_validate(environments["CorrelateFunction"]),
        batch_objects=int(parameters["ValidateBatchSize"]),
    )
