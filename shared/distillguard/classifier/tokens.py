"""Word tokens, and their vocabulary ids for a whole batch of prompts at once in numpy.

The definition (:func:`word_tokens`): lower-case, every run of decimal digits becomes ``0``, then split into
letter runs, single CJK/kana/hangul characters, digit runs and single symbols. Training builds its vocabulary
from these strings.

Serving needs only the ids, and building one Python string per token was most of the time classification
took. :class:`TokenIdMapper` finds the same tokens from the code points of a batch: every character has one
class (space, letter, digit, single), so a token starts where the class changes (or at every single
character) and ends where the next one starts. A token's id comes from an exact integer key (up to 8 ASCII
characters read as one integer, or one character of any code point) looked up in :class:`IdTable`, or for 9 to
16 ASCII characters from a hash of both 8-byte halves whose match is then compared with the halves; the few
other tokens (longer words, non-ASCII words) are sliced out and looked up in the vocabulary dict. The ids
equal ``[vocab.get(t, 0) for t in word_tokens(text)]`` exactly (tests/unit/test_classifier_tokens.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

# Letters (without digits, "_" and CJK), CJK/kana/hangul one character at a time, digit runs, any other symbol.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_LETTER = rf"[^\W\d_{_CJK}]"
TOKEN_RE = re.compile(rf"{_LETTER}+|[{_CJK}]|\d+|[^\w\s]|_")
DIGITS_RE = re.compile(r"\d+")


def word_tokens(text: str) -> list[str]:
    """The word tokens of one (already truncated) prompt: the definition the fast path reproduces."""
    return TOKEN_RE.findall(DIGITS_RE.sub("0", text.lower()))


# Character classes. A letter run and a digit run are one token each; a single is a token by itself.
SPACE, LETTER, DIGIT, SINGLE = 0, 1, 2, 3
_UNKNOWN = 255
_CHUNK_BITS = 8  # the class table is filled 256 code points at a time, when a batch first uses them
_N_CODE_POINTS = 0x110000
_CLASS_PATTERNS = ((SPACE, re.compile(r"\s")), (LETTER, re.compile(_LETTER)), (DIGIT, re.compile(r"\d")))

# Exact keys: a token of 2 to 8 ASCII characters is its bytes as a little-endian uint64 (top bit clear; a
# token of 2 or more characters is a letter or digit run, so no byte is NUL and the key is injective); one
# character of any code point is that code point with the top bit set.
_PACKED_MAX_LEN = 8
_SINGLE_FLAG = np.uint64(1 << 63)
_HIGH_BITS = np.uint64(0x8080808080808080)
_LENGTH_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(_PACKED_MAX_LEN + 1)], dtype=np.uint64)


class _CharClasses:
    """Code point -> class, filled lazily from the same regular expressions as :data:`TOKEN_RE`."""

    def __init__(self) -> None:
        self.table = np.full(_N_CODE_POINTS, _UNKNOWN, dtype=np.uint8)
        self._fill(np.array([0], dtype=np.int64))  # ASCII and Latin-1 up front
        self._latin1 = self.table[:256].tobytes()  # for bytes.translate, much faster than a numpy gather

    def _fill(self, chunks: np.ndarray) -> None:
        size = 1 << _CHUNK_BITS
        for chunk in chunks.tolist():
            lo = chunk << _CHUNK_BITS
            chars = "".join(map(chr, range(lo, lo + size)))
            classes = np.full(size, SINGLE, dtype=np.uint8)
            for cls, pattern in _CLASS_PATTERNS:
                for m in pattern.finditer(chars):
                    classes[m.start()] = cls
            self.table[lo : lo + size] = classes

    def of(self, code_points: np.ndarray, low_bytes: np.ndarray) -> np.ndarray:
        """Classes of ``code_points``; ``low_bytes`` are the same characters clipped to 255."""
        classes = np.frombuffer(low_bytes.tobytes().translate(self._latin1), dtype=np.uint8).copy()
        if code_points.dtype != np.uint8:
            beyond = np.flatnonzero(code_points > 255)
            if beyond.size:
                wide = code_points[beyond]
                wide_classes = np.take(self.table, wide)
                unknown = wide_classes == _UNKNOWN
                if unknown.any():
                    self._fill(np.unique(wide[unknown] >> _CHUNK_BITS))
                    wide_classes = np.take(self.table, wide)
                classes[beyond] = wide_classes
        return classes


_classes: _CharClasses | None = None


def _char_classes() -> _CharClasses:
    global _classes
    if _classes is None:
        _classes = _CharClasses()
    return _classes


class IdTable:
    """An immutable uint64 -> int64 hash map over numpy arrays (open addressing, linear probing).

    ``lookup`` answers a whole array of keys in a few vectorised probes (most keys in the first): faster than
    a binary search over sorted keys once the table no longer fits in cache. ``np.take`` gathers, as it is
    several times faster than fancy indexing here.
    """

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        values = np.asarray(values, dtype=np.int64)
        ordered = keys if np.all(keys[1:] > keys[:-1]) else np.sort(keys)  # bigram keys come sorted
        if np.any(ordered[1:] == ordered[:-1]):
            raise ValueError("IdTable keys must be unique")
        if values.size and not 0 <= values.min() <= values.max() < 2**31:
            raise ValueError("IdTable values must be in [0, 2**31)")
        bits = max(4, int(2 * max(keys.size, 1)).bit_length())  # load factor <= 1/2
        self._shift = np.uint64(64 - bits)
        # Linear probing, built at once: inserted in the order of their home slots, the i-th key lands at
        # max(home_i, position_{i-1} + 1), a running maximum of home_i - i. Runs never wrap around: the table
        # has room past its last run (and an empty slot after it, where every probe ends).
        home = self._slots(keys)
        order = np.argsort(home)  # any order among keys of one home slot will do
        rank = np.arange(keys.size)
        position = np.maximum.accumulate(home[order] - rank) + rank if keys.size else rank
        size = max(1 << bits, int(position.max()) + 2 if keys.size else 0)
        self._keys = np.zeros(size, dtype=np.uint64)
        self._values = np.full(size, -1, dtype=np.int32)  # -1: empty slot
        self._keys[position] = keys[order]
        self._values[position] = values[order]

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * self._MULTIPLIER) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray, default: int = -1) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.uint64)
        slots = self._slots(keys)
        values = np.take(self._values, slots)
        occupied = values >= 0
        hit = occupied & (np.take(self._keys, slots) == keys)
        out = np.where(hit, values, default).astype(np.int64)
        pending = np.flatnonzero(occupied & ~hit)  # the slot holds another key: probe on
        slots = slots[pending] + 1
        while pending.size:
            values = np.take(self._values, slots)
            occupied = values >= 0
            hit = occupied & (np.take(self._keys, slots) == keys[pending])
            out[pending[hit]] = values[hit]
            more = occupied & ~hit
            pending, slots = pending[more], slots[more] + 1
        return out


def _as_words(data: np.ndarray) -> np.ndarray:
    """``data`` (uint8) as little-endian uint64 words, zero-padded by at least 8 bytes."""
    padded = np.zeros((data.size // 8 + 2) * 8, dtype=np.uint8)
    padded[: data.size] = data
    return padded.view("<u8")


def _eight_bytes_at(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The 8 bytes from each byte position on, as little-endian uint64, from two aligned word reads."""
    index = positions >> 3
    shift = ((positions & 7) * 8).astype(np.uint64)
    low = np.take(words, index) >> shift
    high = np.take(words, index + 1) << ((np.uint64(64) - shift) & np.uint64(63))
    return np.where(shift == 0, low, low | high)


