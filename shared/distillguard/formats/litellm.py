"""LiteLLM proxy logs written by its S3 logger: one ``StandardLoggingPayload`` JSON object per S3 object.

Fields as LiteLLM's ``litellm/types/utils.py`` defines them: ``id``, ``call_type``, ``status`` (``success`` or
``failure``), ``startTime``/``endTime`` (epoch seconds), ``model``, ``model_group``, ``messages``, ``model_parameters``
(the optional params: ``tools``, ``functions``, ``system``, ``instructions``, ...), ``metadata``
(``StandardLoggingMetadata``: ``user_api_key_*``, ``requester_ip_address``, ``user_agent``, ...), ``end_user``,
``requester_ip_address``, ``user_agent``, ``prompt_tokens``, ``completion_tokens``, ``error_information``.

``messages`` by ``call_type``: OpenAI messages (``completion``), a prompt string (``text_completion``), Anthropic
messages with ``model_parameters.system`` (``anthropic_messages``), Responses input items with
``model_parameters.instructions`` (``responses``), or, for ``pass_through_endpoint``, one user message whose content is
the JSON text of the body the client sent (an Anthropic ``/v1/messages`` body, an OpenAI chat body, ...). Call types
that carry no prompt (embeddings, images, audio, files, batches, ...) are skipped, not quarantined.

With message logging off LiteLLM logs ``messages`` as ``[{"role": "user", "content": "redacted-by-litellm"}]`` (a
callback's own redaction dumps a whole ``Message``, role ``assistant``): such records are ``prompt_redacted``, counted
per customer and never classified, as are records whose ``messages`` were left out of the payload.

Customer: the first of ``FormatSettings.litellm_customer_fields`` that is set (default: the key's team, its
organisation, its user, the end user), where a placeholder user (``default_user_id``, what master-key requests carry)
counts only when nothing else names the caller. Teams come first because a LiteLLM operator usually gives each
customer a team with several keys and users. API key: ``user_api_key_hash``, else ``user_api_key_alias``. Status: 200
for ``success``, the numeric ``error_information.error_code`` for ``failure`` (else ``None``).

LiteLLM's audit-log objects (``StandardAuditLogPayload``: ``changed_by``, ``action``, ``table_name``, ``object_id``,
...) can land under the same prefix; they are skipped as ``litellm_audit_log``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from distillguard.formats.chat import Conversation, conversation, parse_messages, system_texts
from distillguard.formats.common import canonical_record, epoch_to_utc, is_redacted_text
from distillguard.formats.errors import PromptNotLogged, RecordRejected, RecordSkipped, validate
from distillguard.formats.requests import body_conversation, read_body, response_items
from distillguard.formats.settings import FormatSettings
from distillguard.formats.tools import openai_tools
from distillguard.records import CanonicalRecord

CHAT_CALL_TYPES = frozenset({"completion", "acompletion", "anthropic_messages", "aanthropic_messages"})
TEXT_CALL_TYPES = frozenset({"text_completion", "atext_completion"})
RESPONSES_CALL_TYPES = frozenset({"responses", "aresponses"})
PASS_THROUGH_CALL_TYPES = frozenset({"pass_through_endpoint"})
# Words in the call types that send no prompt to a model: embeddings, images, audio, moderation, files, batches,
# vector stores, MCP tool calls, and the management calls around responses (get, delete, list input items).
NO_PROMPT_CALL_TYPE_WORDS = (
    "embedding",
    "image",
    "moderation",
    "transcription",
    "speech",
    "rerank",
    "batch",
    "file",
    "fine_tuning",
    "vector_store",
    "search",
    "ocr",
    "video",
    "realtime",
    "mcp",
    "container",
    "count_tokens",
    "list_",
    "delete",
    "get_",
    "retrieve",
    "cancel",
)
AUDIT_LOG_KEYS = frozenset({"changed_by", "action", "table_name", "object_id"})


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
    user_agent: str | None = None
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


def is_litellm_audit_log(raw: Mapping[str, Any]) -> bool:
    return raw.keys() >= AUDIT_LOG_KEYS and "call_type" not in raw


def skip_litellm_audit_log(raw: Mapping[str, Any], **_: Any) -> CanonicalRecord:
    action, table = str(raw.get("action"))[:40], str(raw.get("table_name"))[:60]
    raise RecordSkipped("litellm_audit_log", f"LiteLLM audit log entry ({action} on {table}), not a request")


def parse_litellm(
    raw: Mapping[str, Any], *, source_key: str, line_number: int, settings: FormatSettings, **_: Any
) -> CanonicalRecord:
    payload = validate(LiteLLMPayload, raw)
    call_type = payload.call_type
    known = CHAT_CALL_TYPES | TEXT_CALL_TYPES | RESPONSES_CALL_TYPES | PASS_THROUGH_CALL_TYPES
    if call_type not in known and any(word in call_type for word in NO_PROMPT_CALL_TYPE_WORDS):
        raise RecordSkipped("call_type_without_prompt", f"call_type {call_type[:40]!r} sends no prompt to a model")
    if call_type not in known:
        raise RecordRejected("unsupported_call_type", f"call_type {call_type[:40]!r} is not one DistillGuard reads")
    metadata = payload.metadata or LiteLLMMetadata()
    customer = _customer(raw, settings)
    facts: dict[str, Any] = {
        "request_id": payload.id,
        "timestamp": payload.startTime,
        "customer_account": customer,
        "api_key_id": metadata.user_api_key_hash or metadata.user_api_key_alias,
        "source_ip": payload.requester_ip_address or metadata.requester_ip_address,
        "user_agent": payload.user_agent or metadata.user_agent,
        "model": payload.model_group or payload.model,
        "prompt_tokens": payload.prompt_tokens,
        "completion_tokens": payload.completion_tokens,
        "status": _status(payload),
        "source_key": source_key,
        "line_number": line_number,
    }
    messages = payload.messages
    if messages is None or messages == {} or _redacted(messages):
        why = "the payload carries no messages" if messages is None or messages == {} else "the messages were redacted"
        raise PromptNotLogged(
            "prompt_redacted",
            f"{why} (LiteLLM message logging is off)",
            facts=facts,
            source_format="litellm",
        )
    parameters = payload.model_parameters or {}
    if call_type in PASS_THROUGH_CALL_TYPES:
        prompt = _pass_through(messages, facts)
    elif isinstance(messages, str) and call_type not in RESPONSES_CALL_TYPES:
        prompt = messages
    else:
        prompt = _conversation(messages, parameters, responses=call_type in RESPONSES_CALL_TYPES)
    if isinstance(prompt, str):
        return canonical_record(
            source_format="litellm",
            conversation=None,
            raw_prompt=prompt,
            facts=facts,
            max_prompt_chars=settings.max_prompt_chars,
        )
    return canonical_record(
        source_format="litellm",
        conversation=prompt,
        raw_prompt=None,
        facts=facts,
        max_prompt_chars=settings.max_prompt_chars,
    )


def _conversation(messages: Any, parameters: Mapping[str, Any], *, responses: bool) -> Conversation:
    instructions = parameters.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise RecordRejected("schema:model_parameters.instructions", "instructions must be a string")
    if responses:
        chat_messages = response_items(messages, path="messages")
    elif isinstance(messages, list):
        chat_messages = parse_messages(messages, path="messages")
    else:
        raise RecordRejected("schema:messages", "messages must be a list of messages or a prompt string")
    return conversation(
        chat_messages,
        system=[
            *system_texts(parameters.get("system"), path="model_parameters.system"),
            *([instructions] if instructions else []),
        ],
        tools=[
            *openai_tools(parameters.get("tools"), path="model_parameters.tools"),
            *openai_tools(parameters.get("functions"), path="model_parameters.functions"),
        ],
        path="messages",
    )


def _pass_through(messages: Any, facts: dict[str, Any]) -> Conversation | str:
    """The body a pass-through call forwarded, which LiteLLM logs as one user message holding its JSON text."""
    content = (
        messages[0].get("content")
        if isinstance(messages, list) and len(messages) == 1 and isinstance(messages[0], Mapping)
        else None
    )
    try:
        raw_body = json.loads(content) if isinstance(content, str) else None
    except (ValueError, RecursionError):
        raw_body = None
    if not isinstance(raw_body, Mapping):
        raise RecordRejected("unsupported_body", "a pass-through call whose logged body is not a JSON object")
    body = read_body(raw_body, path="messages.0.content")
    if not body.has_prompt:
        if "contents" in raw_body:  # a Gemini generateContent body: a prompt, in a shape not read here
            raise RecordRejected("unsupported_body", "a pass-through Gemini body (contents) is not read")
        raise RecordSkipped("pass_through_without_prompt", "a pass-through call that sends no prompt")
    if isinstance(raw_body.get("model"), str) and facts["model"] in (None, "", "unknown"):
        facts["model"] = raw_body["model"]
    return body_conversation(body, path="messages.0.content")


def _redacted(messages: Any) -> bool:
    """LiteLLM's placeholder in place of the messages: every message's text is the redaction marker."""
    if isinstance(messages, str):
        return is_redacted_text(messages)
    if not isinstance(messages, list) or not messages:
        return False
    for message in messages:
        content = message.get("content") if isinstance(message, Mapping) else None
        if isinstance(content, list):
            texts = [part.get("text") if isinstance(part, Mapping) else part for part in content]
        else:
            texts = [content]
        if not texts or not all(isinstance(text, str) and is_redacted_text(text) for text in texts):
            return False
    return True


def _customer(raw: Mapping[str, Any], settings: FormatSettings) -> str:
    found = raw.get("metadata")
    metadata: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    placeholder = None
    for field in settings.litellm_customer_fields:
        value = _text(metadata.get(field)) or _text(raw.get(field))
        if value is None:
            continue
        if value not in settings.litellm_placeholder_users:
            return value
        placeholder = placeholder or value
    if placeholder is not None:
        return placeholder
    raise RecordRejected("no_customer", "no team, organisation, user or end user identifies the caller")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _status(payload: LiteLLMPayload) -> int | None:
    if payload.status == "success":
        return 200
    code = payload.error_information.error_code if payload.error_information else None
    if isinstance(code, str) and code.isdigit() and len(code) == 3:
        return int(code)
    return code if isinstance(code, int) and 100 <= code <= 599 else None
