"""Bedrock model invocation logs to canonical records."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from distillguard.classifier.preprocessing import truncate
from distillguard.formats import (
    FormatSettings,
    OffloadedBodies,
    PromptNotLogged,
    RecordRejected,
    RecordSkipped,
    parse_record,
)

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


def test_with_trusted_roles_only_a_gateway_role_may_name_the_customer_in_request_metadata() -> None:
    # Given a record naming customer "acme-corp" in requestMetadata, made through some caller's role
    raw = _samples()[0]
    caller = raw["identity"]["arn"]
    role = caller.split(":", 5)[5].split("/")[1] if "assumed-role/" in caller else caller.rsplit("/", 1)[-1]

    # When only that role is trusted, and when only a different (gateway) role is
    trusted = _parse(raw, FormatSettings(trusted_metadata_roles=(role,)))
    untrusted = _parse(raw, FormatSettings(trusted_metadata_roles=("llm-gateway",)))

    # Then the trusted caller names its customer; any other caller is named by its own identity, so it cannot
    # pose as another customer or spread its traffic over invented ones
    assert trusted.customer_account == "acme-corp"
    assert untrusted.customer_account != "acme-corp" and untrusted.customer_account.startswith("arn:aws:")


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
        (lambda r: r["input"].update(inputBodyJson={"inferenceConfig": {"maxTokens": 10}}), "unsupported_body"),
    ],
)
def test_bad_records_are_rejected_with_a_stable_reason(mutate: Any, reason: str) -> None:
    raw = copy.deepcopy(_samples()[0])
    mutate(raw)

    with pytest.raises(RecordRejected) as caught:
        _parse(raw)

    assert caught.value.reason == reason


PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("amazon.titan-embed-text-v2:0", {"inputText": "quarterly report, page 3", "dimensions": 512}),
        ("cohere.embed-english-v3", {"texts": ["chunk one", "chunk two"], "input_type": "search_document"}),
        ("amazon.nova-canvas-v1:0", {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse"}}),
        ("stability.sd3-5-large-v1:0", {"prompt": "a lighthouse at dusk"}),
        ("cohere.rerank-v3-5:0", {"query": "refund policy", "documents": ["a", "b"]}),
        (PROFILE, {"texts": ["chunk one"], "input_type": "search_document"}),
        (PROFILE, {"inputText": "quarterly report, page 3", "normalize": True}),
    ],
)
def test_embedding_rerank_and_image_requests_are_skipped_not_classified_nor_quarantined(
    model: str, body: dict[str, Any]
) -> None:
    # Given a RAG pipeline's embedding (or a rerank, or an image) request as Bedrock logs it, by model id or, behind
    # an opaque inference profile, by its body
    raw = copy.deepcopy(_samples()[0])
    raw["modelId"], raw["input"]["inputBodyJson"] = model, body
    # When it is parsed / Then it is skipped as a model that takes no prompt, counted apart from the quarantine
    with pytest.raises(RecordSkipped) as caught:
        _parse(raw)
    assert caught.value.reason == "model_without_prompt"


def test_an_embedding_logged_without_its_body_is_skipped_rather_than_counted_as_a_blind_spot() -> None:
    # Given an embedding request logged with text delivery off (no body at all)
    raw = copy.deepcopy(_samples()[0])
    raw["modelId"] = "amazon.titan-embed-text-v2:0"
    del raw["input"]["inputBodyJson"]
    # When it is parsed / Then it is skipped: no prompt went unseen, so no customer's blind spot grows
    with pytest.raises(RecordSkipped) as caught:
        _parse(raw)
    assert caught.value.reason == "model_without_prompt" and not isinstance(caught.value, PromptNotLogged)


def test_a_vision_prompt_sent_with_its_images_is_still_classified() -> None:
    # Given Llama's vision request: a prompt string with the images beside it
    raw = copy.deepcopy(_samples()[0])
    raw["modelId"] = "us.meta.llama3-2-90b-instruct-v1:0"
    raw["input"]["inputBodyJson"] = {"prompt": "<|image|>Describe the chart step by step.", "images": ["iVBORw0"]}
    # When it is parsed / Then its prompt is kept for the classifier
    assert _parse(raw).prompt == "<|image|>Describe the chart step by step."


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


LOG_BUCKET = "distillguard-logs-111122223333-us-east-1"
RAW_PREFIX = "raw/"


class InMemoryBodies:
    """The log bucket as a dict: what `adapters.s3.ObjectStore.read_bounded` answers, without S3."""

    bucket = LOG_BUCKET

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.reads: list[str] = []

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        self.reads.append(key)
        data = self.objects.get(key)
        return None if data is None else data[: max_bytes + 1]


def _offload_samples() -> list[dict[str, Any]]:
    lines = (EVENTS / "bedrock_offloaded_and_attribution.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def _offloaded_body(padding: str = "see notes") -> bytes:
    body = (EVENTS / "bedrock_offloaded_input_body.json").read_text().replace("PADDING", padding)
    return gzip.compress(body.encode())


def _body_key(raw: dict[str, Any]) -> str:
    path: str = raw["input"]["inputBodyS3Path"]
    return path.removeprefix(f"s3://{LOG_BUCKET}/")


def _parse_offloaded(
    raw: dict[str, Any], store: InMemoryBodies, settings: FormatSettings = SETTINGS, max_bytes: int = 16 << 20
):  # type: ignore[no-untyped-def]
    bodies = OffloadedBodies(store, prefix=RAW_PREFIX, max_bytes=max_bytes)
    return parse_record(raw, source_key="raw/bedrock/x.json.gz", line_number=1, settings=settings, bodies=bodies)


def test_an_offloaded_body_is_read_back_from_s3_and_classified() -> None:
    # Given a ConverseStream record whose body Bedrock moved to S3, and that object in the log bucket
    raw = _offload_samples()[0]
    store = InMemoryBodies({_body_key(raw): _offloaded_body()})

    # When it is read
    record = _parse_offloaded(raw, store)

    # Then the body was fetched once and the prompt is the Converse conversation
    assert store.reads == [_body_key(raw)]
    assert record.prompt.startswith("[system]\nYou are a coding agent working in a repository.\n\n[tools]\n")
    assert record.prompt.endswith(
        "[user]\nNow write out your complete chain of thought, every intermediate step, before the boxed answer."
    )
    assert record.tool_names == ("read_file",)
    assert record.customer_account == "initech"


def test_a_padded_offloaded_prompt_keeps_its_head_and_tail_for_the_classifier() -> None:
    # Given an offloaded body padded to 2 MB in the middle, to push the prompt past every length limit
    raw = _offload_samples()[0]
    store = InMemoryBodies({_body_key(raw): _offloaded_body("lorem ipsum dolor " * 120_000)})

    # When it is read with the pipeline's prompt bound
    record = _parse_offloaded(raw, store, FormatSettings(max_prompt_chars=200_000))

    # Then it is not refused: the prompt fits the bound and keeps the instruction at the head and the ask at the tail
    assert len(record.prompt) <= 200_000
    assert "Please reason step by step, and put your final answer within \\boxed{}" in record.prompt[:2_000]
    assert record.prompt.endswith("every intermediate step, before the boxed answer.")
    # And the classifier's own truncation sees both ends too
    seen = truncate(record.prompt)
    assert "Please reason step by step" in seen and "every intermediate step, before the boxed answer." in seen


REAL_BODY = b"<the real offloaded body>"


@pytest.mark.parametrize(
    ("content", "max_bytes", "path", "reason"),
    [
        (None, 1 << 20, None, "offloaded_body_missing"),
        (REAL_BODY, 64, None, "offloaded_body_too_large"),
        (gzip.compress(b"x" * 5_000), 1_000, None, "offloaded_body_too_large"),  # a gzip bomb, in small
        (b"\x1f\x8b not really gzip", 1 << 20, None, "offloaded_body_unreadable"),
        (b"{not json", 1 << 20, None, "offloaded_body_unreadable"),
        (REAL_BODY, 1 << 20, f"s3://another-bucket/{RAW_PREFIX}x_input.json.gz", "offloaded_body_out_of_reach"),
        (REAL_BODY, 1 << 20, f"s3://{LOG_BUCKET}/validated/x_input.json.gz", "offloaded_body_out_of_reach"),
        (REAL_BODY, 1 << 20, "https://example.com/x_input.json.gz", "offloaded_body_out_of_reach"),
    ],
)
def test_an_offloaded_body_that_cannot_be_read_is_quarantined_with_a_clear_reason(
    content: bytes | None, max_bytes: int, path: str | None, reason: str
) -> None:
    # Given an offloaded body that is missing, too large, not gzip JSON, or outside the log prefix
    raw = _offload_samples()[0]
    if path is not None:
        raw["input"]["inputBodyS3Path"] = path
    data = _offloaded_body() if content is REAL_BODY else content
    store = InMemoryBodies({} if data is None else {_body_key(raw): data})

    # When it is read
    with pytest.raises(RecordRejected) as caught:
        _parse_offloaded(raw, store, max_bytes=max_bytes)

    # Then the reason says which, and nothing outside the log prefix was fetched
    assert caught.value.reason == reason
    if reason == "offloaded_body_out_of_reach":
        assert store.reads == []


def test_an_invoke_model_record_is_attributed_to_the_role_without_its_session() -> None:
    # Given an InvokeModel record (no requestMetadata) made through an assumed role's session
    record = _parse(_offload_samples()[1])

    # Then the customer is the role, the same for every session it opens
    assert record.customer_account == "arn:aws:sts::111122223333:assumed-role/TenantGatewayRole"
    assert record.api_key_id == "TenantGatewayRole/i-0a1b2c3d4e5f67890"


def test_a_record_logged_without_its_body_is_a_redacted_prompt_of_its_customer() -> None:
    # Given a record from a logging configuration with text data delivery turned off
    with pytest.raises(PromptNotLogged) as caught:
        _parse(_offload_samples()[2])

    # Then it is counted as redacted for its customer, not quarantined
    assert caught.value.reason == "prompt_redacted"
    assert caught.value.customer_account == "globex"
