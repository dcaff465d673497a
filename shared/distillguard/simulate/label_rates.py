"""How a prompt classifier labels simulated traffic, per population and prompt variant.

The prompts are read back through the pipeline's own format readers (so the classifier sees exactly what the
classify stage would), then joined to `_records.jsonl.gz` by request id."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from pydantic import BaseModel, ConfigDict

from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines
from distillguard.records import LABELS, Label
from distillguard.simulate.engine import RECORD_LABELS_FILE

Predict = Callable[[Sequence[str]], Sequence[Label]]


class LabelRates(BaseModel):
    """Share of each predicted label among the prompts of one (population, true label, variant) group."""

    model_config = ConfigDict(frozen=True)

    population: str
    true_label: Label
    variant: str
    n: int
    rates: dict[Label, float]


def label_rates(out_dir: Path, predict: Predict) -> list[LabelRates]:
    truth: dict[str, dict[str, str]] = {}
    with gzip.open(out_dir / RECORD_LABELS_FILE) as lines:
        for line in lines:
            row = json.loads(line)
            truth[row["request_id"]] = row
    prompts: list[str] = []
    groups: list[tuple[str, Label, str]] = []
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file() or path.name.startswith(("_", ".")):
            continue
        key = path.relative_to(out_dir).as_posix()
        with path.open("rb") as body:
            for raw in read_raw_lines(body):
                if raw.data is None:
                    continue
                try:
                    record = parse_record(
                        raw.data, source_key=key, line_number=raw.line_number, settings=FormatSettings()
                    )
                except RecordRejected:
                    continue
                row = truth.get(record.request_id)
                if row is not None:
                    prompts.append(record.prompt)
                    groups.append((row["population"], cast(Label, row["label"]), row["variant"]))
    counts: dict[tuple[str, Label, str], Counter[Label]] = defaultdict(Counter)
    for group, predicted in zip(groups, predict(prompts), strict=True):
        counts[group][predicted] += 1
    return [
        LabelRates(
            population=population,
            true_label=label,
            variant=variant,
            n=sum(c.values()),
            rates={name: round(c[name] / sum(c.values()), 4) for name in LABELS},
        )
        for (population, label, variant), c in sorted(counts.items())
    ]
