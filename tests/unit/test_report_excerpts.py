"""Redacted template examples: what a finding shows of a scaffold without carrying prompt text."""

from __future__ import annotations

import time

from distillguard.formats.excerpt import EXCERPT_CHARS, template_examples
from distillguard.formats.fingerprint import template_fingerprint
from distillguard.formats.opening import opening_fingerprint

PROMPT = (
    "[system]\nYou are a careful solver. Contact ops@example.com with key sk-ant-abcdefghijklmnop1234.\n"
    "[user]\nSolve step by step and show every intermediate thought before the answer. "
    'Problem 4412: a train leaves "Springfield" at 17:05 going 88 km/h toward https://maps.example.com/x?id=9.'
)


def test_examples_are_keyed_by_the_requests_fingerprints_and_hold_no_values() -> None:
    examples = template_examples(PROMPT, template_fingerprint(PROMPT), opening_fingerprint(PROMPT))
    assert set(examples) == {template_fingerprint(PROMPT), opening_fingerprint(PROMPT)}
    skeleton = examples[template_fingerprint(PROMPT)]
    assert "You are a careful solver." in skeleton
    for value in ("ops@example.com", "sk-ant-abcdefghijklmnop1234", "4412", "Springfield", "maps.example.com"):
        assert all(value not in example for example in examples.values())
    assert all(len(example) <= EXCERPT_CHARS for example in examples.values())
    assert examples[opening_fingerprint(PROMPT)].startswith("solve step by step")


def test_a_hostile_skeleton_costs_what_a_short_one_does() -> None:
    hostile = "[system]\n" + "-----BEGIN RSA PRIVATE KEY----- a\n" * 20_000
    started = time.perf_counter()
    examples = template_examples(hostile, template_fingerprint(hostile), opening_fingerprint(hostile))
    assert time.perf_counter() - started < 2.0
    assert all(len(example) <= EXCERPT_CHARS for example in examples.values())
