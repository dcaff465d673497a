"""Why a log record was refused, in a form the quarantine can count and a person can read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

MAX_DETAIL_CHARS = 500
MAX_PATH_CHARS = 120
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Pydantic names the union member that failed inside ``loc``; they say nothing about where the problem is.
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict", "none"})

M = TypeVar("M", bound=BaseModel)


class RecordRejected(Exception):
    """A record that cannot become a canonical record.

    ``reason`` is a short, stable machine code fit for a metric dimension: ``invalid_json``, ``invalid_utf8``,
    ``unknown_format``, ``empty_prompt``, ``schema:<field path>``, ... List positions in a schema path are written
    ``*`` (``schema:request.messages.*.role``) so the set of reasons stays small; the exact path opens ``detail``,
    a bounded human-readable explanation.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason.startswith("schema:"):
            exact = reason.removeprefix("schema:")
            general = ".".join("*" if part.isdigit() else part for part in exact.split("."))
            reason = f"schema:{general}"
            detail = f"{exact}: {detail}" if general != exact else detail
        self.reason = reason
        self.detail = detail[:MAX_DETAIL_CHARS]
        super().__init__(f"{reason}: {self.detail}" if self.detail else reason)


def schema_rejection(error: ValidationError, prefix: str = "") -> RecordRejected:
    """Turn pydantic's error into ``schema:<path of the first failing field>``."""
    first = error.errors(include_url=False, include_input=False)[0]
    parts = [*(prefix.split(".") if prefix else [])]
    for part in first["loc"]:
        if isinstance(part, int):
            parts.append(str(part))
        elif _FIELD_NAME.fullmatch(part) and part not in _TYPE_TAGS:
            parts.append(part)
    path = ".".join(parts)[:MAX_PATH_CHARS]
    return RecordRejected(f"schema:{path}", f"{first['msg']} ({error.error_count()} error(s))")


def validate(model: type[M], data: Any, *, prefix: str = "") -> M:
    """``model.model_validate`` that speaks ``RecordRejected``."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise schema_rejection(error, prefix) from None


class RecordSkipped(RecordRejected):
    """A well-formed record that is not a request to classify (an audit-log entry, an embedding call): counted
    apart from the quarantine, which holds only records that are wrong."""


class PromptNotLogged(RecordSkipped):
    """A request whose prompt the log does not carry: the logger redacted it (``prompt_redacted``) or it has no text
    (``empty_prompt``). Never classified; counted per ``customer_account``, and its ``facts`` (who sent it, when, from
    where) still reach the evidence, so an operator sees where the product is blind."""

    def __init__(self, reason: str, detail: str, *, facts: Mapping[str, Any], source_format: str) -> None:
        super().__init__(reason, detail)
        # The request's who, when and how (`records.RequestFacts`' fields), as the log gave them.
        self.facts = {**facts, "source_format": source_format}
        self.customer_account = str(facts.get("customer_account") or "")
