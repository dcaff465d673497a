"""The gateway format (DistillGuard's own request log) to canonical records."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import FormatSettings, RecordRejected, RecordSkipped, parse_record
from distillguard.formats.models import takes_no_prompt

EVENTS = Path(__file__).parents[1] / "events" / "formats"


def _samples() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (EVENTS / "gateway_requests.jsonl").read_text().splitlines()]


def _parse(raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    return parse_record(
        raw, source_key="gateway/2026/11/27/part-0001.jsonl.gz", line_number=1, settings=FormatSettings()
    )


def test_an_openai_request_with_tool_calls_becomes_the_corpus_prompt() -> None:
    # Given a gateway record of a chat-completions request with a tool round trip and an image part
    record = _parse(_samples()[0])

    # Then the prompt is in corpus form
    assert record.prompt == (
        "[system]\nYou are a helpful assistant.\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "get_current_weather", "description": "Get the current '
        'weather in a given location", "parameters": {"type": "object", "properties": {"location": {"type": "string", '
        '"description": "The city and state, e.g. San Francisco, CA"}, "unit": {"type": "string", "enum": ["celsius", '
        '"fahrenheit"]}}, "required": ["location"]}}}]\n\n'
        "[user]\nWhat's the weather like in Boston today?\n[image]\n\n"
        '[assistant]\n[tool_calls] [{"name": "get_current_weather", "arguments": "{\\"location\\":\\"Boston, MA\\"}"}]'
        "\n\n"
        '[tool]\n{"temperature": 22, "unit": "celsius"}'
    )
    # And every fact is carried over
    assert record.model_dump(exclude={"prompt", "template_fingerprint", "toolset_fingerprint", "source_version"}) == {
        "request_id": "req_01JDGW0001",
        "timestamp": datetime(2025, 11, 27, 9, 14, 3, 125000, tzinfo=UTC),
        "customer_account": "acct-4471",
        "api_key_id": "key_9f2c",
        "source_ip": "203.0.113.7",
        "user_agent": "OpenAI/Python 1.54.3",
        "model": "gpt-4o-mini",
        "prompt_tokens": 118,
        "completion_tokens": 21,
        "status": 200,
        "source_format": "gateway",
        "tool_names": ("get_current_weather",),
        "source_key": "gateway/2026/11/27/part-0001.jsonl.gz",
        "line_number": 1,
    }


def test_a_developer_message_is_the_system_turn() -> None:
    record = _parse(_samples()[1])

    assert record.prompt == (
        "[system]\nYour role is to think step by step and show all reasoning inside <think></think> tags before "
        "answering.\n\n[user]\nSolve: 3x + 7 = 22"
    )
    assert record.timestamp == datetime(2025, 11, 27, 9, 15, 1, tzinfo=UTC)


def test_a_failed_request_keeps_its_status() -> None:
    assert _parse(_samples()[2]).status == 429


def test_a_legacy_completions_prompt_is_kept_as_sent() -> None:
    raw = _samples()[2]
    raw["request"] = {"model": "gpt-3.5-turbo-instruct", "prompt": "Thought: I should search.\nAction:"}

    assert _parse(raw).prompt == "Thought: I should search.\nAction:"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r.update(ts="2026-11-27T09:14:03Z"), "schema:ts"),
        (lambda r: r.update(ts=1764234843000), "schema:ts"),  # milliseconds, not seconds
        (lambda r: r.update(account_id=""), "schema:account_id"),
        (lambda r: r.pop("request"), "unknown_format"),
        (lambda r: r["request"].update(messages=[{"content": "hi"}]), "schema:request.messages.*.role"),
        (
            lambda r: r["request"].update(messages=[{"role": "narrator", "content": "hi"}]),
            "schema:request.messages.*.role",
        ),
        (lambda r: r["request"].update(tools=[{"type": "function", "function": {}}]), "schema:request.tools.*.name"),
        (lambda r: r["request"].update(messages=[]), "empty_prompt"),
        (lambda r: r.update(status=1000), "schema:status"),
    ],
)
def test_bad_records_are_rejected_with_a_stable_reason(mutate: Any, reason: str) -> None:
    raw = copy.deepcopy(_samples()[0])
    mutate(raw)

    with pytest.raises(RecordRejected) as caught:
        _parse(raw)

    assert caught.value.reason == reason


def test_a_schema_reason_names_the_field_without_list_positions_and_the_detail_names_the_exact_path() -> None:
    # Given a request whose third message has a content that is neither text nor parts
    raw = _samples()[1]
    raw["request"]["messages"].append({"role": "user", "content": {"text": "hi"}})

    # When it is parsed
    with pytest.raises(RecordRejected) as caught:
        _parse(raw)

    # Then the reason is low-cardinality and the detail says exactly where
    assert caught.value.reason == "schema:request.messages.*.content"
    assert caught.value.detail.startswith("request.messages.2.content: ")


def _shapes() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (EVENTS / "gateway_request_shapes.jsonl").read_text().splitlines()]


def test_a_legacy_functions_request_records_its_toolset_and_function_call() -> None:
    # Given a chat body from before tools: `functions`, an assistant `function_call`, a `function` answer
    record = _parse(_shapes()[0])

    # Then the functions are the tools and the call is a tool call
    assert record.tool_names == ("get_current_weather",)
    assert record.toolset_fingerprint is not None
    assert record.prompt.startswith('[tools]\n[{"type": "function", "function": {"name": "get_current_weather"')
    assert record.prompt.endswith(
        "[user]\nWhat's the weather like in Boston?\n\n"
        '[assistant]\n[tool_calls] [{"name": "get_current_weather", "arguments": "{\\"location\\": \\"Boston, MA\\"}"}]'
        '\n\n[tool]\n{"temperature": "72", "unit": "fahrenheit"}'
    )


def test_a_responses_body_is_read_with_its_instructions() -> None:
    # Given a Responses body: `input` items and `instructions`, no `messages`
    record = _parse(_shapes()[1])

    # Then the instructions are the system turn (dropping them cut a harvesting score from 0.996 to 0.717)
    assert record.prompt == (
        "[system]\nYou are a careful math tutor. Show every step of your reasoning, then give the final answer in "
        "\\boxed{}.\n\n[user]\nA train travels 120 km in 1.5 hours. What is its average speed?"
    )


def test_a_responses_body_with_only_a_string_input_is_one_user_turn() -> None:
    raw = _shapes()[1]
    raw["request"] = {"model": "o4-mini", "input": "Write a haiku about autumn."}

    assert _parse(raw).prompt == "[user]\nWrite a haiku about autumn."


def test_an_anthropic_messages_body_keeps_its_system_and_tools() -> None:
    record = _parse(_shapes()[2])

    assert record.prompt == (
        "[system]\nYou are a travel assistant.\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in '
        'a given location", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, '
        '"required": ["location"]}}}]\n\n'
        "[user]\nWhat's the weather in Paris?"
    )
    assert record.tool_names == ("get_weather",)


@pytest.mark.parametrize(
    ("model", "request_body"),
    [
        ("text-embedding-3-small", {"model": "text-embedding-3-small", "input": "refund policy, section 2"}),
        (None, {"model": "omni-moderation-latest", "input": "is this allowed?"}),
        ("gpt-4o-mini-tts", {"model": "gpt-4o-mini-tts", "input": "Read this aloud", "voice": "alloy"}),
        ("dall-e-3", {"model": "dall-e-3", "prompt": "a lighthouse at dusk"}),
    ],
)
def test_a_request_to_a_model_that_takes_no_prompt_is_skipped(model: str | None, request_body: dict[str, Any]) -> None:
    # Given a gateway record of an embedding, moderation, speech or image request (the model on the record or in
    # the body only)
    raw = copy.deepcopy(_samples()[0])
    raw["model"], raw["request"] = model, request_body
    # When it is parsed / Then it is skipped, not read as a Responses `input` or a completion `prompt`
    with pytest.raises(RecordSkipped) as caught:
        _parse(raw)
    assert caught.value.reason == "model_without_prompt"


@pytest.mark.parametrize(
    "model",
    [
        "gpt-4o",
        "gpt-4.1-mini",
        "o3",
        "claude-opus-4-1",
        "claude-haiku-4-5",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "us.meta.llama3-2-90b-instruct-v1:0",
        "mistral.mistral-large-2407-v1:0",
        "amazon.nova-pro-v1:0",
        "amazon.titan-text-express-v1",
        "cohere.command-r-plus-v1:0",
        "us.deepseek.r1-v1:0",
        "openai.gpt-oss-120b-1:0",
        "gemini-2.5-pro",
        "qwen3-235b-a22b",
    ],
)
def test_generative_models_are_never_taken_for_models_without_a_prompt(model: str) -> None:
    # Given a chat or completion model's id / When it is checked / Then its requests are read and classified
    assert not takes_no_prompt(model)
