"""Pre-processing shared by training and serving: parsing, truncation, tokens, feature counting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from distillguard.classifier import preprocessing as pp
from distillguard.classifier.preprocessing import Block, Featurizer

SYSTEM = "You are a careful assistant. " * 120  # ~3,400 chars
TOOLS = '[{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]' + " " * 3000
USER_START = "FIRST-PART of the request: please summarise the following report."
USER_END = "LAST-PART: answer in three bullet points."


def _long_prompt() -> str:
    middle = "lorem ipsum dolor sit amet " * 800
    return pp.join_blocks(
        [
            Block("system", SYSTEM),
            Block("tools", TOOLS),
            Block("user", "an earlier turn " * 100),
            Block("assistant", "an earlier answer " * 100),
            Block("user", f"{USER_START}\n{middle}\n{USER_END}"),
        ]
    )


def test_split_and_join_round_trip():
    # Given a prompt serialised as in the corpus
    text = '[system]\nBe brief.\n\n[tools]\n[{"name": "f"}]\n\n[user]\nHi\n\n[assistant]\nHello\n\n[user]\nBye'
    # When it is parsed and joined again
    blocks = pp.split_blocks(text)
    # Then the roles are recovered and nothing is lost
    assert [b.role for b in blocks] == ["system", "tools", "user", "assistant", "user"]
    assert pp.join_blocks(blocks) == text


def test_raw_completion_prompt_is_one_raw_block():
    assert pp.split_blocks("Question: who?\nThought 1:") == [Block("raw", "Question: who?\nThought 1:")]


def test_short_prompts_are_not_truncated():
    text = "[user]\n" + "x" * (pp.MAX_CHARS - 10)
    assert pp.truncate(text) == text


def test_truncation_keeps_system_tools_and_both_ends_of_last_user_turn():
    # Given a 30,000-character chat prompt
    text = _long_prompt()
    assert len(text) > 20_000
    # When it is truncated
    out = pp.truncate(text)
    # Then it is bounded and keeps what matters
    assert len(out) <= pp.MAX_TRUNCATED_CHARS
    blocks = pp.split_blocks(out)
    roles = [b.role for b in blocks]
    assert roles == ["system", "tools", "user", "assistant", "user"]
    assert blocks[0].content.startswith(SYSTEM[:1000])
    assert blocks[1].content.startswith('[{"type": "function"')
    assert blocks[-1].content.startswith(USER_START)
    assert blocks[-1].content.endswith(USER_END)


def test_truncation_of_raw_prompt_keeps_head_and_tail():
    text = "INSTRUCTIONS at the top. " + "filler " * 5000 + "Question: the new one\nThought 1:"
    out = pp.truncate(text)
    assert out.startswith("INSTRUCTIONS at the top.")
    assert out.endswith("Question: the new one\nThought 1:")
    assert len(out) <= pp.RAW_HEAD + pp.RAW_TAIL + len(pp.ELLIPSIS)


def test_many_turns_keep_only_the_most_recent_ones():
    turns = [Block("user" if i % 2 == 0 else "assistant", f"turn-{i} " + "x" * 500) for i in range(40)]
    out = pp.split_blocks(pp.truncate(pp.join_blocks(turns)))
    assert len(out) == pp.MAX_OTHER_TURNS + 1
    assert out[-1].content.startswith("turn-39")  # the final assistant turn (a head of it)
    assert [b for b in out if b.role == "user"][-1].content.startswith("turn-38")  # the last user turn, kept
    assert out[0].content.startswith(f"turn-{39 - pp.MAX_OTHER_TURNS}")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(pp.ROLES), st.text(min_size=0, max_size=6000)),
        min_size=1,
        max_size=12,
    )
)
def test_truncation_is_always_bounded(parts):
    text = pp.join_blocks(Block(role, content) for role, content in parts)
    assert len(pp.truncate(text)) <= pp.MAX_TRUNCATED_CHARS


def test_tokens_are_lowercased_numbers_masked_and_structure_added():
    words, struct = pp.text_and_struct_tokens("[system]\nBe Brief.\n\n[user]\nWhat is 12+345? <think>")
    assert "be" in words and "brief" in words
    assert "12" not in words and "345" not in words and words.count("0") == 2
    assert words[-3:] == ["<", "think", ">"]
    assert struct == ["§system", "§user", "§tags"]


def test_layout_cues_are_wording_free_and_say_where_they_are():
    # Given a reasoning format in the system prompt, lettered options and a tools block
    text = (
        "[system]\nReason inside <scratch></scratch>, answer inside [[final]].\n\n"
        '[tools]\n[{"name": "f"}]\n\n[user]\nPick one.\nA. red\nB. green\nC. blue'
    )
    # When the structural tokens are computed
    _, struct = pp.text_and_struct_tokens(text)
    # Then the tags count as configuration cues (system and tools share the prefix), the options as user cues
    assert {"§sys_tags", "§sys_tags3", "§sys_json", "§options"} <= set(struct)
    assert "§tags" not in struct and "§json" not in struct


def test_a_repeated_line_prefix_scaffold_is_a_cue_whatever_its_words():
    loop = "Goal: x\nPlan 1: a\nCall 1: b\nResult 1: c\nPlan 2: d\nCall 2: e\nResult 2: f"
    assert "§scaffold" in pp.text_and_struct_tokens(loop)[1]
    assert "§scaffold" not in pp.text_and_struct_tokens("Name: Ann\nAge: 4\nCity: Oslo\nNote: hi")[1]


def test_tool_calls_and_raw_layout_tokens():
    _, struct = pp.text_and_struct_tokens('[user]\nhi\n\n[assistant]\n[tool_calls] [{"name": "f"}]\n\n[tool]\n{}')
    assert {"§tool_calls", "§ends_tool", "§tool", "§assistant"} <= set(struct)
    assert pp.text_and_struct_tokens("Thought 1:")[1] == ["§raw", "§ends_raw"]


def _tiny_featurizer() -> Featurizer:
    return Featurizer.from_strings(["a", "b", "c", "§user"], ["a b", "b c", "c a"])


def test_featurizer_counts_unigrams_bigrams_and_structure():
    fz = _tiny_featurizer()
    indices, counts = fz.transform(["[user]\na b a b zzz c"])
    got = {int(i): float(c) for i, c in zip(indices[0], counts[0], strict=True) if c > 0}
    expected = {
        fz.vocab["a"]: 2.0,
        fz.vocab["b"]: 2.0,
        fz.vocab["c"]: 1.0,
        fz.vocab["§user"]: 1.0,
        fz.n_uni_ids + int(np.searchsorted(fz.bigram_keys, fz.bigram_key("a", "b"))): 2.0,
        # "b a" is not in the vocabulary; "zzz" is unknown, so "zzz c" and "b zzz" are dropped too.
    }
    assert got == expected


def test_featurizer_is_batch_independent_and_never_links_prompts():
    fz = _tiny_featurizer()
    texts = ["[user]\na b", "[user]\nc", "[user]\nc a b c", ""]
    batch_i, batch_c = fz.transform(texts)
    for k, text in enumerate(texts):
        one_i, one_c = fz.transform([text])
        row = {int(i): float(c) for i, c in zip(batch_i[k], batch_c[k], strict=True) if c > 0}
        alone = {int(i): float(c) for i, c in zip(one_i[0], one_c[0], strict=True) if c > 0}
        assert row == alone
    # Padding is id 0 with count 0
    assert np.all(batch_c[batch_i == 0] == 0)
    assert batch_i.dtype == np.int64 and batch_c.dtype == np.float32


def test_featurizer_rejects_unsorted_bigram_keys():
    try:
        Featurizer(["a", "b"], np.array([5, 3]))
    except ValueError:
        return
    raise AssertionError("unsorted keys accepted")
