"""A prompt over the length bound keeps the head and tail of its blocks instead of being refused."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from distillguard.formats.bounds import ELIDED, bounded_prompt
from distillguard.formats.prompt import Turn, serialise_prompt

INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
QUESTION = "What is the sum of the first 100 primes? Show every intermediate step."


def test_a_prompt_within_the_bound_is_unchanged() -> None:
    prompt = serialise_prompt(["Be brief."], [], [Turn("user", "Hello")])

    assert bounded_prompt(prompt, 200_000) is prompt


def test_a_padded_turn_keeps_its_instruction_and_its_question() -> None:
    # Given a system prompt and one user turn padded to a megabyte between instruction and question
    prompt = serialise_prompt(
        ["You are a tutor."], [], [Turn("user", f"{INSTRUCTION}\n{'filler ' * 150_000}\n{QUESTION}")]
    )

    # When it is bounded
    bounded = bounded_prompt(prompt, 200_000)

    # Then it fits, the system turn is whole, and the turn keeps both ends around the elision mark
    assert len(bounded) <= 200_000
    assert bounded.startswith(f"[system]\nYou are a tutor.\n\n[user]\n{INSTRUCTION}")
    assert bounded.endswith(QUESTION)
    assert ELIDED in bounded


def test_hundreds_of_filler_turns_keep_the_opening_and_the_latest_turns() -> None:
    # Given the task, then thousands of filler exchanges, then the real question
    filler = [Turn("assistant" if i % 2 else "user", f"filler turn {i} " + "x" * 200) for i in range(5_000)]
    prompt = serialise_prompt(["System rules."], [], [Turn("user", INSTRUCTION), *filler, Turn("user", QUESTION)])

    # When it is bounded
    bounded = bounded_prompt(prompt, 200_000)

    # Then the opening blocks and the last turn survive, and the result fits
    assert len(bounded) <= 200_000
    assert bounded.startswith(f"[system]\nSystem rules.\n\n[user]\n{INSTRUCTION}\n\n")
    assert bounded.endswith(f"[user]\n{QUESTION}")
    assert "filler turn 4999 " in bounded and "filler turn 2500 " not in bounded


def test_a_raw_completion_prompt_keeps_its_head_and_tail() -> None:
    prompt = f"{INSTRUCTION} {'z' * 500_000} {QUESTION}"

    bounded = bounded_prompt(prompt, 10_000)

    assert len(bounded) <= 10_000 and bounded.startswith(INSTRUCTION) and bounded.endswith(QUESTION)


@given(
    st.lists(st.tuples(st.sampled_from(["user", "assistant", "tool"]), st.integers(0, 3_000)), max_size=60),
    st.integers(1, 20_000),
)
def test_any_prompt_is_bounded_and_keeps_its_first_characters(turns: list[tuple[str, int]], max_chars: int) -> None:
    prompt = serialise_prompt(["S"], [], [Turn(role, f"t{i}" + "w" * size) for i, (role, size) in enumerate(turns)])  # type: ignore[arg-type]

    bounded = bounded_prompt(prompt, max_chars)

    assert len(bounded) <= max_chars
    assert bounded == prompt or prompt.startswith(bounded[: min(len(bounded), 5)])
