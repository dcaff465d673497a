"""Text -> sparse count features, shared by training (models/) and serving (PromptClassifier).

Everything here is plain Python + numpy so that the Lambda needs nothing but onnxruntime. The ONNX graph
takes the output of :meth:`Featurizer.transform` (padded feature ids and raw counts) and does the rest:
idf weighting, sublinear tf, L2 normalisation, the linear layer and the softmax.

Pipeline for one prompt:
1. :func:`truncate` keeps what matters in a long prompt (system prompt, tool schemas, start and end of the
   last user turn, short heads of the other turns) and bounds the length.
2. :func:`tokenize` lower-cases, maps every number to ``0``, splits into word / CJK-character / punctuation
   tokens, and appends a few structural tokens (``§tools``, ``§system``, ...) that describe the role layout.
3. :class:`Featurizer` maps unigrams through a vocabulary and bigrams through a sorted table of
   ``left_id * n_unigram_ids + right_id`` keys, and counts the features per prompt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from distillguard.classifier.tokens import IdTable, TokenIdMapper, word_tokens

ROLES: tuple[str, ...] = ("system", "tools", "user", "assistant", "tool")

# A block header starts the text or follows a blank line: "[role]\n".
_BLOCK_RE = re.compile(r"(?:\A|\n\n)\[(system|tools|user|assistant|tool)\]\n")
# The same headers, found faster: search the literal "[role]\n" and check what precedes it (see _headers).
_HEADER_RE = re.compile(r"\[(system|tools|user|assistant|tool)\]\n")

# Truncation budget, in characters. Prompts no longer than MAX_CHARS are left untouched; longer ones keep:
SYSTEM_HEAD, SYSTEM_TAIL = 1500, 500
TOOLS_HEAD = 1500
LAST_USER_HEAD, LAST_USER_TAIL = 1500, 1000
OTHER_TURN_HEAD = 200
MAX_OTHER_TURNS = 6
RAW_HEAD, RAW_TAIL = 2500, 1500
MAX_CHARS = 4000
ELLIPSIS = "\n...\n"
# Upper bound of len(truncate(text)) for any text, used by the tests and the memory argument.
MAX_TRUNCATED_CHARS = (
    SYSTEM_HEAD + SYSTEM_TAIL + TOOLS_HEAD + LAST_USER_HEAD + LAST_USER_TAIL + MAX_OTHER_TURNS * OTHER_TURN_HEAD
) + 64 * (MAX_OTHER_TURNS + 4)

STRUCT_PREFIX = "§"  # never produced by the tokenizer as part of a longer token


@dataclass(frozen=True, slots=True)
class Block:
    role: str  # one of ROLES, or "raw" for a prompt sent as one string
    content: str


def _headers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of every block header: what ``_BLOCK_RE.finditer`` finds, without its slow scan (a
    pattern that starts with an alternation cannot use the fast literal search)."""
    out: list[tuple[int, int, str]] = []
    last_end = 0
    for m in _HEADER_RE.finditer(text):
        s = m.start()
        if s == 0:
            start = 0
        elif s - 2 >= last_end and text[s - 2 : s] == "\n\n":
            start = s - 2
        else:
            continue
        out.append((start, m.end(), m.group(1)))
        last_end = m.end()
    return out


def split_blocks(text: str) -> list[Block]:
    """Parse the corpus serialisation (``[role]\\ncontent`` blocks joined by blank lines)."""
    headers = _headers(text) if "]\n" in text else []
    if not headers:
        return [Block("raw", text)]
    # Text before the first header: keep it as a raw block.
    blocks = [Block("raw", text[: headers[0][0]])] if headers[0][0] != 0 else []
    for i, (_, end, role) in enumerate(headers):
        stop = headers[i + 1][0] if i + 1 < len(headers) else len(text)
        blocks.append(Block(role, text[end:stop]))
    return blocks


def join_blocks(blocks: Iterable[Block]) -> str:
    parts = [b.content if b.role == "raw" else f"[{b.role}]\n{b.content}" for b in blocks]
    return "\n\n".join(parts)


