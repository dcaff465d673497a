"""The gateway format: DistillGuard's own request log, for API gateways that are neither Bedrock nor LiteLLM."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from distillguard.formats.chat import ChatMessage, conversation
from distillguard.formats.common import canonical_record, epoch_to_utc
from distillguard.formats.errors import validate
from distillguard.formats.settings import FormatSettings
from distillguard.formats.tools import openai_tools
from distillguard.records import CanonicalRecord


class GatewayRequest(BaseModel):
    """The request body the client sent, in the OpenAI chat-completions shape.

    ``messages``: roles ``system``/``developer``/``user``/``assistant``/``tool``; ``content`` is a string or a list of
    parts (``{"type": "text", "text": ...}``, ``{"type": "image_url", ...}``); assistant messages may carry
    ``tool_calls`` (``[{"id", "type": "function", "function": {"name", "arguments": "<json>"}}]``). ``tools``:
    ``[{"type": "function", "function": {"name", "description", "parameters"}}]``. Other parameters (``tool_choice``,
    ``temperature``, ...) are accepted and ignored. A legacy completions body (``prompt`` string) is kept as sent.
    """

    model_config = ConfigDict(extra="allow")

    messages: list[ChatMessage] | None = None
    tools: list[Any] | None = None
    prompt: str | None = None


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
    gateway bills; ``status`` is the HTTP status returned. Fields not listed here are ignored.
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
    raw: Mapping[str, Any], *, source_key: str, line_number: int, settings: FormatSettings
) -> CanonicalRecord:
    record = validate(GatewayLogRecord, raw)
    request = record.request
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
    if request.messages is None and request.prompt is not None:
        return canonical_record(source_format="gateway", conversation=None, raw_prompt=request.prompt, facts=facts)
    chat = conversation(
        request.messages or [],
        tools=openai_tools(request.tools, path="request.tools"),
        path="request.messages",
    )
    return canonical_record(source_format="gateway", conversation=chat, raw_prompt=None, facts=facts)
