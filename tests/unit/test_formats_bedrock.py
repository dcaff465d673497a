"""Bedrock model invocation logs to canonical records."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import FormatSettings, RecordRejected, parse_record

EVENTS = Path(__file__).parents[1] / "events" / "formats"
SETTINGS = FormatSettings()


def _samples() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (EVENTS / "bedrock_invocation_log.jsonl").read_text().splitlines()]


def _parse(raw: dict[str, Any], settings: FormatSettings = SETTINGS):  # type: ignore[no-untyped-def]
    return parse_record(
        raw, source_key="AWSLogs/1/BedrockModelInvocationLogs/x.json.gz", line_number=3, settings=settings
    )


def test_an_anthropic_invoke_model_record_becomes_the_corpus_prompt() -> None:
    # Given a Claude InvokeModel record with a system list, a tool, an image, a tool use and its result
    raw = _samples()[0]

    # When it is parsed
    record = _parse(raw)

    # Then the prompt is in corpus form, with the Anthropic tool rewritten as an OpenAI function tool
    assert record.prompt == (
        "[system]\nYou are a travel assistant.\nAnswer briefly.\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather '
        'in a given location", "parameters": {"type": "object", "properties": {"location": {"type": "string", '
        '"description": "City and country, e.g. Paris, France"}, "unit": {"type": "string", "enum": ["celsius", '
        '"fahrenheit"]}}, "required": ["location"]}}}]\n\n'
        "[user]\nWhat's the weather in Paris?\n[image]\n\n"
        '[assistant]\nLet me check.\n[tool_calls] [{"name": "get_weather", "arguments": "{\\"location\\":\\"Paris, '
        'France\\"}"}]\n\n'
        "[tool]\n15 degrees, cloudy"
    )
    # And the facts come from the log record
    assert record.source_format == "bedrock"
    assert record.request_id == "5c2f7d1e-8b7a-4a8e-9a3f-2d0c6c1b9e41"
    assert record.timestamp == datetime(2026, 11, 27, 9, 14, 3, tzinfo=UTC)
    assert record.model == "anthropic.claude-3-5-sonnet-20241022-v2:0"
    assert (record.prompt_tokens, record.completion_tokens) == (412, 14)
    assert record.tool_names == ("get_weather",)
    assert record.toolset_fingerprint is not None and len(record.toolset_fingerprint) == 16
    assert record.api_key_id == "TenantGatewayRole/gw-session-7"
    assert (record.source_ip, record.user_agent, record.status) == (None, None, None)
    assert record.line_number == 3


def test_the_customer_is_the_first_request_metadata_key_in_order() -> None:
    # Given metadata naming both customer_account and customer_id
    raw = _samples()[0]

    # When parsed with the default key order, and with the order reversed
    default = _parse(raw)
    reversed_keys = _parse(raw, FormatSettings(customer_metadata_keys=("customer_id", "customer_account")))

    # Then the first configured key wins
    assert default.customer_account == "acme-corp"
    assert reversed_keys.customer_account == "cust-0042"


def test_without_a_customer_key_the_identity_arn_is_the_customer() -> None:
    # Given a Converse record whose only customer key is empty
    record = _parse(_samples()[1])

    # Then the caller's IAM ARN stands in for the customer
    assert record.customer_account == "arn:aws:iam::111122223333:user/batch-harvester"
    assert record.api_key_id == "batch-harvester"


def test_a_converse_record_becomes_the_corpus_prompt() -> None:
    record = _parse(_samples()[1])

    assert record.prompt == (
        "[system]\nYou will be given a problem. Please reason step by step, and put your final answer within "
        "\\boxed{}:\n\n"
        '[tools]\n[{"type": "function", "function": {"name": "calculator", "description": "Evaluate an arithmetic '
        'expression", "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}, '
        '"required": ["expression"]}}}]\n\n'
        "[user]\nA train travels 120 km in 1.5 hours. What is its average speed?"
    )
    assert record.timestamp == datetime(2026, 11, 27, 9, 15, 41, 512000, tzinfo=UTC)
    assert record.tool_names == ("calculator",)


def test_a_raw_completion_prompt_is_kept_as_sent() -> None:
    record = _parse(_samples()[2])

    assert record.prompt.startswith("<|begin_of_text|><|start_header_id|>user<|end_header_id|>What is the capital")
    assert record.customer_account == "globex"
    assert record.tool_names == () and record.toolset_fingerprint is None


def test_a_body_offloaded_to_s3_is_rejected_with_its_path() -> None:
    with pytest.raises(RecordRejected) as caught:
        _parse(_samples()[3])

    assert caught.value.reason == "body_offloaded"
    assert "e1e2e3e4_input.json.gz" in caught.value.detail


def test_source_ip_and_user_agent_come_from_request_metadata_when_present() -> None:
    raw = _samples()[0]
    raw["requestMetadata"] |= {"source_ip": "198.51.100.9", "user_agent": "boto3/1.35.0"}

    record = _parse(raw)

    assert (record.source_ip, record.user_agent) == ("198.51.100.9", "boto3/1.35.0")


def test_an_error_code_becomes_its_http_status() -> None:
    raw = _samples()[0]
    raw["errorCode"] = "ThrottlingException"

    assert _parse(raw).status == 429


def test_a_body_logged_as_a_json_string_is_read() -> None:
    raw = _samples()[1]
    raw["input"]["inputBodyJson"] = json.dumps(raw["input"]["inputBodyJson"])

    assert _parse(raw).prompt.startswith("[system]\nYou will be given a problem.")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: r.pop("requestId"), "schema:requestId"),
        (lambda r: r.update(timestamp="yesterday"), "schema:timestamp"),
        (lambda r: r["input"].update(inputTokenCount=-5), "schema:input.inputTokenCount"),
        (lambda r: r["input"]["inputBodyJson"].update(messages="hi"), "schema:input.inputBodyJson.messages"),
        (
            lambda r: r["input"]["inputBodyJson"].update(messages=[{"role": "user", "content": ""}], system=[]),
            "empty_prompt",
        ),
        (lambda r: (r.pop("identity"), r.pop("requestMetadata")), "no_customer"),
        (lambda r: r["input"].update(inputBodyJson={"texts": ["embed me"]}), "unsupported_body"),
    ],
)
def test_bad_records_are_rejected_with_a_stable_reason(mutate: Any, reason: str) -> None:
    raw = copy.deepcopy(_samples()[0])
    mutate(raw)

    with pytest.raises(RecordRejected) as caught:
        _parse(raw)

    assert caught.value.reason == reason


def test_converse_tool_use_and_results_and_replayed_reasoning() -> None:
    # Given a Converse conversation with a tool round trip, a JSON tool result and replayed reasoning
    raw = _samples()[1]
    raw["input"]["inputBodyJson"]["messages"] += [
        {
            "role": "assistant",
            "content": [
                {"reasoningContent": {"reasoningText": {"text": "120/1.5", "signature": "sig"}}},
                {"toolUse": {"toolUseId": "tooluse_1", "name": "calculator", "input": {"expression": "120/1.5"}}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "tooluse_1", "content": [{"json": {"value": 80}}], "status": "success"}},
                {"text": "Continue."},
            ],
        },
    ]

    # When it is parsed
    prompt = _parse(raw).prompt

    # Then the call and its result are turns, and the model's own reasoning is left out
    assert prompt.endswith(
        "[user]\nA train travels 120 km in 1.5 hours. What is its average speed?\n\n"
        '[assistant]\n[tool_calls] [{"name": "calculator", "arguments": "{\\"expression\\":\\"120/1.5\\"}"}]\n\n'
        '[tool]\n{"value": 80}\n\n'
        "[user]\nContinue."
    )


def test_anthropic_thinking_blocks_are_left_out() -> None:
    raw = _samples()[0]
    raw["input"]["inputBodyJson"]["thinking"] = {"type": "enabled", "budget_tokens": 2048}
    raw["input"]["inputBodyJson"]["messages"][1]["content"].insert(
        0, {"type": "thinking", "thinking": "The user wants weather.", "signature": "EqQBCgIYAhIM"}
    )

    assert "The user wants weather." not in _parse(raw).prompt
