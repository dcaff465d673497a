"""The simulated customer population: who sends traffic, through which channel, from which infrastructure."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from distillguard.simulate.content.agent_apps import APPS, AgentApp
from distillguard.simulate.model import Channel, Kind, Role

GATEWAY_MODELS = ("claude-sonnet-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
BEDROCK_MODELS = (
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-opus-4-1-20250805-v1:0",
)
BENIGN_AGENTS = (
    "OpenAI/Python 1.58.1",
    "OpenAI/Python 1.54.4",
    "OpenAI/JS 4.77.0",
    "OpenAI/JS 4.68.1",
    "curl/8.5.0",
    "Go-http-client/2.0",
    "axios/1.7.9",
    "python-requests/2.32.3",
    "python-httpx/0.27.0",
    "okhttp/4.12.0",
    "langchain-openai/0.2.14 OpenAI/Python 1.58.1",
    "Cursor/0.45.11",
)


@dataclass(frozen=True)
class Reseller:
    """An AWS account that resells Bedrock: its identity is shared by all its customers' requests."""

    payer_account: str
    role_arn_prefix: str
    sessions: tuple[str, ...]


@dataclass
class Account:
    account_id: str
    role: Role
    kind: Kind
    channel: Channel
    weight: float
    cluster: str | None = None
    api_keys: tuple[str, ...] = ()
    source_ips: tuple[str, ...] = ()
    user_agents: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    reseller: Reseller | None = None
    converse: bool = False  # Bedrock: Converse API rather than InvokeModel
    app: AgentApp | None = None
    company: str = ""
    litellm_meta: dict[str, str] = field(default_factory=dict)
    active_hours: tuple[int, int] = (0, 0)  # [first, last) hour index the account is active in
    records: int = 0


def _ip(rng: random.Random, prefix: str | None = None) -> str:
    if prefix is not None:
        return f"{prefix}.{rng.randint(2, 254)}"
    return (
        f"{rng.choice((23, 34, 45, 52, 81, 91, 104, 146, 172, 185, 203))}.{rng.randint(0, 255)}."
        f"{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    )


def _prefix(rng: random.Random) -> str:
    return f"{rng.choice((5, 37, 45, 91, 103, 146, 185, 194))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def account(self) -> str:
        while True:
            candidate = f"acct-{self._rng.getrandbits(24):06x}"
            if candidate not in self._seen:
                self._seen.add(candidate)
                return candidate


def build_roster(rng: random.Random, hours: int) -> list[Account]:
    """Benign accounts carry most traffic; two hydra clusters spread harvesting over accounts that each look
    moderate. Weights are shares of n_records."""
    ids = _Ids(rng)
    resellers = (
        Reseller(f"{rng.randint(10**11, 10**12 - 1)}", "assumed-role/BedrockProxyRole", ("proxy-a", "proxy-b")),
        Reseller(f"{rng.randint(10**11, 10**12 - 1)}", "assumed-role/InferenceGatewayTask", ("ecs-task-1f3a",)),
    )
    accounts: list[Account] = []

    def add(kind: Kind, count: int, share: float, role: Role = "benign", spread: float = 0.8) -> list[Account]:
        raw = [rng.lognormvariate(0, spread) for _ in range(count)]
        made = [
            Account(ids.account(), role, kind, "gateway", share * value / sum(raw), active_hours=(0, hours))
            for value in raw
        ]
        accounts.extend(made)
        return made

    chat = add("chat_user", 70, 0.295, spread=1.0)
    coding = add("coding_assistant", 18, 0.15)
    math = add("math_student", 14, 0.06)
    apps = add("agent_app", len(APPS), 0.12, spread=0.3)
    enterprise = add("enterprise_app", 2, 0.10, spread=0.1)
    researcher = add("eval_researcher", 1, 0.015)
    cot = add("cot_harvester", 8, 0.16, role="attacker", spread=0.25)
    agentic = add("agentic_harvester", 6, 0.10, role="attacker", spread=0.25)

    for account, app in zip(apps, APPS, strict=True):
        account.app = app
    for account, company in zip(enterprise, ("Pico Retail", "Kestrel Freight"), strict=True):
        account.company = company

    # Channels: a few teams behind a LiteLLM proxy (one object per file, so kept small), a share of customers
    # through Bedrock resellers, the rest on the gateway.
    for account in chat[:3] + coding[:2]:
        account.channel, account.weight = "litellm", 0.0025
    researcher[0].channel = "litellm"
    benign_pool = [a for a in chat[3:] + coding[2:] + math + apps + enterprise if rng.random() < 0.3]
    for account in benign_pool:
        account.channel = "bedrock"
        account.reseller = rng.choice(resellers)
        account.converse = rng.random() < 0.4
    for account in cot[:2]:
        account.channel, account.reseller = "bedrock", resellers[0]
    for account in agentic[:1]:
        account.channel, account.reseller, account.converse = "bedrock", resellers[1], True

    for account in accounts:
        if account.role == "benign":
            _benign_infrastructure(rng, account)
    _cluster_infrastructure(
        rng, cot, "hydra-cot-1", ("python-httpx/0.27.0",), ("claude-opus-4-1", "claude-sonnet-4-5"), hours
    )
    _cluster_infrastructure(
        rng, agentic, "hydra-agent-1", ("OpenAI/Python 1.51.0", "OpenAI/Python 1.51.2"), ("claude-sonnet-4-5",), hours
    )
    return accounts


def _benign_infrastructure(rng: random.Random, account: Account) -> None:
    account.api_keys = tuple(f"key_{_hex(rng, 12)}" for _ in range(rng.randint(1, 2)))
    account.source_ips = tuple(_ip(rng) for _ in range(rng.randint(1, 3)))
    account.user_agents = (rng.choice(BENIGN_AGENTS),)
    if account.channel == "bedrock":
        account.models = (rng.choice(BEDROCK_MODELS),)
    else:
        account.models = tuple(rng.sample(GATEWAY_MODELS, rng.randint(1, 2)))
    if account.channel == "litellm":
        _litellm_identity(rng, account)


def _litellm_identity(rng: random.Random, account: Account) -> None:
    key = _hex(rng, 32)
    account.litellm_meta = {
        "user_api_key_hash": hashlib.sha256(key.encode()).hexdigest(),
        "user_api_key_alias": f"{account.kind.replace('_', '-')}-{key[:4]}",
        "user_api_key_org_id": "org-research-platform",
        "user_api_key_user_id": f"user-{key[4:10]}",
        "user_api_key_end_user_id": "",
    }


def _cluster_infrastructure(
    rng: random.Random,
    members: list[Account],
    cluster: str,
    agents: tuple[str, ...],
    models: tuple[str, ...],
    hours: int,
) -> None:
    """Hydra accounts look unrelated on paper but share hosting, client and cadence; each takes a shift of a few
    hours so no single account carries the whole campaign."""
    prefixes = (_prefix(rng), _prefix(rng))
    for account in members:
        account.cluster = cluster
        account.api_keys = (f"key_{_hex(rng, 12)}",)
        account.source_ips = tuple(_ip(rng, rng.choice(prefixes)) for _ in range(rng.randint(2, 4)))
        account.user_agents = (rng.choice(agents),)
        account.models = (rng.choice(BEDROCK_MODELS[1::3]),) if account.channel == "bedrock" else models
        length = min(hours, rng.randint(3, 5))
        first = rng.randint(0, hours - length)
        account.active_hours = (first, first + length)
