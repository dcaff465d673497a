"""Chat messages of any of the supported APIs reduced to the turns the prompt serialiser writes.

One tolerant reader covers the OpenAI chat-completions shape (content parts with a ``type``, assistant
``tool_calls``, ``tool`` messages), the Anthropic Messages shape (``text``/``image``/``tool_use``/
``tool_result``/``thinking`` blocks) and the Bedrock Converse/Nova shape (blocks keyed ``text``, ``image``,
``toolUse``, ``toolResult``, ...). Non-text content becomes a placeholder (``[image]``, ``[document]``, ...);
reasoning blocks replayed from earlier answers are left out because they are the model's words, not the caller's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from distillguard.formats.errors import RecordRejected, validate
from distillguard.formats.prompt import Role, ToolCall, Turn, serialise_prompt

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "model": "assistant",
    "chatbot": "assistant",
    "ai": "assistant",
    "tool": "tool",
    "function": "tool",
    "ipython": "tool",
}
_PLACEHOLDERS = {
    "image": "[image]",
    "image_url": "[image]",
    "input_image": "[image]",
    "audio": "[audio]",
    "input_audio": "[audio]",
    "video": "[video]",
    "document": "[document]",
    "file": "[document]",
    "input_file": "[document]",
}
_TEXT_TYPES = {"text", "input_text", "output_text"}
_SKIPPED_TYPES = {"thinking", "redacted_thinking", "reasoningContent", "reasoning", "cachePoint", "refusal"}


class FunctionCall(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    arguments: str | dict[str, Any] | None = None


class ChatToolCall(BaseModel):
    """An OpenAI assistant tool call: ``{"id", "type": "function", "function": {"name", "arguments"}}``."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    type: str = "function"
    function: FunctionCall


class ChatMessage(BaseModel):
    """One message: ``role`` plus ``content`` as a string or a list of content parts/blocks.

    An assistant message carries its calls as ``tool_calls``, or as one legacy ``function_call`` (``{"name",
    "arguments"}``, answered by a ``function`` message): both become the turn's tool calls.
    """

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[Any] | None = None
    tool_calls: list[ChatToolCall] | None = None
    function_call: FunctionCall | None = None


@dataclass(frozen=True)
class Conversation:
    """What a request asked the model: system text, normalised tool schemas and the turns."""

    system: tuple[str, ...] = ()
    tools: tuple[dict[str, Any], ...] = ()
    turns: tuple[Turn, ...] = field(default_factory=tuple)

    @property
    def has_text(self) -> bool:
        return any(self.system) or any(turn.body() for turn in self.turns)

    def prompt(self) -> str:
        return serialise_prompt(self.system, self.tools, self.turns)


def parse_messages(raw: Any, *, path: str) -> list[ChatMessage]:
    if not isinstance(raw, list):
        raise RecordRejected(f"schema:{path}", "messages must be a list")
    return [validate(ChatMessage, item, prefix=f"{path}.{index}") for index, item in enumerate(raw)]


def conversation(
    messages: Sequence[ChatMessage],
    *,
    system: Sequence[str] = (),
    tools: Sequence[dict[str, Any]] = (),
    path: str,
) -> Conversation:
    """Leading system/developer messages join ``system``; later ones stay in place as ``[system]`` turns."""
    system_parts = list(system)
    turns: list[Turn] = []
    for index, message in enumerate(messages):
        message_turns = _message_turns(message, path=f"{path}.{index}")
        if not turns and all(turn.role == "system" for turn in message_turns):
            system_parts.extend(turn.text for turn in message_turns)
            continue
        turns.extend(message_turns)
    return Conversation(tuple(system_parts), tuple(tools), tuple(turns))


