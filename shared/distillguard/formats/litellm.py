"""LiteLLM proxy logs written by its S3 logger: one ``StandardLoggingPayload`` JSON object per S3 object.

Fields as LiteLLM's ``litellm/types/utils.py`` defines them: ``id``, ``call_type``, ``status`` (``success`` or
``failure``), ``startTime``/``endTime`` (epoch seconds), ``model``, ``model_group``, ``messages`` (OpenAI messages, or a
string for text completions), ``model_parameters`` (the optional params: ``tools``, ``tool_choice``, ...),
``metadata`` (``StandardLoggingMetadata``: ``user_api_key_*``, ``requester_ip_address``, ``user_agent``, ...),
``end_user``, ``requester_ip_address``, ``prompt_tokens``, ``completion_tokens``, ``error_information``.

Customer: the key's team (``user_api_key_team_id``, else ``team_id``), else its organisation, else its user, else the
end user. Teams come first because a LiteLLM operator usually gives each customer a team with several keys and users.
API key: ``user_api_key_hash``, else ``user_api_key_alias``. Status: 200 for ``success``, the numeric
``error_information.error_code`` for ``failure`` (else ``None``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from distillguard.formats.chat import conversation, parse_messages, system_texts
from distillguard.formats.common import canonical_record, epoch_to_utc
from distillguard.formats.errors import RecordRejected, validate
from distillguard.formats.settings import FormatSettings
from distillguard.formats.tools import openai_tools
from distillguard.records import CanonicalRecord

CHAT_CALL_TYPES = frozenset(
    {
        "completion",
        "acompletion",
        "text_completion",
        "atext_completion",
        "anthropic_messages",
        "aanthropic_messages",
        "responses",
        "aresponses",
    }
)


class LiteLLMMetadata(BaseModel):
    """The parts of ``StandardLoggingMetadata`` DistillGuard reads."""

    model_config = ConfigDict(extra="allow")

    user_api_key_hash: str | None = None
    user_api_key_alias: str | None = None
    user_api_key_team_id: str | None = None
    team_id: str | None = None
    user_api_key_org_id: str | None = None
    user_api_key_user_id: str | None = None
    user_api_key_end_user_id: str | None = None
    requester_ip_address: str | None = None
    user_agent: str | None = None


class LiteLLMErrorInformation(BaseModel):
    model_config = ConfigDict(extra="allow")

    error_code: str | int | None = None


class LiteLLMPayload(BaseModel):
    """The parts of ``StandardLoggingPayload`` DistillGuard reads (the rest is tolerated and ignored)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    call_type: str
    status: str | None = None
    startTime: datetime
    model: str | None = None
    model_group: str | None = None
    messages: str | list[Any] | dict[str, Any] | None = None
    model_parameters: dict[str, Any] | None = None
    metadata: LiteLLMMetadata | None = None
    end_user: str | None = None
    requester_ip_address: str | None = None
    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)
    error_information: LiteLLMErrorInformation | None = None

    @field_validator("startTime", mode="before")
    @classmethod
    def _epoch_seconds(cls, value: Any) -> datetime:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("startTime must be epoch seconds (a number)")
        try:
            return epoch_to_utc(float(value))
        except OverflowError:
            raise ValueError("startTime is out of range") from None


def is_litellm(raw: Mapping[str, Any]) -> bool:
    return "call_type" in raw and "startTime" in raw


def parse_litellm(
    raw: Mapping[str, Any], *, source_key: str, line_number: int, settings: FormatSettings
) -> CanonicalRecord:
    payload = validate(LiteLLMPayload, raw)
    if payload.call_type not in CHAT_CALL_TYPES:
        raise RecordRejected("unsupported_call_type", f"call_type {payload.call_type[:40]!r} carries no chat prompt")
    metadata = payload.metadata or LiteLLMMetadata()
    facts = {
        "request_id": payload.id,
        "timestamp": payload.startTime,
        "customer_account": _customer(payload, metadata),
        "api_key_id": metadata.user_api_key_hash or metadata.user_api_key_alias,
        "source_ip": payload.requester_ip_address or metadata.requester_ip_address,
        "user_agent": metadata.user_agent,
        "model": payload.model_group or payload.model,
        "prompt_tokens": payload.prompt_tokens,
        "completion_tokens": payload.completion_tokens,
        "status": _status(payload),
        "source_key": source_key,
        "line_number": line_number,
    }
    if isinstance(payload.messages, str):
        return canonical_record(source_format="litellm", conversation=None, raw_prompt=payload.messages, facts=facts)
    if not isinstance(payload.messages, list):
        raise RecordRejected("schema:messages", "messages must be a list of messages or a prompt string")
    parameters = payload.model_parameters or {}
    chat = conversation(
        parse_messages(payload.messages, path="messages"),
        system=system_texts(parameters.get("system"), path="model_parameters.system"),
        tools=openai_tools(parameters.get("tools"), path="model_parameters.tools"),
        path="messages",
    )
    return canonical_record(source_format="litellm", conversation=chat, raw_prompt=None, facts=facts)


def _customer(payload: LiteLLMPayload, metadata: LiteLLMMetadata) -> str:
    for candidate in (
        metadata.user_api_key_team_id,
        metadata.team_id,
        metadata.user_api_key_org_id,
        metadata.user_api_key_user_id,
        payload.end_user,
        metadata.user_api_key_end_user_id,
    ):
        if candidate and candidate.strip():
            return candidate.strip()
    raise RecordRejected("no_customer", "no team, organisation, user or end user identifies the caller")


def _status(payload: LiteLLMPayload) -> int | None:
    if payload.status == "success":
        return 200
    code = payload.error_information.error_code if payload.error_information else None
    if isinstance(code, str) and code.isdigit() and len(code) == 3:
        return int(code)
    return code if isinstance(code, int) and 100 <= code <= 599 else None
