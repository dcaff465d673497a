"""Typed building blocks of simulated traffic: a format-neutral request, and the ground truth written beside it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from distillguard.records import Label

Role = Literal["benign", "attacker"]
Scale = Literal["tiny", "small", "full"]
SCALES: tuple[Scale, ...] = ("tiny", "small", "full")
Population = Literal[
    "general_user",
    "pipeline",
    "nat_company",
    "agent_developer",
    "math_student",
    "eval_team",
    "hydra_cot",
    "agentic_swarm",
    "cover_cluster",
    "lone_bulk",
    "model_hopper",
]
BENIGN_POPULATIONS: tuple[Population, ...] = (
    "general_user",
    "pipeline",
    "nat_company",
    "agent_developer",
    "math_student",
    "eval_team",
)
ATTACKER_POPULATIONS: tuple[Population, ...] = (
    "hydra_cot",
    "agentic_swarm",
    "cover_cluster",
    "lone_bulk",
    "model_hopper",
)
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
    """A request before it is rendered into one log format.

    `label` is what the prompt text is (the ground truth a perfect prompt classifier would give), not who sent it:
    a benign evaluation team's benchmark prompts are chain-of-thought shaped and a benign agent developer's loops
    are agentic shaped, while an attacker's cover traffic is ordinary. Intent lives on the account (role)."""

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
    population: Population
    cluster: str | None = Field(default=None, description="set for every attacker; lone attackers have their own")
    channel: Channel
    records: int = Field(ge=0, description="valid records sent by the account (broken lines are not counted)")
    records_by_label: dict[Label, int] = Field(default_factory=dict)
    first_seen: str = Field(description="ISO time of the account's first valid record")
    last_seen: str = Field(description="ISO time of the account's last valid record")
    toolsets: int = Field(ge=0, default=0, description="distinct tool sets the account offered over the whole run")


class ClusterTruth(BaseModel):
    """One attack operation: a coordinated cluster, or a lone attacker as a cluster of one."""

    model_config = ConfigDict(extra="forbid")

    population: Population
    members: list[str] = Field(description="account ids, sorted")
    first_request: str
    records: int = Field(ge=0)


class ModelRelease(BaseModel):
    """A model that is released during the run: the hydra cluster and the model hopper move to it."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="the id as the gateway and LiteLLM log it")
    bedrock_model: str = Field(description="the Bedrock model id")
    first_seen: str = Field(description="ISO time of the first valid record that uses it, in any channel")


class GroundTruth(BaseModel):
    """What the simulator generated, written as `_ground_truth.json` beside the logs (replay skips `_` files)."""

    model_config = ConfigDict(extra="forbid")

    seed: int
    scale: Scale
    start: str
    hours: int
    plan_changes: dict[str, Any] = Field(default_factory=dict, description="fields of the scale's plan changed")
    n_records: int = Field(ge=0, description="valid records; equals the sum of accounts' records")
    n_broken: int = Field(ge=0, description="hostile or broken lines/files that validation must quarantine")
    broken_by_kind: dict[BrokenKind, int] = Field(default_factory=dict)
    files: int = Field(ge=0, default=0)
    records_by_label: dict[Label, int]
    records_by_channel: dict[Channel, int]
    accounts: dict[str, AccountTruth]
    clusters: dict[str, ClusterTruth]
    model_release: ModelRelease | None = None

    @property
    def attackers(self) -> set[str]:
        """The accounts the simulation made attackers: what alerts should name, and only these."""
        return {account for account, truth in self.accounts.items() if truth.role == "attacker"}

    def benign_by_population(self) -> dict[str, set[str]]:
        """Benign account ids per population: the hard negatives a detector must leave alone, by kind."""
        return self._by_population("benign")

    def attackers_by_population(self) -> dict[str, set[str]]:
        return self._by_population("attacker")

    def _by_population(self, role: Role) -> dict[str, set[str]]:
        groups: dict[str, set[str]] = defaultdict(set)
        for account, truth in self.accounts.items():
            if truth.role == role:
                groups[truth.population].add(account)
        return dict(groups)
