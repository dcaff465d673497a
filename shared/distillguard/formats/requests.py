"""Request bodies as clients send them to OpenAI-style and Anthropic-style APIs, read into one ``Conversation``.

Shapes read (the first that is present wins):

- **Chat completions** (``messages``): OpenAI messages; tools in ``tools``, or in the legacy ``functions`` list (then
  assistant messages carry ``function_call`` and answers come as ``function`` messages).
- **Anthropic Messages** (``messages`` + ``system``, as sent to ``/v1/messages``): ``system`` is a string or a list of
  text blocks; tools carry ``input_schema``.
- **Responses** (``input`` + ``instructions``): ``input`` is a string or a list of items. Items with a ``role`` (with or
  without ``"type": "message"``) are messages with ``input_text``/``output_text``/``input_image``/``input_file``
  parts; ``function_call``/``custom_tool_call``/``mcp_call`` items are the assistant's tool calls;
  ``*_output`` items are tool results; ``reasoning`` items (the model's words), ``item_reference`` and the
  provider-run calls (``web_search_call``, ``file_search_call``, ...) carry no caller text and are left out.
  ``instructions`` is the system prompt; tools are flat (``{"type": "function", "name", "parameters"}``).
- **Completions** (``prompt``): a prompt string, kept as sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from distillguard.formats.chat import (
    ChatMessage,
    ChatToolCall,
    Conversation,
    conversation,
    parse_messages,
    system_texts,
)
from distillguard.formats.errors import RecordRejected, validate
from distillguard.formats.tools import openai_tools

# Responses items that are the assistant calling a tool, with where each keeps its name and its arguments.
_CALL_ITEMS = {"function_call": "arguments", "custom_tool_call": "input", "mcp_call": "arguments"}


class RequestBody(BaseModel):
    """The prompt-carrying fields of a chat, Messages, Responses or completions request (others are ignored)."""

    model_config = ConfigDict(extra="allow")

    messages: list[Any] | None = None
    system: str | list[Any] | None = None
    input: str | list[Any] | None = None
    instructions: str | None = None
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    prompt: str | None = None

    @property
    def has_prompt(self) -> bool:
        return self.messages is not None or self.input is not None or self.prompt is not None


def read_body(raw: Any, *, path: str) -> RequestBody:
    if not isinstance(raw, Mapping):
        raise RecordRejected(f"schema:{path}", "the request body must be an object")
    return validate(RequestBody, raw, prefix=path)


def body_conversation(
    body: RequestBody, *, path: str, system: list[str] | None = None, tools: list[Any] | None = None
) -> Conversation | str:
    """The conversation ``body`` asks for, or its completion prompt string. ``system`` and ``tools`` are where a
    logger keeps them outside the body (LiteLLM's ``model_parameters``); the body's own come first."""
    if body.messages is None and body.input is None and body.prompt is not None:
        return body.prompt
    system_parts = [
        *system_texts(body.system, path=f"{path}.system"),
        *([body.instructions] if body.instructions else []),
    ]
    specs = [
        *openai_tools(body.tools, path=f"{path}.tools"),
        *openai_tools(body.functions, path=f"{path}.functions"),
        *(tools or []),
    ]
    if body.messages is not None:
        messages = parse_messages(body.messages, path=f"{path}.messages")
        messages_path = f"{path}.messages"
    else:
        messages = response_items(body.input, path=f"{path}.input")
        messages_path = f"{path}.input"
    return conversation(messages, system=[*system_parts, *(system or [])], tools=specs, path=messages_path)


def response_items(raw: Any, *, path: str) -> list[ChatMessage]:
    """A Responses ``input`` as chat messages: a string is one user message; consecutive calls share one turn."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [ChatMessage(role="user", content=raw)]
    if not isinstance(raw, list):
        raise RecordRejected(f"schema:{path}", "input must be a string or a list of items")
    messages: list[ChatMessage] = []
    for index, item in enumerate(raw):
        item_path = f"{path}.{index}"
        if not isinstance(item, Mapping):
            raise RecordRejected(f"schema:{item_path}", "an input item must be an object")
        kind = item.get("type")
        if isinstance(item.get("role"), str) and kind in (None, "message"):
            messages.append(validate(ChatMessage, item, prefix=item_path))
        elif kind in _CALL_ITEMS:
            call = _tool_call(item, arguments_key=_CALL_ITEMS[kind], path=item_path)
            previous = messages[-1] if messages else None
            if (
                previous is not None
                and previous.role == "assistant"
                and previous.content is None
                and previous.tool_calls
            ):
                previous.tool_calls.append(call)
            else:
                messages.append(ChatMessage(role="assistant", tool_calls=[call]))
            if kind == "mcp_call" and item.get("output") is not None:  # run by the provider: call and result in one
                messages.append(ChatMessage(role="tool", content=_output(item["output"])))
        elif isinstance(kind, str) and kind.endswith("_output"):
            messages.append(ChatMessage(role="tool", content=_output(item.get("output"))))
    return messages


def _tool_call(item: Mapping[str, Any], *, arguments_key: str, path: str) -> ChatToolCall:
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise RecordRejected(f"schema:{path}.name", "a call item needs a non-empty string name")
    return validate(ChatToolCall, {"function": {"name": name, "arguments": item.get(arguments_key)}}, prefix=path)


def _output(output: Any) -> str | list[Any]:
    """A tool result as sent: text, a list of content parts, or anything else as its JSON text."""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(isinstance(part, Mapping) for part in output):
        return list(output)
    return json.dumps(output, ensure_ascii=False)
