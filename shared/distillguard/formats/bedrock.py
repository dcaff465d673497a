"""Amazon Bedrock model invocation logs (S3 delivery).

Objects: ``AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz``, gzip JSON lines, one
``ModelInvocationLog`` per line. The request body is ``input.inputBodyJson``: the Anthropic Messages shape (InvokeModel
on Claude), the Converse shape (Converse/ConverseStream; also Nova's InvokeModel body), an OpenAI chat body, a Cohere
chat body, or a raw completion prompt (``prompt``: Llama, Mistral, legacy Claude; ``inputText``: Titan). Bodies over
100 KB are offloaded by Bedrock to ``input.inputBodyS3Path`` and read back through ``formats.offload`` (without a
reader, as in pure tools, such records are rejected as ``body_offloaded``). A record with neither (text data delivery
turned off in the logging configuration) carries no prompt: ``prompt_redacted``, counted per customer.

Bedrock logs the invocations of every model it serves. Embedding, reranking, image and video models take no prompt
for a model to answer: their records are skipped (``model_without_prompt``, counted apart from the quarantine), never
classified, known by the model id (``formats.models``) or, behind an opaque inference-profile ARN, by body fields
only they send.

Customer: the first non-empty ``requestMetadata`` key of ``FormatSettings.customer_metadata_keys`` (only from the
roles in ``trusted_metadata_roles`` when that is set), else the caller's
IAM identity, an assumed role without its session name (``arn:aws:sts::<acct>:assumed-role/<role>``: one role, one
customer, however many sessions it opens), or the user's ARN. Only Converse and ConverseStream accept
``requestMetadata``; InvokeModel records always fall back to the identity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from distillguard.formats.chat import Conversation, conversation, parse_messages, system_texts
from distillguard.formats.common import canonical_record
from distillguard.formats.errors import PromptNotLogged, RecordRejected, RecordSkipped, validate
from distillguard.formats.models import skip_model_without_prompt
from distillguard.formats.offload import OffloadedBodies
from distillguard.formats.settings import FormatSettings
from distillguard.formats.tools import openai_tools
from distillguard.records import CanonicalRecord

# Bedrock runtime exceptions and the HTTP status the API documents for each.
ERROR_STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ServiceQuotaExceededException": 400,
    "ModelErrorException": 424,
    "ThrottlingException": 429,
    "ModelNotReadyException": 429,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
}
_BODY = "input.inputBodyJson"
# Body fields only those families send: `texts` (Cohere Embed), `taskType` (Titan Image, Nova Canvas and Reel),
# `text_prompts` (Stability), `dimensions`/`normalize`/`embeddingTypes` (Titan Embeddings), `query` with `documents`
# (rerank). Not `images`: Llama's vision models send it beside their prompt.
_FIELDS_WITHOUT_PROMPT = ("texts", "taskType", "text_prompts", "dimensions", "normalize", "embeddingTypes")


class BedrockIdentity(BaseModel):
    model_config = ConfigDict(extra="allow")

    arn: str | None = None


class BedrockInput(BaseModel):
    model_config = ConfigDict(extra="allow")

    inputContentType: str | None = None
    inputBodyJson: dict[str, Any] | str | None = None
    inputBodyS3Path: str | None = None
    inputTokenCount: int | None = Field(default=None, ge=0)


class BedrockOutput(BaseModel):
    model_config = ConfigDict(extra="allow")

    outputContentType: str | None = None
    outputTokenCount: int | None = Field(default=None, ge=0)


class BedrockInvocationLog(BaseModel):
    """One line of a Bedrock model invocation log, as AWS documents it (extra fields are tolerated)."""

    model_config = ConfigDict(extra="allow")

    schemaType: Literal["ModelInvocationLog"]
    schemaVersion: str | None = None
    timestamp: datetime
    accountId: str | None = None
    identity: BedrockIdentity | None = None
    region: str | None = None
    requestId: str = Field(min_length=1)
    operation: str | None = None
    modelId: str | None = None
    input: BedrockInput
    output: BedrockOutput | None = None
    requestMetadata: dict[str, Any] | None = None
    errorCode: str | None = None


class BedrockToolConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    tools: list[Any] = []


class BedrockRequestBody(BaseModel):
    """The request body fields that carry the prompt, across the model families Bedrock serves."""

    model_config = ConfigDict(extra="allow")

    messages: list[Any] | None = None
    system: str | list[Any] | None = None
    tools: list[Any] | None = None
    toolConfig: BedrockToolConfig | None = None
    prompt: str | None = None
    inputText: str | None = None
    message: str | None = None  # Cohere Command R chat
    preamble: str | None = None
    chat_history: list[Any] | None = None


def is_bedrock(raw: Mapping[str, Any]) -> bool:
    return raw.get("schemaType") == "ModelInvocationLog"


def parse_bedrock(
    raw: Mapping[str, Any],
    *,
    source_key: str,
    line_number: int,
    settings: FormatSettings,
    bodies: OffloadedBodies | None = None,
    **_: Any,
) -> CanonicalRecord:
    log = validate(BedrockInvocationLog, raw)
    metadata = log.requestMetadata or {}
    arn = log.identity.arn if log.identity else None
    customer = _customer(metadata, arn, settings)
    facts = {
        "request_id": log.requestId,
        "timestamp": log.timestamp,
        "customer_account": customer,
        "api_key_id": _principal(arn),
        "source_ip": _text(metadata.get("source_ip")),
        "user_agent": _text(metadata.get("user_agent")),
        "model": log.modelId,
        "prompt_tokens": log.input.inputTokenCount,
        "completion_tokens": log.output.outputTokenCount if log.output else None,
        "status": ERROR_STATUS.get(log.errorCode) if log.errorCode else None,
        "source_key": source_key,
        "line_number": line_number,
    }
    skip_model_without_prompt(log.modelId)
    body = _body(log.input, bodies, facts=facts)
    if without_prompt := _fields_without_prompt(body):
        raise RecordSkipped(
            "model_without_prompt", f"an embedding, rerank or image request ({', '.join(without_prompt)})"
        )
    raw_prompt = body.prompt if body.prompt is not None else body.inputText
    if body.messages is None and body.message is None and raw_prompt is None:
        raise RecordRejected("unsupported_body", f"no messages or prompt in {_BODY} (operation {log.operation})")
    chat = _conversation(body) if raw_prompt is None else None
    return canonical_record(
        source_format="bedrock",
        conversation=chat,
        raw_prompt=raw_prompt,
        facts=facts,
        max_prompt_chars=settings.max_prompt_chars,
    )


def _body(log_input: BedrockInput, bodies: OffloadedBodies | None, *, facts: dict[str, Any]) -> BedrockRequestBody:
    body: Any = log_input.inputBodyJson
    if body is None and log_input.inputBodyS3Path:
        if bodies is None:
            raise RecordRejected("body_offloaded", f"request body offloaded to {log_input.inputBodyS3Path}")
        body = bodies.request_body(log_input.inputBodyS3Path)
        if isinstance(body, list):  # a bare messages array
            body = {"messages": body}
    elif body is None:
        raise PromptNotLogged(
            "prompt_redacted",
            "Bedrock logged no request body (text data delivery is off)",
            facts=facts,
            source_format="bedrock",
        )
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            raise RecordRejected(f"schema:{_BODY}", "inputBodyJson is a string that is not JSON") from None
    if not isinstance(body, dict):
        raise RecordRejected(f"schema:{_BODY}", "the request body is missing or not an object")
    return validate(BedrockRequestBody, body, prefix=_BODY)


def _fields_without_prompt(body: BedrockRequestBody) -> list[str]:
    """The fields of `body` that only embedding, rerank and image requests send (none for a generative request)."""
    extra = body.model_extra or {}
    found = [name for name in _FIELDS_WITHOUT_PROMPT if name in extra]
    if "query" in extra and "documents" in extra:
        found.append("query and documents")
    return found


def _conversation(body: BedrockRequestBody) -> Conversation:
    if body.messages is None:  # Cohere Command R: preamble, chat_history, message
        history = [_cohere_turn(turn) for turn in body.chat_history or []]
        messages = parse_messages([*history, {"role": "user", "content": body.message}], path=f"{_BODY}.chat_history")
        tools = openai_tools(body.tools, path=f"{_BODY}.tools")
        return conversation(messages, system=[body.preamble] if body.preamble else [], tools=tools, path=_BODY)
    tools = openai_tools(body.tools, path=f"{_BODY}.tools")
    if body.toolConfig is not None:
        tools += openai_tools(body.toolConfig.tools, path=f"{_BODY}.toolConfig.tools")
    return conversation(
        parse_messages(body.messages, path=f"{_BODY}.messages"),
        system=system_texts(body.system, path=f"{_BODY}.system"),
        tools=tools,
        path=f"{_BODY}.messages",
    )


def _cohere_turn(turn: Any) -> Any:
    if isinstance(turn, Mapping) and isinstance(turn.get("role"), str):
        return {"role": turn["role"], "content": turn.get("message")}
    return turn


def _customer(metadata: Mapping[str, Any], arn: str | None, settings: FormatSettings) -> str:
    if _trusts_metadata(arn, settings):
        for key in settings.customer_metadata_keys:
            value = _text(metadata.get(key))
            if value:
                return value
    if arn and arn.strip():
        return caller_identity(arn.strip())
    raise RecordRejected("no_customer", "neither requestMetadata nor identity.arn names the caller")


def _trusts_metadata(arn: str | None, settings: FormatSettings) -> bool:
    """`requestMetadata` is written by whoever calls Bedrock: with `trusted_metadata_roles` set, only those roles
    (a gateway's) may name the customer; any other caller is named by its own identity, so it cannot pose as
    another customer or spread its traffic over invented ones."""
    if not settings.trusted_metadata_roles:
        return True
    role = caller_identity(arn.strip()).rsplit("/", 1)[-1] if arn and arn.strip() else None
    return role in settings.trusted_metadata_roles


def caller_identity(arn: str) -> str:
    """An assumed-role ARN without its session name (each session of one role is the same caller); other ARNs as
    they are."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        role = parts[5].split("/")[1]
        if role:
            return ":".join([*parts[:5], f"assumed-role/{role}"])
    return arn


def _principal(arn: str | None) -> str | None:
    """``Role/Session`` of an assumed-role ARN, ``alice`` of ``...:user/alice``; ``None`` if not an ARN."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    kind, _, name = parts[5].partition("/")
    return name or kind or None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
