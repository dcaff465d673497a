"""Pieces every format shares: epoch timestamps and the assembly of the canonical record."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from distillguard.formats.bounds import bounded_prompt
from distillguard.formats.chat import Conversation
from distillguard.formats.errors import PromptNotLogged, schema_rejection
from distillguard.formats.fingerprint import template_fingerprint, toolset_fingerprint
from distillguard.formats.tools import tool_names
from distillguard.records import CanonicalRecord, SourceFormat

# 1990-01-01 .. 2200-01-01: anything outside is a unit mix-up (milliseconds) or junk, not a log time.
MIN_EPOCH_SECONDS = 631_152_000
MAX_EPOCH_SECONDS = 7_258_118_400
# What LiteLLM writes in place of a prompt it was told not to keep (``turn_off_message_logging``), and the longer
# marker older versions wrote. Only the marker itself counts: text merely opening with it is a prompt, classified.
REDACTED_MARKER = "redacted-by-litellm"
OLD_REDACTED_MARKER = "redacted by litellm. 'litellm.turn_off_message_logging=True'"


def epoch_to_utc(value: float) -> datetime:
    """Seconds since the epoch as an aware UTC datetime; raises ``ValueError`` (pydantic-friendly) when implausible."""
    if not math.isfinite(value) or not MIN_EPOCH_SECONDS <= value <= MAX_EPOCH_SECONDS:
        raise ValueError("timestamp must be epoch seconds between 1990 and 2200")
    return datetime.fromtimestamp(value, UTC)


def encodable(text: str) -> str:
    """``text`` with lone surrogates (legal in JSON escapes, not in UTF-8) replaced, so the record can be written."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def encodable_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """A request's facts with every text made `encodable`."""
    return {key: encodable(value) if isinstance(value, str) else value for key, value in facts.items()}


def canonical_record(
    *,
    source_format: SourceFormat,
    conversation: Conversation | None,
    raw_prompt: str | None,
    facts: dict[str, Any],
    max_prompt_chars: int,
) -> CanonicalRecord:
    """Assemble and validate the canonical record; ``raw_prompt`` is a completion prompt kept as sent.

    A prompt with no text, or only a logger's redaction marker, raises ``PromptNotLogged`` (counted, never
    classified). A prompt over ``max_prompt_chars`` keeps its blocks' heads and tails, cut before any pattern work.
    """
    if conversation is not None:
        if not conversation.has_text:
            raise PromptNotLogged(
                "empty_prompt", "the request has no system or message text", facts=facts, source_format=source_format
            )
        prompt = conversation.prompt()
        names = tool_names(list(conversation.tools))
    else:
        prompt = raw_prompt or ""
        names = ()
    if not prompt.strip():
        raise PromptNotLogged(
            "empty_prompt", "the request has no prompt text", facts=facts, source_format=source_format
        )
    if is_redacted_text(prompt) or (conversation is not None and _only_redacted_turns(conversation)):
        raise PromptNotLogged(
            "prompt_redacted", "the logger redacted the prompt", facts=facts, source_format=source_format
        )
    prompt = encodable(bounded_prompt(prompt, max_prompt_chars))
    facts = encodable_facts(facts)
    try:
        return CanonicalRecord(
            source_format=source_format,
            prompt=prompt,
            template_fingerprint=template_fingerprint(prompt),
            tool_names=names,
            toolset_fingerprint=toolset_fingerprint(names),
            **facts,
        )
    except ValidationError as error:
        raise schema_rejection(error) from None


def is_redacted_text(text: str) -> bool:
    """Whether ``text`` is nothing but a redaction marker (whitespace aside)."""
    if len(text) > 2 * len(OLD_REDACTED_MARKER):  # length first: a long text is never a marker
        return False
    return " ".join(text.split()) in (REDACTED_MARKER, OLD_REDACTED_MARKER)


def _only_redacted_turns(conversation: Conversation) -> bool:
    bodies = [turn.body() for turn in conversation.turns if turn.body()]
    return bool(bodies) and all(is_redacted_text(body) for body in bodies)