def _head_tail(s: str, head: int, tail: int) -> str:
    if len(s) <= head + tail + len(ELLIPSIS):
        return s
    return s[:head] + ELLIPSIS + (s[-tail:] if tail else "")


def truncate(text: str) -> str:
    """Bound a prompt's length, keeping the system prompt, tool schemas and the last user turn's ends.

    Prompts of at most MAX_CHARS characters come back unchanged. The result is never longer than
    MAX_TRUNCATED_CHARS, so a batch of very long prompts costs bounded time and memory.
    """
    if len(text) <= MAX_CHARS:
        return text
    blocks = split_blocks(text)
    if len(blocks) == 1 and blocks[0].role == "raw":
        return _head_tail(text, RAW_HEAD, RAW_TAIL)
    last_user = max((i for i, b in enumerate(blocks) if b.role == "user"), default=-1)
    kept: list[Block] = []
    n_other = sum(1 for i, b in enumerate(blocks) if i != last_user and b.role not in ("system", "tools"))
    others_seen = 0
    first_system_done = first_tools_done = False
    for i, b in enumerate(blocks):
        if i == last_user:
            kept.append(Block(b.role, _head_tail(b.content, LAST_USER_HEAD, LAST_USER_TAIL)))
        elif b.role == "system" and not first_system_done:
            first_system_done = True
            kept.append(Block(b.role, _head_tail(b.content, SYSTEM_HEAD, SYSTEM_TAIL)))
        elif b.role == "tools" and not first_tools_done:
            first_tools_done = True
            kept.append(Block(b.role, _head_tail(b.content, TOOLS_HEAD, 0)))
        else:
            others_seen += 1
            # Keep the turns closest to the end (the most recent context).
            if others_seen > n_other - MAX_OTHER_TURNS:
                kept.append(Block(b.role, _head_tail(b.content, OTHER_TURN_HEAD, 0)))
    return join_blocks(kept)


# Layout cues that do not depend on a template's wording, so that they carry over to families never seen:
# markup tags around sections (<think>, <|begin_x|>, [[final]], ⟦x⟧), lettered options, a line-prefix scaffold
# repeated down the prompt (Thought/Action/Observation, Plan/Call/Result), JSON and code. The patterns are
# kept simple (and guarded by substring checks) because they run on every prompt at serving time.
# One pattern per kind of opener, each run only when its opener occurs (the "<" one has a literal first
# character, which the regex engine searches fast). Matches of different patterns cannot overlap, so the union
# of their matches is what one alternation would find.
_TAG_PATTERNS = (
    (("<",), re.compile(r"<\|?/?[A-Za-z_][\w-]{0,30}\|?>")),
    (("[[",), re.compile(r"\[\[/?[A-Za-z_]{2,20}\]\]")),
    (("⟦", "⟪", "«"), re.compile(r"[⟦⟪«]/?[A-Za-z_]{2,20}[⟧⟫»]")),
)
_OPTION_RE = re.compile(r"\n\(?[A-E][.):] ")
_SCAFFOLD_RE = re.compile(r"\n([A-Z][a-z]{1,15})(?: \d+)?:")
# Possessive quantifiers (the same matches: what follows each can never be part of it) spare the backtracking.
_JSON_RE = re.compile(r'[{\[]\s*+"[^"\n]{1,40}+"\s*+:')
# Keys that every tool/function schema format has, whatever the tools are called.
_SCHEMA_RE = re.compile(r'"(?:parameters|properties|required|arguments|input_schema)"\s*:')
# The schema cue is counted (keys found, up to this), so that a block of tool schemas weighs more than one key.
# (Counting every JSON key the same way was measured worse by the judge.)
MAX_SCHEMA_COUNT = 6


