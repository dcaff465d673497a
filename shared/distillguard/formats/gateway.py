"""The gateway format: DistillGuard's own request log, for API gateways that are neither Bedrock nor LiteLLM."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from distillguard.formats.common import canonical_record, epoch_to_utc
from distillguard.formats.errors import validate
from distillguard.formats.models import skip_model_without_prompt
from distillguard.formats.requests import RequestBody, body_conversation
from distillguard.formats.settings import FormatSettings
from distillguard.records import CanonicalRecord


class GatewayRequest(RequestBody):
    """The request body the client sent, in any of the shapes ``formats.requests`` reads.

    OpenAI chat completions: ``messages`` with roles ``system``/``developer``/``user``/``assistant``/``tool``;
    ``content`` is a string or a list of parts (``{"type": "text", "text": ...}``, ``{"type": "image_url", ...}``);
    assistant messages may carry ``tool_calls`` (``[{"id", "type": "function", "function": {"name", "arguments":
    "<json>"}}]``), or a legacy ``function_call`` answered by a ``function`` message. ``tools``: ``[{"type":
    "function", "function": {"name", "description", "parameters"}}]``, or legacy ``functions``. Anthropic Messages
    (``/v1/messages``): ``messages`` plus ``system`` and tools with ``input_schema``. Responses: ``input`` (a string or
    items) plus ``instructions``. A legacy completions body (``prompt`` string) is kept as sent. Other parameters
    (``tool_choice``, ``temperature``, ...) are accepted and ignored.
    """


class GatewayUsage(BaseModel):
    model_config = ConfigDict(extra="allow")

    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)


class GatewayLogRecord(BaseModel):
    """One request, one JSON line; objects may be gzip-compressed (``.jsonl.gz``) or plain (``.jsonl``).

    Example::

        {"ts": 1764241200.25, "request_id": "req_01HZX3", "account_id": "acct-4471", "api_key_id": "key_9f2c",
         "source_ip": "203.0.113.7", "user_agent": "python-httpx/0.27.0", "model": "gpt-4o-mini",
         "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]},
         "usage": {"prompt_tokens": 8, "completion_tokens": 12}, "status": 200}

    ``ts`` is when the request arrived, in epoch seconds (int or float, UTC); ``account_id`` is the customer the
    gateway bills; ``status`` is the HTTP status returned. Fields not listed here are ignored. A request to a model
    that takes no prompt (embeddings, moderation, speech, images: ``formats.models``), named by ``model`` or by the
    body's ``model``, is skipped (``model_without_prompt``).
    """

    model_config = ConfigDict(extra="allow")

    ts: datetime
    request_id: str = Field(min_length=1)
    account_id: str = Field(min_length=1)
    api_key_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    model: str | None = None
    request: GatewayRequest
    usage: GatewayUsage | None = None
    status: int | None = Field(default=None, ge=100, le=599)

    @field_validator("ts", mode="before")
    @classmethod
    def _epoch_seconds(cls, value: Any) -> datetime:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("ts must be epoch seconds (a number)")
        try:
            return epoch_to_utc(float(value))
        except OverflowError:
            raise ValueError("ts is out of range") from None


def is_gateway(raw: Mapping[str, Any]) -> bool:
    return "ts" in raw and "request" in raw


def parse_gateway(
    raw: Mapping[str, Any], *, source_key: str, line_number: int, settings: FormatSettings, **_: Any
) -> CanonicalRecord:
    record = validate(GatewayLogRecord, raw)
    skip_model_without_prompt(record.model or _text(record.request.model_extra or {}, "model"))
    facts = {
        "request_id": record.request_id,
        "timestamp": record.ts,
        "customer_account": record.account_id,
        "api_key_id": record.api_key_id,
        "source_ip": record.source_ip,
        "user_agent": record.user_agent,
        "model": record.model,
        "prompt_tokens": record.usage.prompt_tokens if record.usage else None,
        "completion_tokens": record.usage.completion_tokens if record.usage else None,
        "status": record.status,
        "source_key": source_key,
        "line_number": line_number,
    }
    prompt = body_conversation(record.request, path="request")
    return canonical_record(
        source_format="gateway",
        conversation=None if isinstance(prompt, str) else prompt,
        raw_prompt=prompt if isinstance(prompt, str) else None,
        facts=facts,
        max_prompt_chars=settings.max_prompt_chars,
    )


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) else None
