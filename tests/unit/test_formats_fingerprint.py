"""template_fingerprint groups prompts built from one template; toolset_fingerprint names a set of tools."""

from __future__ import annotations

import re

from distillguard.formats import template_fingerprint, toolset_fingerprint

TEMPLATE = (
    "[system]\nYou will be given a problem. Please reason step by step, and put your final answer within \\boxed{{}}:"
    "\n\n[user]\n{problem}"
)
PROBLEMS = (
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips "
    "did Natalia sell altogether in April and May? Show the arithmetic for each month before giving the total.",
    "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she "
    "earn? Explain how you convert the minutes into a fraction of an hour and what that means for the pay.",
)


def test_a_fingerprint_is_sixteen_hex_characters_and_stable() -> None:
    fingerprint = template_fingerprint("[user]\nhello")

    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    assert fingerprint == template_fingerprint("[user]\nhello")


def test_prompts_from_one_template_with_different_long_problems_share_a_fingerprint() -> None:
    first, second = (template_fingerprint(TEMPLATE.format(problem=problem)) for problem in PROBLEMS)

    assert first == second


def test_numbers_and_quoted_values_do_not_change_the_fingerprint() -> None:
    first = template_fingerprint('[user]\nConvert "2024-01-05" to ISO week for order 88123 at 3.5% tax.')
    second = template_fingerprint('[user]\nConvert "1999-12-31" to ISO week for order 7 at 12% tax.')

    assert first == second


def test_different_templates_have_different_fingerprints() -> None:
    problem = PROBLEMS[0]
    cot = template_fingerprint(TEMPLATE.format(problem=problem))
    plain = template_fingerprint(f"[user]\n{problem}")
    short_a = template_fingerprint("[user]\nWrite a haiku about autumn.")
    short_b = template_fingerprint("[user]\nTranslate this sentence into French.")

    assert len({cot, plain, short_a, short_b}) == 4


def test_a_toolset_fingerprint_ignores_order_and_repeats() -> None:
    assert toolset_fingerprint(["search", "open", "search"]) == toolset_fingerprint(["open", "search"])
    assert toolset_fingerprint(["open"]) != toolset_fingerprint(["open", "search"])
    assert toolset_fingerprint([]) is None
