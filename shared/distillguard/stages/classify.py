"""The classify stage: one validated object -> one object of verdicts and its manifest."""

from __future__ import annotations

from distillguard.classification import ClassificationReport, PromptLabeller, classify_stream
from distillguard.config import ClassifySettings
from distillguard.jsonl import JsonlGzWriter, read_models
from distillguard.layout import KeyLayout
from distillguard.records import CanonicalRecord
from distillguard.stages.ports import SCRATCH, ObjectStore


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
