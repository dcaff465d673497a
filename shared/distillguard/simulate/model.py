"""Typed building blocks of simulated traffic: a format-neutral request, and the ground truth written beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from distillguard.records import Label

Role = Literal["benign", "attacker"]
Kind = Literal[
    "chat_user",
    "coding_assistant",
    "math_student",
    "agent_app",
    "enterprise_app",
    "eval_researcher",
    "cot_harvester",
    "agentic_harvester",
]
Channel = Literal["gateway", "bedrock", "litellm"]
CHANNELS: tuple[Channel, ...] = ("gateway", "bedrock", "litellm")
BrokenKind = Literal["truncated_json", "missing_account", "non_utf8", "out_of_partition_timestamp"]


@dataclass(frozen=True)
class ToolSpec:
    """One function the request offers the model, with a JSON-schema for its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    call_id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant", "tool"]
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None


@dataclass(frozen=True)
class Prompt:
    """A request before it is rendered into one log format; `label` is the ground truth for the prompt text."""

    label: Label
    turns: tuple[Turn, ...]
    system: str | None = None
    tools: tuple[ToolSpec, ...] = ()
    thinking_budget: int | None = None
    temperature: float | None = None
    max_tokens: int = 1024
    response_text: str = ""
    variant: str = ""  # which generator made it, for per-variant benchmarks

    @property
    def toolset(self) -> tuple[str, ...]:
        return tuple(sorted(tool.name for tool in self.tools))


class AccountTruth(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    kind: Kind
    cluster: str | None = None
    channel: Channel
    records: int = Field(ge=0, description="valid records sent by the account (broken lines are not counted)")
    records_by_label: dict[Label, int] = Field(default_factory=dict)
    toolsets: int = Field(ge=0, default=0, description="distinct tool sets the account offered over the whole run")


class ExpectedAlert(BaseModel):
    """An alert the downstream rules would raise if every prompt were labelled as its ground truth says."""

    model_config = ConfigDict(extra="forbid")

    account_id: str
    window_start: str
    label: Label
    count: int
    share: float
    toolsets: int


class GroundTruth(BaseModel):
    """What the simulator generated, written as `_ground_truth.json` beside the logs (replay skips `_` files)."""

    model_config = ConfigDict(extra="forbid")

    seed: int
    n_records: int = Field(ge=0, description="valid records; equals the sum of accounts' records")
    n_broken: int = Field(ge=0, description="hostile or broken lines/files that validation must quarantine")
    broken_by_kind: dict[BrokenKind, int] = Field(default_factory=dict)
    start: str
    hours: int
    accounts: dict[str, AccountTruth]
    records_by_label: dict[Label, int]
    records_by_channel: dict[Channel, int]
    expected_alerts: list[ExpectedAlert] = Field(default_factory=list)
    files: int = Field(ge=0, default=0)

    @property
    def attackers(self) -> set[str]:
        """The accounts the simulation made attackers: what alerts should name, and only these."""
        return {account for account, truth in self.accounts.items() if truth.role == "attacker"}
