"""Reading the labelled prompt corpus (never copied into the project: read from a path argument)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("../shared/data/prompts")

# Sources whose licence forbids commercial use (see the corpus README): codealpaca data (CC BY-NC 4.0) and
# the OCW/Minerva set inside DeepSeek-Math (CC BY-NC-SA 4.0).
NONCOMMERCIAL_MARKERS = ("sahil280114/codealpaca", "evaluation/datasets/ocw/")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    source: str
    license: str
    file: str

    @property
    def group(self) -> str:
        return source_group(self.source)

    @property
    def noncommercial(self) -> bool:
        # By source, not by the licence text: every DeepSeek-Math row's licence mentions OCW, few are OCW.
        return any(m in self.source for m in NONCOMMERCIAL_MARKERS)


def source_group(source: str) -> str:
    """The repository a prompt's template comes from: the first "owner/repo" in ``source``.

    ``source`` reads "repo:path [+ repo:path ...]"; for cot prompts the first part is the template repository,
    for the others it is the repository of the prompt itself (a FastChat system message, added to some ordinary
    prompts, comes second and does not decide the group).
    """
    first = source.split(" + ")[0].strip()
    if first.startswith("authored"):
        return first.split(" (")[0].replace(" ", "-")
    return first.split(":")[0].strip()


def load_corpus(data_dir: Path, exclude_noncommercial: bool = False) -> list[Example]:
    examples: list[Example] = []
    files = sorted(Path(data_dir).glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl files under {data_dir}")
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                ex = Example(row["text"], row["label"], row["source"], row.get("license", ""), path.name)
                if exclude_noncommercial and ex.noncommercial:
                    continue
                examples.append(ex)
    return examples
