"""Stable hashes that group requests: by prompt template and by toolset.

Only ``hashlib`` is used: Python's ``hash()`` is salted per process, so it would differ between Lambda invocations.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

# A line longer than this is taken to be filled-in content (a pasted problem, a document, an issue), not template.
LONG_LINE_CHARS = 160
LONG_LINE_WORDS = 28
KEPT_HEAD_WORDS = 4
# A line this long is filled-in content whatever its masking would leave, so it is not masked at all: only a URL, an
# id or a number thousands of characters long could shrink it back under LONG_LINE_CHARS. In keep-head mode only its
# first HEAD_SCAN_CHARS characters are masked, to find its opening words.
MAX_MASKED_LINE_CHARS = 4_096
HEAD_SCAN_CHARS = 1_024
# Template lines repeat across thousands of prompts (a scaffold's instructions, role headers, an app's system
# prompt): the masked form of lines up to this long is remembered, at most CACHED_LINES of them (a few MB).
CACHED_LINE_CHARS = 512
CACHED_LINES = 16_384

# Every pattern runs in time linear in its input (no nested or overlapping repetition, no lookahead that rescans a
# run), so a hostile prompt costs what a plain one of the same length costs:
# - a quoted string does not start at an escaped quote, so two attempts never scan the same characters;
# - an id is a run of 8+ hex digits (dash-separated groups of 4+ may follow) holding at least one decimal digit,
#   checked on the match instead of by a lookahead over the rest of the run (that lookahead made "a-a-a-..." quadratic).
_CODE_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_QUOTED = re.compile(
    r"(?<!\\)\"(?:[^\"\\\n]|\\.){0,400}+\"|(?<![\w\\])'(?:[^'\\\n]|\\.){0,400}+'(?!\w)|`[^`\n]{0,400}`"
)
_URL = re.compile(r"\bhttps?://\S++")
_HEXISH = re.compile(r"\b[0-9a-fA-F]{8,}(?:-[0-9a-fA-F]{4,})*\b")
_DIGIT = re.compile(r"[0-9]")
_NUMBER = re.compile(r"[-+]?\d++(?:[.,]\d++)*+(?:[eE][-+]?\d++)?")
_SPACES = re.compile(r"[ \t\r\f\v]++")
_ROLE_HEADER = re.compile(r"\[(?:system|user|assistant|tool|tools)\]")
_SPAN = "<SPAN>"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=8).hexdigest()


def _mask_id(match: re.Match[str]) -> str:
    return "<ID>" if _DIGIT.search(match.group()) else match.group()


def _masked(line: str) -> str:
    # Each pattern runs only where it can match: most lines hold no URL, quote or digit, and a skipped pattern
    # leaves the line as its substitution would have.
    if "http" in line:
        line = _URL.sub("<URL>", line)
    if '"' in line or "'" in line or "`" in line:
        line = _QUOTED.sub('"<S>"', line)
    if _DIGIT.search(line):  # an id to mask holds a digit, and so does a number
        line = _HEXISH.sub(_mask_id, line)
        line = _NUMBER.sub("0", line)
    if "  " in line or "\t" in line or "\r" in line or "\f" in line or "\v" in line:
        line = _SPACES.sub(" ", line)
    return line.strip()


def _mask_line(line: str, *, keep_head: bool) -> str:
    if len(line) <= CACHED_LINE_CHARS:
        return _mask_short_line(line, keep_head)
    return _mask_any_line(line, keep_head=keep_head)


@lru_cache(maxsize=CACHED_LINES)
def _mask_short_line(line: str, keep_head: bool) -> str:  # noqa: FBT001  # positional: one cache key per call form
    return _mask_any_line(line, keep_head=keep_head)


def _mask_any_line(line: str, *, keep_head: bool) -> str:
    if len(line) > MAX_MASKED_LINE_CHARS:  # length first: no pattern work on what is content anyway
        if not keep_head:
            return _SPAN
        return " ".join([*_masked(line[:HEAD_SCAN_CHARS]).split(" ")[:KEPT_HEAD_WORDS], _SPAN])
    line = _masked(line)
    words = line.split(" ")
    if len(line) > LONG_LINE_CHARS or len(words) > LONG_LINE_WORDS:
        return " ".join([*words[:KEPT_HEAD_WORDS], _SPAN]) if keep_head else _SPAN
    return line


def _skeleton(text: str, *, keep_head: bool) -> list[str]:
    masked: list[str] = []
    for raw_line in text.split("\n"):
        line = _mask_line(raw_line, keep_head=keep_head)
        if line.endswith(_SPAN) and masked and masked[-1].endswith(_SPAN):
            continue  # one span of filled-in content, however many lines it has
        masked.append(line)
    return masked


def _is_bare(skeleton: list[str]) -> bool:
    return all(not line or line == _SPAN or _ROLE_HEADER.fullmatch(line) for line in skeleton)


def template_skeleton(prompt: str) -> str:
    """The masked skeleton that `template_fingerprint` hashes: a redacted form of the prompt (see there)."""
    text = _CODE_FENCE.sub("<CODE>", prompt)
    skeleton = _skeleton(text, keep_head=False)
    if _is_bare(skeleton):
        skeleton = _skeleton(text, keep_head=True)
    return "\n".join(skeleton)


def template_fingerprint(prompt: str) -> str:
    """16 hex characters shared by prompts built from one template with different values filled in.

    A harvesting operation ("hydra") spreads one scripted prompt template over many accounts and keys; its requests
    differ only in what the script fills in: the problem, the numbers, the quoted inputs, the pasted document. So the
    fingerprint hashes the prompt's *skeleton*: role headers, short instruction lines and the system text, after
    masking what varies between fills:

    - code fences, URLs, quoted strings and long hex/UUID-like ids become placeholders; every number becomes ``0``;
    - a line longer than ``LONG_LINE_CHARS`` characters or ``LONG_LINE_WORDS`` words is filled-in content and becomes
      one ``<SPAN>`` (consecutive ones merge), and whitespace is normalised.

    If nothing but role headers and spans is left (a lone long message), the template, if any, can only be in the
    opening words of the long line ("Return your final response within \\boxed{}. <problem>"), so those lines keep
    their first ``KEPT_HEAD_WORDS`` words instead; this also keeps unrelated long free-form prompts apart.

    Prompts sharing a fingerprint across many accounts are candidates for one coordinated cluster. It is a heuristic,
    not proof: generic skeletons (one short system line and a long question) are shared by ordinary traffic too, so a
    cluster should be weighed together with its verdicts.
    """
    return _digest(template_skeleton(prompt))


def toolset_fingerprint(tool_names: Iterable[str]) -> str | None:
    """16 hex characters naming a set of tools (order and repeats ignored); ``None`` when there are none."""
    names = sorted(set(tool_names))
    return _digest("\n".join(names)) if names else None
