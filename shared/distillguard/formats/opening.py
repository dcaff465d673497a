"""The opening fingerprint: a hash of how a request's instruction begins, robust to the problem changing.

The template fingerprint hashes a prompt's whole skeleton, so a scaffold whose filled-in content spans short
lines (a multiple-choice stem, a rubric's task line) changes with every problem. Harvesting scripts still
open every request the same way ("Multiple choice. Reason carefully about each distractor...", "You are a
strict, impartial grader..."), so the first words of the first user turn, masked, name the scaffold too.
Ordinary users open in their own words; a common opener shared by ordinary traffic ("Can you help me") is
mostly labelled ordinary, and correlation only links on fingerprints that are mostly harvesting.

Linear in the prompt's length: only the first `SCAN_CHARS` characters are looked at, with bounded patterns."""

from __future__ import annotations

import hashlib
import re

SCAN_CHARS = 2_000
OPENING_WORDS = 8
MIN_WORDS = 4
_USER_BLOCK = re.compile(r"\[user\]\n")
_WORD = re.compile(r"[^\W\d_]{1,40}|\d{1,40}", re.UNICODE)


def opening_words(prompt: str) -> str | None:
    """The first words of the first user turn (numbers masked, case folded) that `opening_fingerprint` hashes, or
    None when the turn opens with fewer than `MIN_WORDS` words."""
    head = prompt[:SCAN_CHARS]
    match = _USER_BLOCK.search(head)
    text = head[match.end() :] if match else head
    words = ["0" if word[0].isdigit() else word.casefold() for word in _WORD.findall(text[:600])]
    if len(words) < MIN_WORDS:
        return None
    return " ".join(words[:OPENING_WORDS])


def opening_fingerprint(prompt: str) -> str | None:
    """16 hex characters naming the first words of the first user turn, or None when there are too few."""
    opening = opening_words(prompt)
    if opening is None:
        return None
    return "o" + hashlib.blake2b(opening.encode(), digest_size=8).hexdigest()[1:]
