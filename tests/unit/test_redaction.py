"""Redaction of samples that leave the pipeline costs what a plain text of the same length costs."""

from __future__ import annotations

import time

import pytest

from distillguard.redaction import redact

HOSTILE = {
    "unterminated PEM markers": "-----BEGIN RSA PRIVATE KEY----- x " * 4_000,
    "an address-like run without an @": "a." * 70_000,
    "an @ after a long local part": "a" * 140_000 + "@",
}
PLAIN = "Please summarise the notes from Tuesday's meeting and list the open questions.\n" * 1_800


def best_time(text: str) -> float:
    fastest = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        redact(text)
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_text_is_redacted_about_as_fast_as_a_plain_one(name: str) -> None:
    assert best_time(HOSTILE[name]) <= 5 * best_time(PLAIN[: len(HOSTILE[name])]) + 0.005, name


def test_a_secret_that_crosses_the_sample_cut_is_still_redacted() -> None:
    text = "x " * 995 + "key sk-" + "A1b2C3d4" * 8 + " end"
    sample = redact(text)
    assert "A1b2C3d4" not in sample and sample.endswith("key [SECR…") and len(sample) == 2_000
