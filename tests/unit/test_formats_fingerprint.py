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


def test_ids_in_one_template_do_not_change_the_fingerprint() -> None:
    # Given one ticket template filled with different UUIDs and hex commit ids
    first = template_fingerprint("[user]\nSummarise ticket 3f2a9c1e-4b7d-4e21-9a3c-0d5e6f7a8b9c at commit 9fceb02d.")
    second = template_fingerprint("[user]\nSummarise ticket 0b1c2d3e-5f60-4718-8293-a4b5c6d7e8f9 at commit 1a2b3c4d.")

    # Then they share a fingerprint, while a hex-looking word without digits is kept as text
    assert first == second
    assert template_fingerprint("[user]\nDecode deadbeefcafe now.") != template_fingerprint(
        "[user]\nDecode facadebeaded now."
    )


def test_quoted_values_with_escaped_quotes_are_masked_whole() -> None:
    first = template_fingerprint('[user]\nTranslate "she said \\"hi\\" twice" into French.')
    second = template_fingerprint('[user]\nTranslate "good morning" into French.')

    assert first == second


def test_pasted_content_longer_than_the_masking_limit_is_one_span() -> None:
    # Given one template whose filled-in document is a single line of several thousand characters
    header = "[system]\nYou are a meticulous reviewer.\n\n[user]\nReview the following contract clause:\n"
    first = template_fingerprint(header + "Clause " + "alpha beta gamma " * 400)
    second = template_fingerprint(header + "Clause " + "delta epsilon " * 700)

    # Then the paste is one span and the prompts share the template's fingerprint
    assert first == second
    assert first != template_fingerprint(header.replace("contract clause", "press release") + "x " * 3000)


def test_a_lone_long_message_keeps_its_opening_words_even_past_the_masking_limit() -> None:
    # Given lone messages that open with the same instruction, one short and one far past the masking limit
    opening = "Return your final response within \\boxed{}. "
    short, long = (template_fingerprint(f"[user]\n{opening}{problem}") for problem in (PROBLEMS[0], PROBLEMS[1] * 40))

    # Then they share a fingerprint, and another opening does not
    assert short == long
    assert short != template_fingerprint(f"[user]\nSolve this carefully and explain. {PROBLEMS[1] * 40}")
