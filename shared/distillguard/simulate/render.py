"""Render a format-neutral Prompt as each log format records it: the gateway's own JSON line, a Bedrock model
invocation log record (InvokeModel/Anthropic Messages or Converse), and a LiteLLM StandardLoggingPayload."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from distillguard.simulate.accounts import Account
from distillguard.simulate.model import Prompt, ToolSpec, Turn

LITELLM_API_BASE = "https://bedrock-runtime.us-east-1.amazonaws.com"


@dataclass(frozen=True)
class SimRecord:
    """One request as sent: who, when, what."""

    request_id: str
    account: Account
    timestamp: datetime
    prompt: Prompt
    model: str
    source_ip: str
    user_agent: str
    api_key_id: str
    prompt_tokens: int
    completion_tokens: int


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def estimate_prompt_tokens(prompt: Prompt) -> int:
    chars = len(prompt.system or "") + sum(len(turn.text) + 20 for turn in prompt.turns)
    chars += sum(len(json.dumps(tool.parameters)) + len(tool.description) + len(tool.name) for tool in prompt.tools)
    return max(8, chars // 4)


def completion_tokens(rng: random.Random, prompt: Prompt) -> int:
    if prompt.label == "cot_harvesting":
        return rng.randint(900, min(prompt.max_tokens, 14_000))
    if prompt.label == "agentic_extraction":
        return rng.randint(30, 420)
    cap = min(prompt.max_tokens, 900)
    return rng.randint(min(60, cap // 2), cap)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- OpenAI chat-completions (gateway, LiteLLM)
def openai_messages(prompt: Prompt) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if prompt.system:
        messages.append({"role": "system", "content": prompt.system})
    for turn in prompt.turns:
        message: dict[str, Any] = {"role": turn.role, "content": turn.text}
        if turn.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.call_id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                }
                for call in turn.tool_calls
            ]
        if turn.tool_call_id:
            message["tool_call_id"] = turn.tool_call_id
        messages.append(message)
    return messages


def openai_tools(tools: tuple[ToolSpec, ...]) -> list[dict[str, Any]]:
    return [
        {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
        for t in tools
    ]


def openai_request(record: SimRecord) -> dict[str, Any]:
    prompt = record.prompt
    body: dict[str, Any] = {"model": record.model, "messages": openai_messages(prompt)}
    if prompt.tools:
        body["tools"] = openai_tools(prompt.tools)
        body["tool_choice"] = "auto"
    if prompt.temperature is not None:
        body["temperature"] = prompt.temperature
    body["max_tokens"] = prompt.max_tokens
    if prompt.thinking_budget:
        body["reasoning_effort"] = "high"
    return body


def gateway_line(record: SimRecord) -> dict[str, Any]:
    return {
        "ts": round(record.timestamp.timestamp(), 3),
        "request_id": record.request_id,
        "account_id": record.account.account_id,
        "api_key_id": record.api_key_id,
        "source_ip": record.source_ip,
        "user_agent": record.user_agent,
        "model": record.model,
        "request": openai_request(record),
        "usage": {"prompt_tokens": record.prompt_tokens, "completion_tokens": record.completion_tokens},
        "status": 200,
    }


def _response_text(prompt: Prompt) -> str:
    if prompt.response_text:
        return prompt.response_text
    return "Sure - here is what I found." if prompt.label != "cot_harvesting" else "<think>\nFirst,"


def litellm_payload(record: SimRecord, rng: random.Random) -> dict[str, Any]:
    prompt = record.prompt
    start = record.timestamp.timestamp()
    latency = rng.uniform(0.4, 2.5) + record.completion_tokens / 90
    meta = dict(record.account.litellm_meta)
    total = record.prompt_tokens + record.completion_tokens
    cost = round(record.prompt_tokens * 3e-6 + record.completion_tokens * 15e-6, 6)
    params: dict[str, Any] = {"max_tokens": prompt.max_tokens}
    if prompt.temperature is not None:
        params["temperature"] = prompt.temperature
    if prompt.tools:
        params["tools"] = openai_tools(prompt.tools)
    call_id = record.request_id
    return {
        "id": call_id,
        "trace_id": new_uuid(rng),
        "call_type": "acompletion",
        "stream": False,
        "status": "success",
        "response_cost": cost,
        "total_tokens": total,
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "startTime": round(start, 6),
        "endTime": round(start + latency, 6),
        "completionStartTime": round(start + latency, 6),
        "response_time": round(latency, 6),
        "model_map_information": {"model_map_key": record.model, "model_map_value": None},
        "model": record.model,
        "model_id": f"{rng.getrandbits(64):016x}",
        "model_group": record.model,
        "custom_llm_provider": "bedrock",
        "api_base": LITELLM_API_BASE,
        "metadata": {
            **meta,
            "user_api_key_team_id": record.account.account_id,
            "user_api_key_team_alias": f"team-{record.account.account_id[-4:]}",
            "spend_logs_metadata": None,
            "requester_ip_address": record.source_ip,
            "user_agent": record.user_agent,
            "requester_metadata": {},
        },
        "cache_hit": False,
        "cache_key": None,
        "saved_cache_cost": 0.0,
        "request_tags": [],
        "end_user": meta.get("user_api_key_end_user_id", ""),
        "requester_ip_address": record.source_ip,
        "messages": openai_messages(prompt),
        "response": {
            "id": f"chatcmpl-{record.request_id[:8]}",
            "object": "chat.completion",
            "created": int(start + latency),
            "model": record.model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": _response_text(prompt)},
                }
            ],
            "usage": {
                "prompt_tokens": record.prompt_tokens,
                "completion_tokens": record.completion_tokens,
                "total_tokens": total,
            },
        },
        "error_str": None,
        "error_information": None,
        "model_parameters": params,
        "hidden_params": {
            "model_id": None,
            "cache_key": None,
            "api_base": LITELLM_API_BASE,
            "response_cost": str(cost),
            "additional_headers": {},
        },
    }


# ---------------------------------------------------------------------------------------------- Bedrock
def _anthropic_message(turn: Turn, as_blocks: bool) -> dict[str, Any]:
    if turn.role == "tool":
        return {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": turn.tool_call_id, "content": turn.text}],
        }
    if turn.tool_calls:
        blocks: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
        blocks += [
            {"type": "tool_use", "id": call.call_id, "name": call.name, "input": call.arguments}
            for call in turn.tool_calls
        ]
        return {"role": "assistant", "content": blocks}
    content: Any = [{"type": "text", "text": turn.text}] if as_blocks else turn.text
    return {"role": turn.role, "content": content}


def invoke_model_body(prompt: Prompt, rng: random.Random) -> dict[str, Any]:
    as_blocks = rng.random() < 0.5
    body: dict[str, Any] = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": prompt.max_tokens}
    if prompt.system:
        body["system"] = prompt.system
    body["messages"] = [_anthropic_message(turn, as_blocks) for turn in prompt.turns]
    if prompt.tools:
        body["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters} for t in prompt.tools
        ]
    if prompt.thinking_budget:
        body["thinking"] = {"type": "enabled", "budget_tokens": prompt.thinking_budget}
    elif prompt.temperature is not None:
        body["temperature"] = prompt.temperature
    return body


def _converse_message(turn: Turn) -> dict[str, Any]:
    if turn.role == "tool":
        return {
            "role": "user",
            "content": [{"toolResult": {"toolUseId": turn.tool_call_id, "content": [{"text": turn.text}]}}],
        }
    content: list[dict[str, Any]] = [{"text": turn.text}] if turn.text else []
    content += [{"toolUse": {"toolUseId": c.call_id, "name": c.name, "input": c.arguments}} for c in turn.tool_calls]
    return {"role": turn.role, "content": content}


def converse_body(prompt: Prompt) -> dict[str, Any]:
    body: dict[str, Any] = {"messages": [_converse_message(turn) for turn in prompt.turns]}
    if prompt.system:
        body["system"] = [{"text": prompt.system}]
    config: dict[str, Any] = {"maxTokens": prompt.max_tokens}
    if prompt.temperature is not None:
        config["temperature"] = prompt.temperature
    body["inferenceConfig"] = config
    if prompt.tools:
        body["toolConfig"] = {
            "tools": [
                {"toolSpec": {"name": t.name, "description": t.description, "inputSchema": {"json": t.parameters}}}
                for t in prompt.tools
            ]
        }
    if prompt.thinking_budget:
        body["additionalModelRequestFields"] = {
            "thinking": {"type": "enabled", "budget_tokens": prompt.thinking_budget}
        }
    return body


def _invoke_output(record: SimRecord, rng: random.Random) -> dict[str, Any]:
    prompt = record.prompt
    content: list[dict[str, Any]] = []
    if prompt.thinking_budget:
        content.append(
            {
                "type": "thinking",
                "thinking": "Let me work through this carefully.",
                "signature": f"{rng.getrandbits(128):032x}",
            }
        )
    if prompt.tools:
        tool = prompt.tools[0]
        content.append(
            {"type": "tool_use", "id": f"toolu_bdrk_{rng.getrandbits(64):016x}", "name": tool.name, "input": {}}
        )
        stop = "tool_use"
    else:
        content.append({"type": "text", "text": _response_text(prompt)})
        stop = "end_turn"
    return {
        "id": f"msg_bdrk_{rng.getrandbits(96):024x}",
        "type": "message",
        "role": "assistant",
        "model": record.model.split(".", 1)[-1].split("-v1")[0],
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": record.prompt_tokens, "output_tokens": record.completion_tokens},
    }


def _converse_output(record: SimRecord, rng: random.Random) -> dict[str, Any]:
    prompt = record.prompt
    if prompt.tools:
        content: list[dict[str, Any]] = [
            {"toolUse": {"toolUseId": f"tooluse_{rng.getrandbits(64):016x}", "name": prompt.tools[0].name, "input": {}}}
        ]
        stop = "tool_use"
    else:
        content, stop = [{"text": _response_text(prompt)}], "end_turn"
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "metrics": {"latencyMs": rng.randint(400, 9000)},
        "usage": {
            "inputTokens": record.prompt_tokens,
            "outputTokens": record.completion_tokens,
            "totalTokens": record.prompt_tokens + record.completion_tokens,
        },
    }


def bedrock_line(record: SimRecord, rng: random.Random) -> dict[str, Any]:
    """A model invocation log record. Only Converse takes `requestMetadata`, so a reseller names the customer there
    (and, if it forwards them, the client's IP and user agent); InvokeModel traffic reaches Bedrock through one IAM
    role per customer, and the role (the account id, see `World.add_account`) is what names the customer."""
    reseller = record.account.reseller
    assert reseller is not None, "Bedrock accounts are reached through a reseller"
    converse = record.account.converse
    session = rng.choice(reseller.sessions)
    if converse:
        arn = f"arn:aws:sts::{reseller.payer_account}:{reseller.role_arn_prefix}/{session}"
    else:
        arn = f"{record.account.account_id}/{session}"
    line: dict[str, Any] = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": iso(record.timestamp),
        "accountId": reseller.payer_account,
        "identity": {"arn": arn},
        "region": "us-east-1",
        "requestId": record.request_id,
        "operation": "Converse" if converse else "InvokeModel",
        "modelId": record.model,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": converse_body(record.prompt) if converse else invoke_model_body(record.prompt, rng),
            "inputTokenCount": record.prompt_tokens,
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyJson": _converse_output(record, rng) if converse else _invoke_output(record, rng),
            "outputTokenCount": record.completion_tokens,
        },
    }
    if converse:
        metadata = {"customer_account": record.account.account_id}
        if reseller.forwards_client:
            metadata.update(source_ip=record.source_ip, user_agent=record.user_agent)
        line["requestMetadata"] = metadata
    return line
