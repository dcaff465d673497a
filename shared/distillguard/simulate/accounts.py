"""The simulated customers and what they send from: accounts, Bedrock resellers, networks, models and clients.

`World` is the shared context of one run. Every population draws from its own seeded generators (`World.rng`), and
the world only keeps account ids and /24 networks unique across populations."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from distillguard.simulate.model import Channel, Population, Role, Scale

GATEWAY_MODELS = ("claude-sonnet-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
BEDROCK_MODELS = (
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-opus-4-1-20250805-v1:0",
)
# The model released part-way through the run (fictional ids in the providers' naming styles).
NEW_GATEWAY_MODEL = "claude-opus-4-6"
NEW_BEDROCK_MODEL = "us.anthropic.claude-opus-4-6-v1:0"

SDK_AGENTS = (
    "OpenAI/Python 1.58.1",
    "OpenAI/Python 1.54.4",
    "OpenAI/JS 4.77.0",
    "OpenAI/JS 4.68.1",
    "Anthropic/Python 0.42.0",
    "Anthropic/JS 0.33.1",
    "curl/8.5.0",
    "Go-http-client/2.0",
    "axios/1.7.9",
    "python-requests/2.32.3",
    "python-httpx/0.27.0",
    "okhttp/4.12.0",
    "langchain-openai/0.2.14 OpenAI/Python 1.58.1",
    "Cursor/0.45.11",
    "Boto3/1.35.80 md/Botocore#1.35.80 ua/2.0 os/linux#6.1 lang/python#3.12.8",
)

NetKind = Literal["cloud", "hosting", "residential", "relay", "campus", "office"]
FIRST_OCTETS: dict[NetKind, tuple[int, ...]] = {
    "cloud": (3, 13, 18, 34, 35, 44, 52, 54, 104, 137, 142, 159, 165),
    "hosting": (5, 37, 45, 46, 77, 91, 95, 103, 146, 185, 193, 194),
    "residential": (24, 67, 71, 73, 76, 82, 86, 89, 90, 98, 109, 151, 176, 178, 188, 212, 217),
    "relay": (104, 140, 162, 172),
    "campus": (128, 129, 130, 131, 136, 141, 155),
    "office": (62, 80, 81, 84, 195, 213),
}


@dataclass(frozen=True)
class Reseller:
    """An AWS account that resells Bedrock: its identity is shared by all its customers' requests."""

    payer_account: str
    role_arn_prefix: str
    sessions: tuple[str, ...]
    forwards_client: bool  # tags each request with the end client's IP and user agent in requestMetadata


@dataclass
class Account:
    account_id: str
    role: Role
    population: Population
    channel: Channel
    cluster: str | None = None
    api_keys: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    new_model_from: datetime | None = None  # from then on, `new_model_share` of requests use the new model
    new_model_share: float = 0.0
    reseller: Reseller | None = None
    converse: bool = False  # Bedrock: Converse API rather than InvokeModel
    litellm_meta: dict[str, str] = field(default_factory=dict)

    def model_at(self, rng: random.Random, ts: datetime) -> str:
        if self.new_model_from is not None and ts >= self.new_model_from and rng.random() < self.new_model_share:
            return NEW_BEDROCK_MODEL if self.channel == "bedrock" else NEW_GATEWAY_MODEL
        return rng.choice(self.models)


def hex_id(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


@dataclass
class World:
    seed: int
    scale: Scale
    start: datetime
    hours: int
    release_at: datetime
    resellers: tuple[Reseller, Reseller]
    accounts: list[Account] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)
    _prefixes: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, seed: int, scale: Scale, start: datetime, hours: int, release_hour: float) -> World:
        rng = random.Random(f"distillguard-sim:{seed}:{scale}:resellers")
        resellers = (
            Reseller(
                f"{rng.randint(10**11, 10**12 - 1)}",
                "assumed-role/BedrockProxyRole",
                ("proxy-a", "proxy-b"),
                forwards_client=True,
            ),
            Reseller(
                f"{rng.randint(10**11, 10**12 - 1)}",
                "assumed-role/InferenceGatewayTask",
                ("ecs-task-1f3a",),
                forwards_client=False,
            ),
        )
        return cls(seed, scale, start, hours, start + timedelta(hours=release_hour), resellers)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self.hours)

    @property
    def days(self) -> float:
        return self.hours / 24

    def rng(self, *parts: object) -> random.Random:
        """A generator of its own for one population's one purpose: changing one never shifts another."""
        return random.Random(":".join(("distillguard-sim", str(self.seed), self.scale, *map(str, parts))))

    def add_account(
        self,
        rng: random.Random,
        role: Role,
        population: Population,
        channel: Channel,
        *,
        cluster: str | None = None,
        keys: int = 1,
        reseller: Reseller | None = None,
    ) -> Account:
        account = Account("", role, population, channel, cluster)
        if channel == "bedrock":
            account.reseller = reseller or rng.choice(self.resellers)
            account.converse = rng.random() < 0.5
            account.models = (rng.choice(BEDROCK_MODELS),)
        while True:
            account.account_id = f"acct-{rng.getrandbits(32):08x}"
            if account.reseller is not None and not account.converse:
                # InvokeModel logs carry no requestMetadata: the reseller gives each customer its own IAM role, and
                # the pipeline names the customer by that role (an assumed-role ARN without its session).
                account.account_id = (
                    f"arn:aws:sts::{account.reseller.payer_account}:assumed-role/tenant-{account.account_id[5:]}"
                )
            if account.account_id not in self._ids:
                self._ids.add(account.account_id)
                break
        account.api_keys = tuple(f"key_{hex_id(rng, 12)}" for _ in range(keys))
        if channel != "bedrock":
            account.models = tuple(rng.sample(GATEWAY_MODELS, rng.randint(1, 2)))
        if channel == "litellm":
            key = hex_id(rng, 32)
            account.litellm_meta = {
                "user_api_key_hash": hashlib.sha256(key.encode()).hexdigest(),
                "user_api_key_alias": f"{population.replace('_', '-')}-{key[:4]}",
                "user_api_key_org_id": "org-research-platform",
                "user_api_key_user_id": f"user-{key[4:10]}",
                "user_api_key_end_user_id": "",
            }
        self.accounts.append(account)
        return account

    def prefix(self, rng: random.Random, kind: NetKind) -> str:
        """A /24 ("a.b.c") no other population has been given."""
        while True:
            candidate = f"{rng.choice(FIRST_OCTETS[kind])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
            if candidate not in self._prefixes:
                self._prefixes.add(candidate)
                return candidate


def host(rng: random.Random, prefix: str) -> str:
    return f"{prefix}.{rng.randint(2, 254)}"


def residential_ip(rng: random.Random) -> str:
    """A home connection somewhere: random enough that two populations practically never share one."""
    return (
        f"{rng.choice(FIRST_OCTETS['residential'])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    )
