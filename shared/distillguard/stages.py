"""One function per stage: read the input object, run the domain code, write the outputs.

Outputs are written before the manifest, and every key is derived from the input key, so a stage that
fails half-way and is retried overwrites its partial outputs instead of duplicating them."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import timedelta

from botocore.exceptions import ClientError

from distillguard.adapters.s3 import ObjectStore
from distillguard.aggregation.service import AggregationReport, EvidenceWriter, record_evidence
from distillguard.classification import ClassificationReport, PromptLabeller, classify_stream
from distillguard.config import ClassifySettings, ValidateSettings
from distillguard.formats import FormatSettings, OffloadedBodies
from distillguard.jsonl import JsonlGzWriter, read_models
from distillguard.layout import KeyLayout
from distillguard.records import CanonicalRecord, Verdict
from distillguard.validation import ValidationReport, ValidationRun
from distillguard.validation.expectations import RecordExpectations

SCRATCH = tempfile.gettempdir()  # /tmp in Lambda: sized by the function's EphemeralStorage


def validate_objects(
    keys: Sequence[str], *, objects: ObjectStore, settings: ValidateSettings, expectations: RecordExpectations
) -> dict[str, ValidationReport | Exception]:
    """Validates a batch of objects in one run; each key maps to its report, or to the error that stopped it
    (that object alone is retried). Every output is written before the manifest that vouches for it."""
    layout = KeyLayout(settings)
    outcomes: dict[str, ValidationReport | Exception] = {}
    run = ValidationRun(
        format_settings=FormatSettings(
            customer_metadata_keys=settings.customer_metadata_keys,
            trusted_metadata_roles=settings.trusted_metadata_roles,
            litellm_customer_fields=settings.litellm_customer_fields,
            litellm_placeholder_users=settings.litellm_placeholder_users,
            max_prompt_chars=settings.max_prompt_chars,
            max_offloaded_body_bytes=settings.max_offloaded_body_bytes,
        ),
        expectations=expectations,
        tolerance=timedelta(seconds=settings.timestamp_tolerance_seconds),
        batch_records=settings.batch_records,
        scratch_dir=SCRATCH,
        # Bedrock writes offloaded bodies next to its logs, under the raw prefix the function may already read.
        bodies=OffloadedBodies(objects, prefix=settings.raw_prefix, max_bytes=settings.max_offloaded_body_bytes),
    )
    try:
        for key in keys:
            try:
                source = objects.open(key)
                run.add_object(source.body, source_key=key, last_modified=source.last_modified)
            except (ClientError, OSError, EOFError) as error:
                run.abandon(key)
                outcomes[key] = error
        for report, valid_out, quarantine_out in run.finish():
            key = report.source_key
            try:
                if not report.adds_up:
                    raise RuntimeError(f"{key}: {report.records_in} in, {report.valid} + {report.quarantined} out")
                if report.quarantined:
                    objects.upload(quarantine_out.path, layout.quarantine_key(key))
                if report.valid:
                    objects.upload(valid_out.path, layout.validated_key(key))
                objects.put_model(layout.validate_manifest_key(key), report)
                outcomes[key] = report
            except (ClientError, OSError, RuntimeError) as error:
                outcomes[key] = error
    finally:
        run.close()
    return outcomes


def classify_object(
    key: str, *, objects: ObjectStore, settings: ClassifySettings, labeller: PromptLabeller
) -> ClassificationReport:
    layout = KeyLayout(settings)
    source = objects.open(key)
    with JsonlGzWriter(SCRATCH) as out:
        report = classify_stream(
            read_models(source.body, CanonicalRecord),
            source_key=key,
            labeller=labeller,
            batch_size=settings.classify_batch_size,
            out=out,
        )
        out.close()
        objects.upload(out.path, layout.verdicts_key(key))
    objects.put_model(layout.classify_manifest_key(key), report)
    return report


def aggregate_objects(keys: Sequence[str], *, objects: ObjectStore, store: EvidenceWriter) -> AggregationReport:
    """Records the evidence of a batch of verdict objects; objects that could not be read or stored are listed in
    `failed_objects` (keyed by S3 key) and are safe to retry: evidence is keyed by source, never added twice."""
    verdicts_by_object: dict[str, list[Verdict]] = {}
    unreadable: dict[str, str] = {}
    for key in keys:
        try:
            verdicts_by_object[key] = list(read_models(objects.open(key).body, Verdict))
        except (ClientError, OSError, EOFError, ValueError) as error:
            unreadable[key] = repr(error)
    report = record_evidence(verdicts_by_object, store)
    report.failed_objects.update(unreadable)
    return report
