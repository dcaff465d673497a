"""Prompt text exactly as the training corpus serialises it (see data/prompts/README.md).

Blocks of ``[role]\\ncontent`` joined by blank lines; the roles are system, user, assistant and tool. An
OpenAI-style ``tools`` parameter becomes a ``[tools]`` block right after the system turn, written as
``json.dumps(tools, ensure_ascii=False)`` (the corpus keeps json's default separators and raw non-ASCII). An
assistant's tool calls add a ``[tool_calls] [{"name": ..., "arguments": "<json string>"}]`` line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class ToolCall:
    """One function call an assistant turn made; ``arguments`` is the JSON text, as OpenAI sends it."""

    name: str
    arguments: str


@dataclass(frozen=True)
class Turn:
    """One message of a conversation, already reduced to text."""

    role: Role
    text: str
    tool_calls: tuple[ToolCall, ...] = ()

    def body(self) -> str:
        if not self.tool_calls:
            return self.text
        calls = json.dumps([{"name": c.name, "arguments": c.arguments} for c in self.tool_calls], ensure_ascii=False)
        return f"{self.text}\n[tool_calls] {calls}" if self.text else f"[tool_calls] {calls}"


def serialise_prompt(system: Sequence[str], tools: Sequence[Mapping[str, Any]], turns: Sequence[Turn]) -> str:
    """The corpus form of one request: system, tools, then every non-empty turn in order."""
    blocks: list[str] = []
    system_text = "\n".join(part for part in system if part)
    if system_text:
        blocks.append(f"[system]\n{system_text}")
    if tools:
        blocks.append("[tools]\n" + json.dumps([dict(tool) for tool in tools], ensure_ascii=False))
    for turn in turns:
        body = turn.body()
        if body:
            blocks.append(f"[{turn.role}]\n{body}")
    return "\n\n".join(blocks)
