"""serialise_prompt writes requests exactly as the training corpus does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distillguard.formats import FormatSettings, ToolCall, Turn, parse_record, serialise_prompt

CORPUS_CANDIDATES = (
    Path(__file__).parents[2] / "data" / "prompts",
    Path("/work/shared/data/prompts"),
)

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Météo actuelle",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_a_single_turn_request_is_just_the_user_block() -> None:
    assert serialise_prompt([], [], [Turn("user", "What is 2 + 2?")]) == "[user]\nWhat is 2 + 2?"


def test_system_tools_and_turns_are_blocks_joined_by_blank_lines() -> None:
    # Given a system text in two parts, one tool, and a conversation with a tool call and its result
    turns = [
        Turn("user", "Weather in Lyon?"),
        Turn("assistant", "Checking.", (ToolCall("get_weather", '{"city":"Lyon"}'),)),
        Turn("tool", "12C, rain"),
    ]

    # When it is serialised
    prompt = serialise_prompt(["You are helpful.", "Be brief."], [TOOL], turns)

    # Then it matches the corpus form byte for byte (default json separators, non-ASCII kept)
    assert prompt == (
        "[system]\nYou are helpful.\nBe brief.\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "get_weather", "description": "Météo actuelle", '
        '"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]\n\n'
        "[user]\nWeather in Lyon?\n\n"
        '[assistant]\nChecking.\n[tool_calls] [{"name": "get_weather", "arguments": "{\\"city\\":\\"Lyon\\"}"}]\n\n'
        "[tool]\n12C, rain"
    )


def test_an_assistant_turn_with_only_tool_calls_has_just_the_tool_calls_line() -> None:
    turn = Turn("assistant", "", (ToolCall("f", "{}"),))
    assert serialise_prompt([], [], [turn]) == '[assistant]\n[tool_calls] [{"name": "f", "arguments": "{}"}]'


def test_empty_turns_are_left_out() -> None:
    assert serialise_prompt([""], [], [Turn("user", ""), Turn("user", "hi")]) == "[user]\nhi"


def _corpus_dir() -> Path:
    for candidate in CORPUS_CANDIDATES:
        if (candidate / "agentic__gorilla-bfcl.jsonl").exists():
            return candidate
    pytest.skip("training corpus not available")


def test_gateway_requests_rebuilt_from_the_corpus_serialise_to_the_corpus_text() -> None:
    # Given every corpus prompt of the form [system]? [tools] [user] (BFCL "FC" format)
    texts = [json.loads(line)["text"] for line in (_corpus_dir() / "agentic__gorilla-bfcl.jsonl").open()]
    checked = 0
    for text in texts:
        blocks = text.split("\n\n[")
        if not text.startswith("[tools]\n") or len(blocks) != 2 or not blocks[1].startswith("user]\n"):
            continue
        tools = json.loads(blocks[0].removeprefix("[tools]\n"))
        user = blocks[1].removeprefix("user]\n")
        raw = {
            "ts": 1764234843,
            "request_id": "r",
            "account_id": "a",
            "request": {"messages": [{"role": "user", "content": user}], "tools": tools},
        }

        # When the request is read as a gateway record
        record = parse_record(raw, source_key="k", line_number=1, settings=FormatSettings())

        # Then its prompt is the corpus text exactly
        assert record.prompt == text
        checked += 1
    assert checked > 100
