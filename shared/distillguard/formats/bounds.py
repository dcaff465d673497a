"""A prompt too long to keep whole is cut to the head and tail of each block, so a padded prompt is still classified.

Padding is the cheap way past a length limit: bury the harvesting instruction in 100 KB of filler, or in hundreds of
filler turns. Quarantining long prompts would reward it, so instead every block keeps its start and its end (where
instructions and questions sit), and when there are too many blocks the opening ones (system, tools, the first task)
and the latest ones are kept. The classifier's own truncation then reads the same head and tail it would have read
from the whole prompt. The cut is linear in the prompt's length.
"""

from __future__ import annotations

import re

ELIDED = "\n...\n"  # the classifier's elision marker (classifier.preprocessing.ELLIPSIS)
BLOCK_SEPARATOR = "\n\n"
HEAD_SHARE = 0.6
MIN_BLOCK_CHARS = 400  # never cut a block shorter than this: below it, keep fewer blocks instead
KEPT_OPENING_BLOCKS = 4
_BLOCK_START = re.compile(r"\n\n(?=\[(?:system|tools|user|assistant|tool)\]\n)")


def bounded_prompt(prompt: str, max_chars: int) -> str:
    """``prompt`` itself if it has at most ``max_chars`` characters, else at most ``max_chars`` of its head and tail."""
    if len(prompt) <= max_chars:
        return prompt
    if max_chars < 2 * MIN_BLOCK_CHARS:
        return _head_tail(prompt, max_chars)
    blocks = _BLOCK_START.split(prompt)
    max_blocks = max_chars // MIN_BLOCK_CHARS
    if len(blocks) > max_blocks:
        opening = min(KEPT_OPENING_BLOCKS, max_blocks // 2)
        blocks = blocks[:opening] + blocks[len(blocks) - (max_blocks - opening) :]
    budget = max_chars - len(BLOCK_SEPARATOR) * (len(blocks) - 1)
    cap = _water_level([len(block) for block in blocks], budget)
    return BLOCK_SEPARATOR.join(_head_tail(block, cap) for block in blocks)


def _water_level(lengths: list[int], budget: int) -> int:
    """The largest cap such that the blocks, each cut to the cap, fit in ``budget``: short blocks stay whole."""
    remaining = budget
    for index, length in enumerate(sorted(lengths)):
        left = len(lengths) - index
        if length * left > remaining:
            return max(0, remaining // left)
        remaining -= length
    return max(lengths, default=0)


def _head_tail(text: str, cap: int) -> str:
    if len(text) <= cap:
        return text
    keep = cap - len(ELIDED)
    head = int(keep * HEAD_SHARE)
    if head < len(ELIDED):
        # Too small a cap to keep a head worth the marker: the start of the text is what matters, so cut it there.
        return text[:cap]
    return text[:head] + ELIDED + text[len(text) - (keep - head) :]
