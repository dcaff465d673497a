"""The opening fingerprint names a harvesting scaffold even when its filled-in lines change every request."""

from __future__ import annotations

import time

from distillguard.formats.fingerprint import template_fingerprint
from distillguard.formats.opening import opening_fingerprint

MC = (
    "[user]\nMultiple choice. Reason carefully about each distractor; answer with one letter.\n\n{stem}\nA. {a}\nB. {b}"
)


def test_one_scaffold_over_different_problems_shares_its_opening_where_the_skeleton_does_not() -> None:
    first = MC.format(stem="A 6 kg crate is lifted 52 m. How much work is done?", a="1529 J", b="312 J")
    second = MC.format(stem="Which gas makes up most of the air we breathe?", a="Oxygen", b="Nitrogen")
    assert template_fingerprint(first) != template_fingerprint(second)
    assert opening_fingerprint(first) == opening_fingerprint(second) is not None


def test_different_openings_differ_and_numbers_do_not_matter() -> None:
    assert opening_fingerprint("[user]\nSolve 12 + 30 and explain each step please") == opening_fingerprint(
        "[user]\nSolve 7 + 8 and explain each step please"
    )
    assert opening_fingerprint("[user]\nYou are a strict grader of the answer below") != opening_fingerprint(
        "[user]\nMultiple choice. Reason carefully about each distractor"
    )
    assert opening_fingerprint("[user]\nhi there") is None


def test_a_huge_prompt_costs_what_its_first_characters_cost() -> None:
    small, huge = "[user]\n" + "a-" * 1_000, "[user]\n" + "a-" * 1_000_000
    started = time.perf_counter()
    opening_fingerprint(small)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    opening_fingerprint(huge)
    assert time.perf_counter() - started < max(50 * plain, 0.05)