def layout_tokens(text: str) -> list[str]:
    """Layout cues of one block's text (see above), as structural tokens."""
    toks = []
    tags: set[str] = set()
    for openers, pattern in _TAG_PATTERNS:
        for opener in openers:
            # (A one-character search is a memchr, many times faster than a search for two characters.)
            if opener[0] in text and opener in text:
                tags.update(pattern.findall(text))
                break
    if tags:
        toks.append(STRUCT_PREFIX + "tags")
        if len(tags) >= 3:
            toks.append(STRUCT_PREFIX + "tags3")
    # Every option and scaffold match holds a line break (and a scaffold one a colon): counting them first
    # skips the search in most blocks.
    newlines = text.count("\n")
    if newlines >= 3 and len(_OPTION_RE.findall(text)) >= 3:
        toks.append(STRUCT_PREFIX + "options")
    prefixes = _SCAFFOLD_RE.findall(text) if newlines >= 4 and text.count(":") >= 4 else []
    if len(prefixes) >= 4:
        counts: dict[str, int] = {}
        for word in prefixes:
            counts[word] = counts.get(word, 0) + 1
        if sum(1 for v in counts.values() if v >= 2) >= 2:
            toks.append(STRUCT_PREFIX + "scaffold")
    if '"' in text and _JSON_RE.search(text):
        toks.append(STRUCT_PREFIX + "json")
        toks.extend([STRUCT_PREFIX + "schema"] * min(len(_SCHEMA_RE.findall(text)), MAX_SCHEMA_COUNT))
    if "`" in text and "```" in text:
        toks.append(STRUCT_PREFIX + "code")
    return toks


def structural_tokens(blocks: Sequence[Block]) -> list[str]:
    """Role layout as tokens (which blocks exist, how many turns, whether it is a raw completion), then the
    layout cues of :func:`layout_tokens`, per block kind (the caller's configuration vs. the conversation)."""
    roles = [b.role for b in blocks]
    toks = [STRUCT_PREFIX + r for r in sorted(set(roles))]
    n_user = roles.count("user")
    if n_user >= 2:
        toks.append(STRUCT_PREFIX + "multi_user")
    if "assistant" in roles and any("[tool_calls]" in b.content for b in blocks if b.role == "assistant"):
        toks.append(STRUCT_PREFIX + "tool_calls")
    if roles and roles[-1] != "user":
        toks.append(STRUCT_PREFIX + "ends_" + roles[-1])
    cues: dict[str, int] = {}
    for b in blocks:
        # The system prompt and a tools parameter are both the caller's configuration, not the user's message:
        # their cues share one prefix, so that what is learnt from one carries over to the other.
        block_toks = layout_tokens(b.content)
        if not block_toks:
            continue
        where = "sys_" if b.role in ("system", "tools") else ""
        block_cues: dict[str, int] = {}
        for t in block_toks:
            tok = t.replace(STRUCT_PREFIX, STRUCT_PREFIX + where)
            block_cues[tok] = block_cues.get(tok, 0) + 1
        for tok, n in block_cues.items():
            cues[tok] = max(cues.get(tok, 0), n)
    for tok, n in cues.items():
        toks.extend([tok] * n)
    return toks


def text_and_struct_tokens(text: str) -> tuple[list[str], list[str]]:
    """The word tokens and the structural tokens of one (untruncated) prompt.

    Truncation first, then lower-casing, numbers -> "0" (so renaming numbers cannot change a feature), split.
    """
    text = truncate(text)
    return word_tokens(text), structural_tokens(split_blocks(text))


def tokenize(text: str) -> list[str]:
    """All unigram tokens of one prompt (word tokens, then structural tokens)."""
    words, struct = text_and_struct_tokens(text)
    return words + struct


def bigram_strings(tokens: Sequence[str]) -> list[str]:
    """Bigrams as "left right" strings (for building the vocabulary; serving uses integer keys)."""
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


