"""Hostile input: whatever JSON arrives, parse_record returns a record or raises RecordRejected, nothing else."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines
from distillguard.records import CanonicalRecord

EVENTS = Path(__file__).parents[1] / "events" / "formats"
SETTINGS = FormatSettings()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


def _samples() -> list[dict[str, Any]]:
    bedrock = [json.loads(line) for line in (EVENTS / "bedrock_invocation_log.jsonl").read_text().splitlines()]
    gateway = [json.loads(line) for line in (EVENTS / "gateway_requests.jsonl").read_text().splitlines()]
    return [*bedrock, *gateway, json.loads((EVENTS / "litellm_payload.json").read_text())]


def _more_samples() -> list[dict[str, Any]]:
    """The other real shapes: Responses, pass-through, redacted and master-key LiteLLM payloads, Bedrock records
    with offloaded or missing bodies, gateway lines with legacy, Responses and Anthropic bodies."""
    names = ("litellm_responses.json", "litellm_pass_through_anthropic.json", "litellm_redacted.json")
    litellm = [json.loads((EVENTS / name).read_text()) for name in (*names, "litellm_master_key.json")]
    lines = [
        json.loads(line)
        for name in ("bedrock_offloaded_and_attribution.jsonl", "gateway_request_shapes.jsonl")
        for line in (EVENTS / name).read_text().splitlines()
    ]
    return [*litellm, *lines]


SAMPLES = _samples() + _more_samples()
FIELD_PATHS = [
    ("timestamp",),
    ("requestId",),
    ("input", "inputBodyJson"),
    ("input", "inputBodyJson", "messages"),
    ("input", "inputBodyJson", "system"),
    ("input", "inputBodyJson", "tools"),
    ("input", "inputTokenCount"),
    ("requestMetadata",),
    ("identity",),
    ("ts",),
    ("request",),
    ("request", "messages"),
    ("request", "tools"),
    ("usage",),
    ("status",),
    ("messages",),
    ("metadata",),
    ("startTime",),
    ("model_parameters",),
    ("prompt_tokens",),
    ("input", "inputBodyS3Path"),
    ("request", "input"),
    ("request", "instructions"),
    ("request", "functions"),
    ("request", "system"),
    ("model_parameters", "instructions"),
    ("model_parameters", "functions"),
    ("call_type",),
    ("end_user",),
    ("user_agent",),
]


def _outcome(raw: Any) -> None:
    try:
        record = parse_record(raw, source_key="k", line_number=1, settings=SETTINGS)
    except RecordRejected as rejected:
        assert rejected.reason and len(rejected.detail) <= 500
    else:
        assert isinstance(record, CanonicalRecord)


@given(json_values)
def test_any_json_value_parses_or_is_rejected(value: Any) -> None:
    _outcome(value)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.sampled_from(range(len(SAMPLES))), st.sampled_from(FIELD_PATHS), json_values)
def test_realistic_records_with_one_field_replaced_by_junk_parse_or_are_rejected(
    index: int, path: tuple[str, ...], junk: Any
) -> None:
    # Given a real sample with one (possibly nested) field replaced by arbitrary JSON
    raw = copy.deepcopy(SAMPLES[index])
    target = raw
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            break
        target = target[key]
    else:
        target[path[-1]] = junk

    # Then parsing gives a record or a RecordRejected
    _outcome(raw)


@given(st.lists(st.one_of(json_values.map(json.dumps), st.text(max_size=40), st.binary(max_size=40)), max_size=10))
def test_any_byte_lines_are_each_read_once(lines: list[Any]) -> None:
    # Given arbitrary lines, some JSON, some text, some bytes
    encoded = [line if isinstance(line, bytes) else line.encode() for line in lines]
    data = b"\n".join(encoded)

    # When the object is read
    result = list(read_raw_lines(io.BytesIO(data)))

    # Then every line is either data or an error, never both
    assert all((line.data is None) != (line.error is None) for line in result)


def test_deeply_nested_junk_is_rejected() -> None:
    raw = copy.deepcopy(SAMPLES[4])
    nested: Any = "x"
    for _ in range(5000):
        nested = [nested]
    raw["request"]["tools"] = [{"type": "function", "function": {"name": "f", "parameters": nested}}]

    _outcome(raw)


def test_huge_numbers_are_rejected() -> None:
    raw = copy.deepcopy(SAMPLES[4]) | {"ts": 10**400}
    _outcome(raw)
    raw = copy.deepcopy(SAMPLES[4]) | {"ts": 1e308}
    _outcome(raw)


def test_lone_surrogates_from_json_escapes_never_reach_a_record() -> None:
    # Given JSON whose text carries lone surrogate escapes (legal JSON, not encodable as UTF-8)
    in_part = json.loads(json.dumps(SAMPLES[4]).replace("Boston today?", "Boston \\ud800"))
    in_id = json.loads(json.dumps(SAMPLES[4]).replace("req_01", "req_\\udfff"))

    # When they are parsed
    record = parse_record(in_part, source_key="k", line_number=1, settings=SETTINGS)
    with pytest.raises(RecordRejected) as caught:
        parse_record(in_id, source_key="k", line_number=1, settings=SETTINGS)

    # Then prompt text is made encodable, and an identifier that cannot be encoded is rejected
    assert "[user]\nWhat's the weather like in Boston ?" in record.prompt
    record.model_dump_json().encode("utf-8")
    assert caught.value.reason == "schema:request_id"
