"""A public-benchmark evaluation harness, written for the simulator: few-shot worked examples and one test item.

An evaluation team runs it from one account for a few hours. The prompts are chain-of-thought shaped (they ask for
reasoning and a fixed answer line), so their label is cot_harvesting; the account is benign all the same."""

from __future__ import annotations

import random

from distillguard.simulate.content.problems import Problem, math_problem, science_problem
from distillguard.simulate.model import Prompt, Turn

HARNESS_HEADERS: dict[str, str] = {
    "math": "The following are grade-school and competition arithmetic questions, each followed by a worked answer. "
    'Answer the last question in the same way, ending with "The answer is N."',
    "science": "Each item below is a multiple-choice science question with a worked explanation. Complete the last "
    'item in the same manner and end with "The answer is (L)."',
}


def _shot(problem: Problem) -> str:
    return f"Q: {problem.question}\nA: {' '.join(problem.steps)} The answer is {problem.answer}."


def harness_prompt(rng: random.Random, task: str, shots: int) -> Prompt:
    """One test item of task "math" or "science" with `shots` worked examples before it."""
    make = math_problem if task == "math" else science_problem
    examples = "\n\n".join(_shot(make(rng)) for _ in range(shots))
    item = make(rng)
    text = f"{HARNESS_HEADERS[task]}\n\n{examples}\n\nQ: {item.question}\nA:"
    return Prompt(
        label="cot_harvesting",
        turns=(Turn("user", text),),
        temperature=0.0,
        max_tokens=1024,
        response_text="First,",
        variant=f"benchmark_{task}",
    )