class Featurizer:
    """Maps prompts to padded (feature id, count) arrays.

    Feature id 0 is padding (its idf and weights are 0 in the graph). Ids 1..U are unigrams (the structural
    tokens are unigrams too), ids U+1..U+K are bigrams in the order of ``bigram_keys``.
    """

    def __init__(self, unigrams: Sequence[str], bigram_keys: np.ndarray) -> None:
        self.unigrams = list(unigrams)
        self.vocab: dict[str, int] = {t: i + 1 for i, t in enumerate(self.unigrams)}
        self.n_uni_ids = len(self.unigrams) + 1
        keys = np.asarray(bigram_keys, dtype=np.int64)
        if keys.size and np.any(np.diff(keys) <= 0):
            raise ValueError("bigram_keys must be strictly increasing")
        self.bigram_keys = keys
        self.n_features = self.n_uni_ids + len(keys)
        self._token_ids = TokenIdMapper(self.vocab)
        self._bigram_ids = IdTable(keys.astype(np.uint64), np.arange(keys.size, dtype=np.int64))

    @classmethod
    def from_strings(cls, unigrams: Sequence[str], bigrams: Iterable[str]) -> Featurizer:
        """Build from unigram and "left right" bigram strings (bigrams with an unknown side are dropped)."""
        vocab = {t: i + 1 for i, t in enumerate(unigrams)}
        n = len(unigrams) + 1
        keys = []
        for bg in bigrams:
            a, b = bg.split(" ")
            if a in vocab and b in vocab:
                keys.append(vocab[a] * n + vocab[b])
        return cls(unigrams, np.unique(np.asarray(keys, dtype=np.int64)))

    def bigram_key(self, left: str, right: str) -> int:
        return self.vocab[left] * self.n_uni_ids + self.vocab[right]

    def transform_coo(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(doc index, feature id, count) triplets, sorted by doc then feature id; count > 0."""
        truncated = [truncate(t) for t in texts]
        ids, docs = self._token_ids.ids(truncated)
        get = self.vocab.get
        struct_list: list[int] = []
        per_doc: list[int] = []
        for text in truncated:
            struct = structural_tokens(split_blocks(text))
            struct_list.extend(map(get, struct, repeat(0)))
            per_doc.append(len(struct))
        struct_ids = np.array(struct_list, dtype=np.int64)
        struct_docs = np.repeat(np.arange(len(texts), dtype=np.int64), per_doc)
        known_struct = struct_ids > 0

        known = ids > 0
        feat_parts = [ids[known]]
        doc_parts = [docs[known]]
        if self.bigram_keys.size and ids.size > 1:
            left, right = ids[:-1], ids[1:]
            ok = known[:-1] & known[1:] & (docs[:-1] == docs[1:])  # no bigram across prompts
            pos = self._bigram_ids.lookup((left[ok] * self.n_uni_ids + right[ok]).astype(np.uint64))
            found = pos >= 0
            feat_parts.append(self.n_uni_ids + pos[found])
            doc_parts.append(docs[:-1][ok][found])
        feat_parts.append(struct_ids[known_struct])
        doc_parts.append(struct_docs[known_struct])
        feats = np.concatenate(feat_parts)
        fdocs = np.concatenate(doc_parts)
        # One sort of (doc, feature) keys counts every feature of every prompt; 32-bit keys sort faster.
        key_type = np.uint32 if len(texts) * self.n_features < 2**32 else np.int64
        combined = (fdocs * self.n_features + feats).astype(key_type)
        combined.sort()
        first = np.empty(combined.size, dtype=bool)
        first[:1] = True
        np.not_equal(combined[1:], combined[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        uniq = combined[starts].astype(np.int64)
        counts = np.diff(np.append(starts, combined.size)).astype(np.float32)
        return uniq // self.n_features, uniq % self.n_features, counts

    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Padded ``indices`` (int64 [B, L]) and ``counts`` (float32 [B, L]); padding has id 0, count 0."""
        n = len(texts)
        d, f, c = self.transform_coo(texts)
        per_doc = np.bincount(d, minlength=n)
        width = max(int(per_doc.max()) if n else 0, 1)
        indices = np.zeros((n, width), dtype=np.int64)
        counts = np.zeros((n, width), dtype=np.float32)
        starts = np.concatenate(([0], np.cumsum(per_doc)[:-1]))
        flat = d * width + (np.arange(d.size, dtype=np.int64) - np.repeat(starts, per_doc))
        np.put(indices, flat, f)
        np.put(counts, flat, c)
        return indices, counts
