"""LiteLLM S3 logger payloads (StandardLoggingPayload) to canonical records."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines

EVENTS = Path(__file__).parents[1] / "events" / "formats"


def _sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / "litellm_payload.json").read_text())
    return data


def _parse(raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    return parse_record(
        raw, source_key="litellm/2026-11-27/time-09-20-00.json", line_number=1, settings=FormatSettings()
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
        (lambda r: r.update(call_type="aembedding"), "unsupported_call_type"),
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
