"""The vectorised featurisation gives exactly what the plain string tokenizer gives, on any text."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from distillguard.classifier import preprocessing as pp
from distillguard.classifier.runtime import DEFAULT_MODEL_DIR, load_featurizer
from distillguard.classifier.tokens import IdTable, TokenIdMapper, word_tokens

SHIPPED = load_featurizer(DEFAULT_MODEL_DIR)
# Words the shipped vocabulary knows, longer ones (past the 8-character exact keys) and the structural tokens.
KNOWN = [t for t in SHIPPED.unigrams if t][:: max(1, len(SHIPPED.unigrams) // 400)] + [
    "step",
    "reasoning",
    "function",
    "parameters",
    "0",
    "<",
    "think",
    ">",
]
# Characters where Unicode and the regular expressions disagree with intuition: case changes that change the
# length (İ -> i + combining dot), decimal digits of other scripts, numeric non-digits, the separators \s knows,
# a lone surrogate, NUL, CJK/kana/hangul (one token each), emoji, ligatures.
TRICKY = list("İIßẞﬁǅ\u0307٣४²½Ⅻ_\x1c\x1d\x1f\x0b\x85\u2028\u3000\x00日本テ한국🙂é§«⟦") + ["\ud800", "\udfff"]
SEPARATORS = ["", " ", "\n", "\n\n", "\n\n[user]\n", "[system]\n", "\n\n[tools]\n", "12", "_", '{"a": ']

pieces = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(TRICKY),
    st.sampled_from(SEPARATORS),
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from(TRICKY + list("abcXYZ09 ")), max_size=12),
)
prompts = st.lists(pieces, max_size=60).map("".join)


def _reference_ids(vocab: dict[str, int], texts: list[str]) -> tuple[list[int], list[int]]:
    ids: list[int] = []
    docs: list[int] = []
    for d, text in enumerate(texts):
        toks = word_tokens(text)
        ids.extend(vocab.get(t, 0) for t in toks)
        docs.extend([d] * len(toks))
    return ids, docs


def _reference_coo(fz: pp.Featurizer, texts: list[str]) -> list[tuple[int, int, float]]:
    """The features counted one prompt at a time with dictionaries, from the string tokens training uses."""
    bigram_pos = {int(k): j for j, k in enumerate(fz.bigram_keys)}
    rows = []
    for d, text in enumerate(texts):
        words, struct = pp.text_and_struct_tokens(text)
        ids = [fz.vocab.get(t, 0) for t in words]
        feats = Counter(i for i in ids if i)
        for a, b in zip(ids, ids[1:], strict=False):
            j = bigram_pos.get(a * fz.n_uni_ids + b) if a and b else None
            if j is not None:
                feats[fz.n_uni_ids + j] += 1
        feats.update(i for s in struct if (i := fz.vocab.get(s, 0)))
        rows.extend((d, f, float(c)) for f, c in sorted(feats.items()))
    return rows


def _coo_rows(fz: pp.Featurizer, texts: list[str]) -> list[tuple[int, int, float]]:
    d, f, c = fz.transform_coo(texts)
    return list(zip(d.tolist(), f.tolist(), c.tolist(), strict=True))


def _featurizer_knowing(texts: list[str]) -> pp.Featurizer:
    """A vocabulary of the shipped words plus every other token of the texts, and their bigrams."""
    own = sorted({t for text in texts for t in word_tokens(pp.truncate(text))[::2]})
    unigrams = sorted(set(KNOWN) | set(own) | {"§user", "§system", "§tools", "§json", "§raw", "§ends_raw"})
    bigrams = [
        f"{a} {b}"
        for text in texts
        for a, b in zip(word_tokens(pp.truncate(text)), word_tokens(pp.truncate(text))[1:], strict=False)
    ]
    return pp.Featurizer.from_strings(unigrams, [*bigrams[::3], "step 0", "< think", "think >"])


@settings(max_examples=150, deadline=None)
@given(st.lists(prompts, min_size=1, max_size=6))
def test_token_ids_equal_those_of_the_string_tokens_on_hostile_text(texts):
    # Given prompts of tricky characters and a vocabulary that knows some of their tokens
    vocab = {t: i + 1 for i, t in enumerate(sorted({*KNOWN, *(w for x in texts for w in word_tokens(x)[::2])}))}
    # When the batch is mapped to ids at once
    ids, docs = TokenIdMapper(vocab).ids(texts)
    # Then every token has the id and the prompt the string tokenizer gives it, each prompt's tokens together
    # and in order (ASCII prompts come first)
    assert np.count_nonzero(np.diff(docs)) == max(len(np.unique(docs)) - 1, 0)
    by_prompt = np.argsort(docs, kind="stable")
    assert (ids[by_prompt].tolist(), docs[by_prompt].tolist()) == _reference_ids(vocab, texts)


@settings(max_examples=80, deadline=None)
@given(st.lists(prompts, min_size=1, max_size=5))
def test_feature_counts_equal_a_dictionary_count_of_the_string_tokens(texts):
    fz = _featurizer_knowing(texts)
    assert _coo_rows(fz, texts) == _reference_coo(fz, texts)


def test_long_prompts_count_the_same_as_the_string_tokens():
    # Given long prompts: a 20,000-character chat, a raw completion, one letter run of 9,000 characters,
    # words past the exact-key length, non-ASCII text and digits everywhere
    words = [
        "reasoning",
        "carefully",
        "Step-by-step",
        "über",
        "naïve",
        "日本語",
        "функция",
        "parameters_schema",
        "12345",
        "x9y",
        "<think>",
    ]
    chat = pp.join_blocks(
        [
            pp.Block("system", " ".join(words * 150)),
            pp.Block("tools", '[{"name": "f", "parameters": {"type": "object"}}] ' * 80),
            pp.Block("user", "\n".join(f"({c}) option {i}" for i, c in enumerate("ABCDE" * 300))),
        ]
    )
    texts = [chat, " ".join(words * 500), "a" * 9000, "İ" * 5000 + "x", "", "   \n\n  "]
    assert len(chat) > 20_000
    fz = _featurizer_knowing(texts)
    # When and Then: the batch and the dictionary count agree, and so does each prompt alone
    assert _coo_rows(fz, texts) == _reference_coo(fz, texts)
    assert _coo_rows(fz, texts[:1]) == _reference_coo(fz, texts[:1])


def test_shipped_vocabulary_on_the_reference_prompts():
    prompts = json.loads((DEFAULT_MODEL_DIR / "reference_predictions.json").read_text(encoding="utf-8"))["prompts"]
    assert _coo_rows(SHIPPED, prompts) == _reference_coo(SHIPPED, prompts)


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.integers(min_value=0, max_value=2**64 - 1), max_size=300),
    st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=100),
)
def test_id_table_answers_like_a_dict(keys, others):
    # Given keys (hypothesis likes small and equal-slot ones) and their values
    keys = sorted(keys)
    table = IdTable(np.array(keys, dtype=np.uint64), np.arange(len(keys)))
    expected = {k: i for i, k in enumerate(keys)}
    queries = keys + others
    # When all are looked up at once, Then each gets its value, or the default when absent
    got = table.lookup(np.array(queries, dtype=np.uint64), default=-7).tolist()
    assert got == [expected.get(q, -7) for q in queries]


def test_id_table_refuses_duplicate_keys():
    try:
        IdTable(np.array([3, 3], dtype=np.uint64), np.array([0, 1]))
    except ValueError:
        return
    raise AssertionError("duplicate keys accepted")
