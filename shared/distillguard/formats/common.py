"""Pieces every format shares: epoch timestamps and the assembly of the canonical record."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from distillguard.formats.chat import Conversation
from distillguard.formats.errors import RecordRejected, schema_rejection
from distillguard.formats.fingerprint import template_fingerprint, toolset_fingerprint
from distillguard.formats.tools import tool_names
from distillguard.records import CanonicalRecord, SourceFormat

# 1990-01-01 .. 2200-01-01: anything outside is a unit mix-up (milliseconds) or junk, not a log time.
MIN_EPOCH_SECONDS = 631_152_000
MAX_EPOCH_SECONDS = 7_258_118_400
REDACTED_MARKERS = ("redacted by litellm",)


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


def canonical_record(
    *,
    source_format: SourceFormat,
    conversation: Conversation | None,
    raw_prompt: str | None,
    facts: dict[str, Any],
) -> CanonicalRecord:
    """Assemble and validate the canonical record; ``raw_prompt`` is a completion prompt kept as sent."""
    if conversation is not None:
        if not conversation.has_text:
            raise RecordRejected("empty_prompt", "the request has no system or message text")
        prompt = conversation.prompt()
        names = tool_names(list(conversation.tools))
    else:
        prompt = raw_prompt or ""
        names = ()
    if not prompt.strip():
        raise RecordRejected("empty_prompt", "the request has no prompt text")
    if prompt.startswith(REDACTED_MARKERS):
        raise RecordRejected("prompt_redacted", "the logger redacted the prompt (message logging is off)")
    prompt = encodable(prompt)
    facts = {key: encodable(value) if isinstance(value, str) else value for key, value in facts.items()}
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
