"""Labels canonical records in batches and writes one verdict per record, in input order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Protocol, TypeVar

from pydantic import BaseModel, Field

from distillguard.formats.excerpt import template_examples
from distillguard.formats.opening import opening_fingerprint
from distillguard.jsonl import JsonlGzWriter
from distillguard.records import LABELS, SUSPICIOUS_LABELS, CanonicalRecord, Label, Verdict

T = TypeVar("T")
KNOWN_EXAMPLES = 4_096  # redacted examples (at most 160 characters each) kept across batches: about 1 MB


class LabelledPrompt(Protocol):
    @property
    def label(self) -> Label: ...

    @property
    def scores(self) -> Mapping[Label, float]: ...


class PromptLabeller(Protocol):
    """What the stage needs of a classifier (distillguard.classifier.PromptClassifier provides it)."""

    @property
    def version(self) -> str: ...

    def predict(self, texts: Sequence[str], batch_size: int = ...) -> Sequence[LabelledPrompt]: ...


class ClassificationReport(BaseModel):
    source_key: str
    prompts: int
    by_label: dict[Label, int]
    model_version: str
    by_source: dict[str, dict[Label, int]] = Field(
        default_factory=dict, description="prompts by label per raw log object the validated batch holds"
    )


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def verdicts_for(
    records: Sequence[CanonicalRecord],
    labeller: PromptLabeller,
    batch_size: int,
    known_examples: dict[str, str] | None = None,
) -> list[Verdict]:
    """One verdict per record; `known_examples` (fingerprint -> redacted example) carries the examples already
    made from one batch to the next, cleared past `KNOWN_EXAMPLES` entries so memory stays bounded."""
    known = {} if known_examples is None else known_examples
    if len(known) > KNOWN_EXAMPLES:
        known.clear()
    predictions = labeller.predict([record.prompt for record in records], batch_size=batch_size)
    if len(predictions) != len(records):
        raise RuntimeError(f"classifier returned {len(predictions)} predictions for {len(records)} prompts")
    verdicts = []
    for record, prediction in zip(records, predictions, strict=True):
        opening = opening_fingerprint(record.prompt)
        examples = (
            template_examples(record.prompt, record.template_fingerprint, opening, known)
            if prediction.label in SUSPICIOUS_LABELS
            else {}
        )
        verdicts.append(
            Verdict(
                **record.model_dump(exclude={"prompt"}),
                opening_fingerprint=opening,
                template_examples=examples,
                label=prediction.label,
                scores={label: float(prediction.scores[label]) for label in LABELS},
                model_version=labeller.version,
            )
        )
    return verdicts


def classify_stream(
    records: Iterable[CanonicalRecord],
    *,
    source_key: str,
    labeller: PromptLabeller,
    batch_size: int,
    out: JsonlGzWriter,
) -> ClassificationReport:
    by_source: dict[str, Counter[Label | None]] = {}  # every verdict here has a label
    known_examples: dict[str, str] = {}
    for batch in batched(records, batch_size):
        for verdict in verdicts_for(batch, labeller, batch_size, known_examples):
            by_source.setdefault(verdict.source_key, Counter())[verdict.label] += 1
            out.write(verdict)
    by_label: Counter[Label | None] = sum(by_source.values(), Counter())
    return ClassificationReport(
        source_key=source_key,
        prompts=out.count,
        by_label={label: by_label[label] for label in LABELS},
        model_version=labeller.version,
        by_source={source: {label: counts[label] for label in LABELS} for source, counts in by_source.items()},
    )