def system_texts(raw: Any, *, path: str) -> list[str]:
    """A ``system`` parameter: a string, or a list of text blocks (Anthropic ``{type, text}``, Converse ``{text}``)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if not isinstance(raw, list):
        raise RecordRejected(f"schema:{path}", "system must be a string or a list of blocks")
    texts: list[str] = []
    for index, block in enumerate(raw):
        texts.extend(_block_texts(block, path=f"{path}.{index}"))
    return texts


def compact_json(value: Any) -> str:
    """Tool-call arguments as OpenAI writes them: compact JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _message_turns(message: ChatMessage, *, path: str) -> list[Turn]:
    role = _ROLES.get(message.role.lower())
    if role is None:
        raise RecordRejected(f"schema:{path}.role", f"unknown role {message.role[:40]!r}")
    turns: list[Turn] = []
    texts: list[str] = []
    calls: list[ToolCall] = []

    def flush() -> None:
        if texts or calls:
            turns.append(Turn(role, "\n".join(texts), tuple(calls)))
            texts.clear()
            calls.clear()

    content = message.content
    blocks: list[Any] = [] if content is None else [content] if isinstance(content, str) else content
    for index, block in enumerate(blocks):
        if isinstance(block, str):  # most blocks: a plain text needs none of the checks below
            texts.append(block)
            continue
        block_path = f"{path}.content.{index}"
        if isinstance(block, Mapping) and (block.get("type") == "tool_result" or "toolResult" in block):
            flush()
            turns.append(Turn("tool", _tool_result_text(block, path=block_path)))
            continue
        call = _tool_call(block, path=block_path)
        if call is not None:
            calls.append(call)
            continue
        texts.extend(_block_texts(block, path=block_path))
    functions = [call_model.function for call_model in message.tool_calls or ()]
    for function in [*functions, *([message.function_call] if message.function_call else [])]:
        arguments = function.arguments
        calls.append(ToolCall(function.name, arguments if isinstance(arguments, str) else compact_json(arguments)))
    flush()
    return turns


def _tool_call(block: Any, *, path: str) -> ToolCall | None:
    if not isinstance(block, Mapping):
        return None
    if block.get("type") in ("tool_use", "server_tool_use"):
        spec: Any = block
    elif isinstance(block.get("toolUse"), Mapping):
        spec = block["toolUse"]
    else:
        return None
    name = spec.get("name")
    if not isinstance(name, str):
        raise RecordRejected(f"schema:{path}.name", "a tool call needs a string name")
    return ToolCall(name, compact_json(spec.get("input", {})))


def _tool_result_text(block: Mapping[str, Any], *, path: str) -> str:
    inner = block.get("toolResult", block)
    if not isinstance(inner, Mapping):
        raise RecordRejected(f"schema:{path}", "a tool result must be an object")
    content = inner.get("content")
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise RecordRejected(f"schema:{path}.content", "tool result content must be a string or a list")
    texts: list[str] = []
    for index, part in enumerate(content):
        texts.extend(_block_texts(part, path=f"{path}.content.{index}"))
    return "\n".join(texts)


def _block_texts(block: Any, *, path: str) -> list[str]:
    """The text one content block contributes (zero or one string)."""
    if isinstance(block, str):
        return [block]
    if not isinstance(block, Mapping):
        raise RecordRejected(f"schema:{path}", "a content block must be a string or an object")
    kind = block.get("type")
    if kind is None:  # Converse blocks are keyed by kind instead of typed
        kind = next(
            (key for key in block if key in _TEXT_TYPES | _PLACEHOLDERS.keys() | {"json", "guardContent"}), None
        )
        if kind is None:
            return []
    if not isinstance(kind, str) or kind in _SKIPPED_TYPES:
        return []
    if kind in _TEXT_TYPES:
        text = block.get("text")
        if not isinstance(text, str):
            raise RecordRejected(f"schema:{path}.text", "text must be a string")
        return [text]
    if kind in _PLACEHOLDERS:
        return [_PLACEHOLDERS[kind]]
    if kind == "json":
        return [json.dumps(block.get("json"), ensure_ascii=False)]
    if kind == "guardContent":
        guarded = block.get("guardContent")
        text = guarded.get("text") if isinstance(guarded, Mapping) else None
        text = text.get("text") if isinstance(text, Mapping) else text
        return [text] if isinstance(text, str) else []
    return []
