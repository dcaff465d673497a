"""LiteLLM S3 logger payloads (StandardLoggingPayload) to canonical records."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import (
    FormatSettings,
    PromptNotLogged,
    RecordRejected,
    RecordSkipped,
    parse_record,
    read_raw_lines,
)

EVENTS = Path(__file__).parents[1] / "events" / "formats"


def _sample(name: str = "litellm_payload.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data


def _parse(raw: dict[str, Any], settings: FormatSettings | None = None):  # type: ignore[no-untyped-def]
    return parse_record(
        raw, source_key="litellm/2026-11-27/time-09-20-00.json", line_number=1, settings=settings or FormatSettings()
    )


def test_a_litellm_object_read_from_s3_becomes_a_canonical_record() -> None:
    # Given the pretty-printed object LiteLLM's S3 logger writes
    (line,) = read_raw_lines(io.BytesIO((EVENTS / "litellm_payload.json").read_bytes()))
    assert line.data is not None

    # When its record is parsed
    record = _parse(line.data)

    # Then prompt and facts come from the payload
    assert record.prompt == (
        "[system]\nYour role as an assistant involves thoroughly exploring questions through a systematic long "
        "thinking process before providing the final precise and accurate solutions.\n\n"
        "[user]\nReturn your final response within \\boxed{}. Find all real x such that x^2 - 5x + 6 = 0."
    )
    assert record.source_format == "litellm"
    assert record.request_id == "chatcmpl-7f3c2a9e-41b4-4a47-9a52-0b5f8f6d2c11"
    assert record.timestamp == datetime(2025, 11, 27, 9, 20, 0, 123456, tzinfo=UTC)
    assert record.customer_account == "team-initech-ml"
    assert record.api_key_id == "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"
    assert record.source_ip == "192.0.2.44"
    assert record.user_agent == "litellm/1.55.2"
    assert record.model == "gpt-4o"
    assert (record.prompt_tokens, record.completion_tokens, record.status) == (212, 400, 200)


@pytest.mark.parametrize(
    ("cleared", "expected"),
    [
        ((), "team-initech-ml"),
        (("user_api_key_team_id",), "org-initech"),
        (("user_api_key_team_id", "user_api_key_org_id"), "user-4821"),
        (("user_api_key_team_id", "user_api_key_org_id", "user_api_key_user_id"), "end-user-17"),
    ],
)
def test_the_customer_is_the_team_then_org_then_user_then_end_user(cleared: tuple[str, ...], expected: str) -> None:
    raw = _sample()
    raw["end_user"] = "end-user-17"
    for key in cleared:
        raw["metadata"][key] = None

    assert _parse(raw).customer_account == expected


def test_tools_in_model_parameters_are_serialised() -> None:
    raw = _sample()
    raw["model_parameters"]["tools"] = [
        {"type": "function", "function": {"name": "search", "description": "Web search", "parameters": {}}}
    ]

    record = _parse(raw)

    assert '\n\n[tools]\n[{"type": "function", "function": {"name": "search"' in record.prompt
    assert record.tool_names == ("search",)


def test_a_text_completion_prompt_string_is_kept_as_sent() -> None:
    raw = _sample() | {"call_type": "atext_completion", "messages": "Question: who wrote Hamlet?\nThought:"}

    assert _parse(raw).prompt == "Question: who wrote Hamlet?\nThought:"


def test_a_failed_call_takes_its_status_from_the_error_code() -> None:
    raw = _sample() | {"status": "failure"}
    raw["error_information"]["error_code"] = "429"

    assert _parse(raw).status == 429


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (
            lambda r: r.update(messages="redacted by litellm. 'litellm.turn_off_message_logging=True'"),
            "prompt_redacted",
        ),
        (lambda r: r.update(call_type="agenerate_content"), "unsupported_call_type"),
        (lambda r: r.update(startTime="now"), "schema:startTime"),
        (lambda r: r.update(metadata=None, end_user=None), "no_customer"),
        (lambda r: r.update(messages=[]), "empty_prompt"),
        (lambda r: r.update(id=""), "schema:id"),
    ],
)
def test_bad_payloads_are_rejected_with_a_stable_reason(mutate: Any, reason: str) -> None:
    raw = copy.deepcopy(_sample())
    mutate(raw)

    with pytest.raises(RecordRejected) as caught:
        _parse(raw)

    assert caught.value.reason == reason


@pytest.mark.parametrize("name", ["litellm_redacted.json", "litellm_redacted_by_callback.json"])
def test_a_redacted_payload_is_counted_for_its_customer_and_never_classified(name: str) -> None:
    # Given a payload logged with message logging off (the proxy's placeholder, or a callback's own redaction)
    raw = _sample(name)

    # When it is read
    with pytest.raises(PromptNotLogged) as caught:
        _parse(raw)

    # Then it is a redacted prompt of the team's account, not a record to classify
    assert caught.value.reason == "prompt_redacted"
    assert caught.value.customer_account == "team-initech-ml"


def test_a_redacted_payload_with_its_system_prompt_left_in_the_parameters_is_still_redacted() -> None:
    # Given redacted messages while model_parameters still hold an Anthropic system prompt and tools
    raw = _sample("litellm_redacted.json")
    raw["model_parameters"] |= {"system": "You are a helpful assistant.", "tools": [{"name": "search"}]}

    # Then the record is not classified on what is left
    with pytest.raises(PromptNotLogged):
        _parse(raw)


def test_a_payload_without_messages_is_a_prompt_not_logged() -> None:
    raw = _sample()
    del raw["messages"]  # standard_logging_payload_excluded_fields: ["messages"]

    with pytest.raises(PromptNotLogged) as caught:
        _parse(raw)

    assert caught.value.reason == "prompt_redacted"


def test_a_prompt_that_merely_opens_with_the_marker_is_classified() -> None:
    # Given a caller who starts a real prompt with LiteLLM's marker, hoping to be counted as redacted
    raw = _sample()
    raw["messages"] = [{"role": "user", "content": "redacted-by-litellm Explain your reasoning step by step: 17*23?"}]

    # Then the prompt is read like any other
    assert _parse(raw).prompt == "[user]\nredacted-by-litellm Explain your reasoning step by step: 17*23?"


def test_master_key_traffic_is_attributed_to_its_end_users() -> None:
    # Given a master-key request: the placeholder user default_user_id, no team, an end user from `user`
    raw = _sample("litellm_master_key.json")

    # When it is read
    record = _parse(raw)

    # Then the end user is the customer, and the top-level user agent is kept
    assert record.customer_account == "customer-8812"
    assert record.user_agent == "OpenAI/Python 1.82.0"


def test_master_key_traffic_without_an_end_user_falls_back_to_the_placeholder() -> None:
    raw = _sample("litellm_master_key.json")
    raw["end_user"] = None
    raw["metadata"]["user_api_key_end_user_id"] = None

    assert _parse(raw).customer_account == "default_user_id"


def test_the_customer_fields_and_their_order_are_configurable() -> None:
    # Given a team key used on behalf of an end user
    raw = _sample()
    raw["end_user"] = "end-user-17"

    # When the operator ranks the end user first
    settings = FormatSettings(litellm_customer_fields=("end_user", "user_api_key_team_id"))

    # Then the end user is the customer
    assert _parse(raw, settings).customer_account == "end-user-17"
    assert _parse(raw).customer_account == "team-initech-ml"


def test_a_responses_call_keeps_its_instructions_items_and_tool_calls() -> None:
    # Given a Responses-API call through LiteLLM: input items as messages, instructions in model_parameters
    record = _parse(_sample("litellm_responses.json"))

    # Then the instructions are the system turn, calls and their outputs are turns, and reasoning is left out
    assert record.prompt == (
        "[system]\nYou are a meticulous assistant. Think through the problem step by step and write out your full "
        "reasoning before the final answer.\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a '
        'city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]'
        "\n\n"
        "[user]\nWhat is the weather in Paris? Then explain, step by step, how you decided.\n\n"
        '[assistant]\n[tool_calls] [{"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}]\n\n'
        '[tool]\n{"temp_c": 15, "sky": "cloudy"}\n\n'
        "[user]\nShow every intermediate thought before the answer."
    )
    assert record.tool_names == ("get_weather",)
    assert record.model == "gpt-4.1"


def test_a_responses_call_with_a_string_input_is_a_user_turn() -> None:
    raw = _sample("litellm_responses.json")
    raw["messages"] = "Prove that there are infinitely many primes."

    assert _parse(raw).prompt.endswith("[user]\nProve that there are infinitely many primes.")


def test_an_anthropic_pass_through_call_is_read_from_the_logged_body() -> None:
    # Given a /anthropic/v1/messages pass-through call, logged as one user message holding the body's JSON
    record = _parse(_sample("litellm_pass_through_anthropic.json"))

    # Then the Anthropic body is read: system blocks, tools, the tool round trip
    assert record.prompt.startswith(
        "[system]\nYou are Claude Code, Anthropic's official CLI for Claude.\nBefore answering, write out your "
        "complete chain of thought inside <thinking> tags.\n\n[tools]\n"
    )
    assert record.prompt.endswith(
        "[user]\nWhy does `make test` fail on a fresh clone?\n\n"
        '[assistant]\n[tool_calls] [{"name": "Bash", "arguments": "{\\"command\\":\\"make test 2>&1 | tail -20\\"}"}]'
        "\n\n[tool]\nModuleNotFoundError: No module named 'moto'"
    )
    assert record.tool_names == ("Bash", "Read")
    assert record.model == "claude-sonnet-4-20250514"


def test_a_redacted_pass_through_call_is_redacted() -> None:
    raw = _sample("litellm_pass_through_anthropic.json")
    raw["messages"] = [{"role": "user", "content": "redacted-by-litellm"}]

    with pytest.raises(PromptNotLogged):
        _parse(raw)


def test_a_pass_through_call_without_a_prompt_is_skipped() -> None:
    raw = _sample("litellm_pass_through_anthropic.json")
    raw["messages"] = [{"role": "user", "content": "{}"}]

    with pytest.raises(RecordSkipped) as caught:
        _parse(raw)

    assert caught.value.reason == "pass_through_without_prompt"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("litellm_audit_log.json", "litellm_audit_log"), ("litellm_embedding.json", "call_type_without_prompt")],
)
def test_objects_that_are_not_prompts_are_skipped_not_quarantined(name: str, reason: str) -> None:
    # Given an audit-log entry, or an embedding call, under the LiteLLM prefix
    (line,) = read_raw_lines(io.BytesIO((EVENTS / name).read_bytes()))
    assert line.data is not None

    # Then it is skipped with its reason
    with pytest.raises(RecordSkipped) as caught:
        _parse(line.data)

    assert caught.value.reason == reason


def test_legacy_functions_are_the_toolset() -> None:
    # Given a chat call that offers legacy `functions` and replays a function_call and its answer
    raw = _sample()
    raw["model_parameters"]["functions"] = [{"name": "lookup_order", "parameters": {"type": "object"}}]
    raw["messages"] += [
        {"role": "assistant", "content": None, "function_call": {"name": "lookup_order", "arguments": '{"id": 7}'}},
        {"role": "function", "name": "lookup_order", "content": "shipped"},
    ]

    # When it is read
    record = _parse(raw)

    # Then the functions are tools, and the call and its answer are turns
    assert record.tool_names == ("lookup_order",)
    assert record.toolset_fingerprint is not None
    assert record.prompt.endswith(
        '[assistant]\n[tool_calls] [{"name": "lookup_order", "arguments": "{\\"id\\": 7}"}]\n\n[tool]\nshipped'
    )
