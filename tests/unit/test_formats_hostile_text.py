"""Hostile prompt text costs what plain text of the same length costs: every text pass is linear in its input.

Times are compared as ratios against a plain prompt of the same length measured in the same test, never against a
fixed budget, so a slow or busy machine does not fail them. The quadratic ID masking this guards against took 475 s
on 150,000 characters of ``a-a-a-...``; plain text of that length takes a fraction of a second.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distillguard.formats import FormatSettings, parse_record, template_fingerprint

LENGTH = 150_000
MAX_RATIO = 5.0
SLACK_SECONDS = 0.02  # below this, scheduling noise on a loaded 2-core machine dominates (quadratic costs seconds)
# Plain text as prompts are: prose with a number and a quoted phrase, so every masking pattern has work to do.
PROSE = (
    'The committee reviewed the figures for Q3 2025 and asked for a short "summary" of the changes.\n'
    "Please keep the tone neutral, cite tables 4 and 7 by number, and list open questions at the end.\n"
)

HOSTILE_TEXTS = {
    "dash-separated letters": "a-" * (LENGTH // 2),
    "dash-separated letters in lines": ("a-" * 1_000 + "\n") * (LENGTH // 2_001),
    "hex-like run with digits": "0123456789abcdef" * (LENGTH // 16),
    "hex-like run without digits": "abcdef" * (LENGTH // 6),
    "dash-separated hex groups": "abcd-" * (LENGTH // 5),
    "nested brackets": "[" * 20_000 + "]" * 20_000,
    "combining marks": "e" + "\u0301" * 100_000,
    "escaped double quotes": '"\\' * (LENGTH // 2),
    "escaped single quotes": "'\\" * (LENGTH // 2),
    "backticks": "`" * LENGTH,
    "unclosed code fences": "```x\n" * (LENGTH // 5),
    "number-like run": "1,1.1e" * (LENGTH // 6),
    "url-like run": "http://" * (LENGTH // 7),
}


def plain_text(length: int) -> str:
    return (PROSE * (length // len(PROSE) + 1))[:length]


def best_time(work: Callable[[], Any], repeats: int = 3) -> float:
    """The fastest of a few runs after one untimed warm-up, with the garbage collector paused: the run least
    disturbed by whatever else the machine is doing (a collection of the test process's heap alone can take
    longer than the budget of a short text)."""
    work()
    fastest = float("inf")
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            started = time.perf_counter()
            work()
            fastest = min(fastest, time.perf_counter() - started)
    finally:
        if collecting:
            gc.enable()
    return fastest


def gateway_record(text: str) -> dict[str, Any]:
    return {
        "ts": 1_764_234_843.0,
        "request_id": "req-hostile",
        "account_id": "acct-1",
        "request": {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]},
    }


def parse(text: str) -> Any:
    return parse_record(gateway_record(text), source_key="k", line_number=1, settings=FormatSettings())


@cache
def plain_parse_seconds(length: int) -> float:
    return best_time(lambda: parse(plain_text(length)))


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_a_hostile_prompt_is_read_as_fast_as_a_plain_one_of_its_length(name: str) -> None:
    # Given a crafted prompt and a plain prompt of the same length
    text = HOSTILE_TEXTS[name]

    # When each is read into a canonical record (serialised, bounded and fingerprinted)
    hostile = best_time(lambda: parse(text))

    # Then the crafted one costs about what the plain one costs
    assert hostile <= MAX_RATIO * plain_parse_seconds(len(text)) + SLACK_SECONDS, f"{name}: {hostile:.3f} s"


ATOMS = (
    "a-", "a", "-", "deadbeef", "0", "1,", "1.", "1e", "e", '"', '\\"', "'", "\\'", "\\", "`", "```", "[", "]",
    "\u0301", "http://", " ", "\n", "\t", "abcd-", "x", "_", "\u4e00",
)  # fmt: skip
pathological = st.lists(
    st.tuples(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=3).map("".join), st.integers(1, 6_000)),
    min_size=1,
    max_size=4,
).map(lambda runs: "".join(unit * count for unit, count in runs))


@cache
def plain_fingerprint_seconds(length: int) -> float:
    text = plain_text(length)
    return best_time(lambda: template_fingerprint(text))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pathological)
def test_fingerprinting_generated_pathological_text_is_linear(text: str) -> None:
    # Given long runs of the characters patterns trip over (dashes, hex, quotes, escapes, fences, marks, digits)
    # When it is fingerprinted
    hostile = best_time(lambda: template_fingerprint(text), repeats=5)  # best of five: scheduler noise is milliseconds

    # Then it costs about what plain text of its length costs, and the fingerprint is well formed
    assert hostile <= MAX_RATIO * plain_fingerprint_seconds(len(text)) + SLACK_SECONDS
    assert len(template_fingerprint(text)) == 16
