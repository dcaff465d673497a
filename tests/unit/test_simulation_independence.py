"""The simulator is the demo's and the replay benchmark's ground truth: the classifier's authored training
templates must not borrow its wording, or the demo would measure memorisation."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Six-word runs any two prompt collections share: ubiquitous system prompts, answer formats, Python imports.
GENERIC = {
    "a helpful assistant you are a",
    "are a helpful assistant you are",
    "you are a helpful assistant you",
    "final answer in boxed n n",
    "the final answer in boxed n",
    "n n question n q n",
    "from dataclasses import dataclass from distillguard",
    "import random from collections abc import",
    # The issue's own example directive, used by the model's directional check.
    "and put your final answer within",
    "put your final answer within boxed",
}


def six_word_runs(text: str) -> set[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return {" ".join(words[i : i + 6]) for i in range(len(words) - 5)}


def test_authored_training_templates_share_no_wording_with_the_simulator() -> None:
    simulator = "\n".join(path.read_text() for path in (ROOT / "shared/distillguard/simulate/content").glob("*.py"))
    training = "\n".join(path.read_text() for path in (ROOT / "models").rglob("*.py"))
    shared = six_word_runs(simulator) & six_word_runs(training) - GENERIC
    assert not shared, sorted(shared)