def _halves_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """A 64-bit hash of two 8-byte halves (matches are then checked against both halves: exact)."""
    return (first * np.uint64(0xC2B2AE3D27D4EB4F)) ^ (second * np.uint64(0x165667B19E3779F9) + np.uint64(1))


def _exact_keys(vocab: Mapping[str, int]) -> tuple[list[int], list[int]]:
    """The exact integer keys of the vocabulary's words that have one (see above), and their ids."""
    keys: list[int] = []
    ids: list[int] = []
    single_flag = 1 << 63
    for token, i in vocab.items():
        n = len(token)
        if n == 1:
            keys.append(single_flag | ord(token))
            ids.append(i)
        elif 2 <= n <= _PACKED_MAX_LEN and token.isascii():
            keys.append(int.from_bytes(token.encode(), "little"))
            ids.append(i)
    return keys, ids


class TokenIdMapper:
    """Batch of truncated prompts -> (vocabulary id of every word token, its prompt's index)."""

    def __init__(self, vocab: Mapping[str, int]) -> None:
        self.vocab = dict(vocab)
        keys, ids = _exact_keys(self.vocab)
        self._table = IdTable(np.array(keys, dtype=np.uint64), np.array(ids, dtype=np.int64))
        self._zero_id = self.vocab.get("0", 0)
        # Words of 9 to 16 ASCII characters: their two 8-byte halves, found by a hash of both and then compared.
        long_words = [(t, i) for t, i in self.vocab.items() if _PACKED_MAX_LEN < len(t) <= 2 * _PACKED_MAX_LEN]
        long_words = [(t, i) for t, i in long_words if t.isascii()]
        self._long_first = np.array([int.from_bytes(t[:8].encode(), "little") for t, _ in long_words], np.uint64)
        self._long_second = np.array([int.from_bytes(t[8:].encode(), "little") for t, _ in long_words], np.uint64)
        self._long_ids = np.array([i for _, i in long_words], dtype=np.int64)
        self._long_table = IdTable(_halves_hash(self._long_first, self._long_second), np.arange(len(long_words)))

    def ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``ids`` int64 (0 for a token out of the vocabulary) and ``docs`` int64, one entry per word token.

        Each prompt's tokens come together and in order; the ASCII prompts come first (they are read one byte
        per character, the others four), so ``docs`` is not sorted when a batch mixes both."""
        lowered = [t.lower() for t in texts]
        plain = [i for i, t in enumerate(lowered) if t.isascii()]
        if len(plain) in (0, len(lowered)):
            ids, per_doc = self._ids_of(lowered, ascii_only=bool(plain))
            return ids, np.repeat(np.arange(len(texts), dtype=np.int64), per_doc)
        wide = [i for i, t in enumerate(lowered) if not t.isascii()]
        plain_ids, plain_per_doc = self._ids_of([lowered[i] for i in plain], ascii_only=True)
        wide_ids, wide_per_doc = self._ids_of([lowered[i] for i in wide], ascii_only=False)
        docs = np.repeat(np.array(plain + wide, dtype=np.int64), np.concatenate([plain_per_doc, wide_per_doc]))
        return np.concatenate([plain_ids, wide_ids]), docs

    def _ids_of(self, lowered: list[str], ascii_only: bool) -> tuple[np.ndarray, np.ndarray]:
        """Token ids of lower-cased prompts, and how many tokens each has."""
        joined = "\n".join(lowered)  # a space between prompts: no token crosses from one to the next
        if ascii_only:
            cps: np.ndarray = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        else:
            cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if cps.size == 0:
            return np.zeros(0, np.int64), np.zeros(len(lowered), np.int64)
        # The low byte of each character, every one past Latin-1 becoming 0xFF (the classes and the exact keys
        # need no more: 0xFF has its high bit set, which marks a key unusable, and its class is looked up apart).
        low_bytes = cps if cps.dtype == np.uint8 else np.minimum(cps, 255).astype(np.uint8)
        cls = _char_classes().of(cps, low_bytes)
        word = cls != SPACE
        single = cls == SINGLE
        change = np.empty(cls.size + 1, dtype=bool)  # change[i]: characters i - 1 and i differ in class
        change[0] = change[-1] = True
        np.not_equal(cls[1:], cls[:-1], out=change[1:-1])
        starts = np.flatnonzero(word & (change[:-1] | single))
        ends = np.flatnonzero(word & (change[1:] | single)) + 1
        lengths = ends - starts
        tok_cls = cls[starts]

        # Exact keys: a token of up to 8 ASCII characters is its bytes read as one little-endian uint64.
        words = _as_words(low_bytes)
        keys = _eight_bytes_at(words, starts) & np.take(_LENGTH_MASKS, np.minimum(lengths, _PACKED_MAX_LEN))
        packable = lengths <= _PACKED_MAX_LEN
        if cps.dtype != np.uint8:
            packable &= (keys & _HIGH_BITS) == 0
        one = lengths == 1
        keys = np.where(one, _SINGLE_FLAG | np.take(cps, starts).astype(np.uint64), keys)
        keyed = packable | one
        ids = np.where(keyed, self._table.lookup(keys, default=0), 0)
        halves = np.flatnonzero((lengths > _PACKED_MAX_LEN) & (lengths <= 2 * _PACKED_MAX_LEN))
        if halves.size and self._long_ids.size:
            first = _eight_bytes_at(words, starts[halves])
            second = _eight_bytes_at(words, starts[halves] + _PACKED_MAX_LEN) & np.take(
                _LENGTH_MASKS, lengths[halves] - _PACKED_MAX_LEN
            )
            ascii_only = ((first | second) & _HIGH_BITS) == 0
            found = self._long_table.lookup(_halves_hash(first, second))
            cand = np.maximum(found, 0)
            same = (
                (found >= 0) & (np.take(self._long_first, cand) == first) & (np.take(self._long_second, cand) == second)
            )
            ids[halves[same]] = np.take(self._long_ids, cand[same])
            keyed[halves[ascii_only]] = True  # an ASCII word of this length is in this table or nowhere
        rest = np.flatnonzero(~keyed & (tok_cls != DIGIT))
        if rest.size:
            get = self.vocab.get
            ids[rest] = [get(joined[s:e], 0) for s, e in zip(starts[rest].tolist(), ends[rest].tolist(), strict=True)]
        ids[tok_cls == DIGIT] = self._zero_id

        doc_starts = np.cumsum([0] + [len(t) + 1 for t in lowered])
        return ids, np.diff(np.searchsorted(starts, doc_starts))
