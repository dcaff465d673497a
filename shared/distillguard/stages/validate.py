"""The validate stage: a batch of raw log objects -> validated records, quarantine and one manifest."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from botocore.exceptions import ClientError

from distillguard.adapters.s3 import S3Object
from distillguard.config import ValidateSettings
from distillguard.formats import FormatSettings, OffloadedBodies
from distillguard.layout import KeyLayout, SourceBatch
from distillguard.stages.ports import SCRATCH, ObjectStore
from distillguard.validation import BatchManifest, ObjectOutputs, ValidationReport, ValidationRun
from distillguard.validation.expectations import RecordExpectations

PREFETCH_BYTES = 1024 * 1024


def validate_objects(
    keys: Sequence[str], *, objects: ObjectStore, settings: ValidateSettings, expectations: RecordExpectations
) -> dict[str, ValidationReport | Exception]:
    """Validates a batch of objects in one run and writes one validated object, one quarantine object, one object
    of unlabelled verdicts for the redacted requests (each only when not empty) and one manifest for all of them
    (a batch of a thousand one-request objects costs a few writes, not thousands).
    Each key maps to its report, or to the error that stopped it: that object alone is left out and retried."""
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
        batch_prompt_chars=settings.batch_prompt_chars,
        scratch_dir=SCRATCH,
        # Bedrock writes offloaded bodies next to its logs, under the raw prefix the function may already read.
        bodies=OffloadedBodies(objects, prefix=settings.raw_prefix, max_bytes=settings.max_offloaded_body_bytes),
    )
    try:
        for key, opened in prefetched(keys, objects):
            try:
                if isinstance(opened, Exception):
                    raise opened
                run.add_object(opened.body, source_key=key, last_modified=opened.last_modified, version=opened.etag)
            except (ClientError, OSError, EOFError) as error:
                run.abandon(key)
                outcomes[key] = error
        finished = list(run.finish())
        reports = []
        for report, _ in finished:
            if report.adds_up:
                reports.append(report)
            else:
                outcomes[report.source_key] = RuntimeError(
                    f"{report.source_key}: {report.records_in} in, {report.valid} + {report.quarantined} out"
                )
        if reports:
            kept = {report.source_key for report in reports}
            try:
                _write_batch(finished, kept, reports, objects=objects, layout=layout)
                outcomes.update({report.source_key: report for report in reports})
            except (ClientError, OSError) as error:
                outcomes.update(dict.fromkeys(kept, error))
    finally:
        run.close()
    return outcomes


def prefetched(keys: Sequence[str], objects: ObjectStore) -> Iterator[tuple[str, S3Object | Exception]]:
    """Opens the objects of a batch a few at a time on threads, in order: a batch of small objects is bound by
    request latency, not by parsing. Small bodies are read whole; large ones stream when their turn comes."""
    threads = objects.read_threads
    if threads <= 1:
        yield from ((key, _open(key, objects)) for key in keys)
        return
    with ThreadPoolExecutor(threads) as pool:
        for start in range(0, len(keys), threads):
            window = keys[start : start + threads]
            yield from zip(window, pool.map(lambda key: _open(key, objects), window), strict=True)


def _open(key: str, objects: ObjectStore) -> S3Object | Exception:
    try:
        opened = objects.open(key)
        if opened.size is not None and opened.size <= PREFETCH_BYTES:
            return replace(opened, body=io.BytesIO(opened.body.read()))
        return opened
    except (ClientError, OSError, EOFError) as error:
        return error


def _write_batch(
    finished: Sequence[tuple[ValidationReport, ObjectOutputs]],
    kept: set[str],
    reports: list[ValidationReport],
    *,
    objects: ObjectStore,
    layout: KeyLayout,
) -> None:
    """Joins the objects' outputs (gzip members concatenate into one valid gzip stream) and writes them before
    the manifest that vouches for them."""
    batch = SourceBatch.of({report.source_key: report.source_version for report in reports})
    manifest = BatchManifest(batch_id=batch.batch_id, objects=reports)
    kept_outputs = [outputs for report, outputs in finished if report.source_key in kept]
    for attribute, key, parts in (
        ("validated_key", layout.validated_key(batch), [outputs.valid for outputs in kept_outputs]),
        ("quarantine_key", layout.quarantine_key(batch), [outputs.quarantined for outputs in kept_outputs]),
        ("unlogged_key", layout.unlogged_key(batch), [outputs.unlogged for outputs in kept_outputs]),
    ):
        parts = [written for written in parts if written.count]
        if not parts:
            continue
        with tempfile.NamedTemporaryFile(dir=SCRATCH, suffix=".jsonl.gz") as joined:
            for written in parts:
                written.copy_to(joined)  # type: ignore[arg-type]
            joined.flush()
            objects.upload(Path(joined.name), key)
        setattr(manifest, attribute, key)
    objects.put_model(layout.validate_manifest_key(batch), manifest)
