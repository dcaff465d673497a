"""Suppressions, their audit trail, and the port that stores them.

A suppression is honoured by correlation only (aggregation keeps recording evidence): lifting one takes effect
over the next correlation horizon without a replay, and the evidence an analyst needs to review a suppression
is still there. Expiry is judged by the wall clock at each correlation run: it is an operator's decision in
operator time, not a property of the traffic."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ScopeKind = Literal["account", "network", "fingerprint", "finding"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("account", "network", "fingerprint", "finding")
MAX_SUPPRESSION = timedelta(days=90)  # a suppression is a decision to review, never a permanent allowlist
_DURATION = re.compile(r"^(\d+)([dh])$")


def _network(value: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) as evidence stores it; an address names its own network."""
    try:
        if "/" not in value:
            address = ipaddress.ip_address(value)
            bits = 24 if address.version == 4 else 64
            return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))
        network = ipaddress.ip_network(value, strict=False)
    except ValueError as error:
        raise ValueError(f"not an IP address or network: {value!r}") from error
    expected = 24 if network.version == 4 else 64
    if network.prefixlen != expected:
        raise ValueError(f"evidence keeps /{expected} networks for IPv{network.version}, not /{network.prefixlen}")
    return str(network)


class Scope(BaseModel):
    """What a suppression applies to; the value is normalised to the form evidence and findings use."""

    model_config = ConfigDict(frozen=True)

    kind: ScopeKind
    value: str = Field(min_length=1, max_length=512)

    @model_validator(mode="after")
    def _normalised(self) -> Scope:
        value = self.value.strip()
        if self.kind == "network":
            value = _network(value)
        elif self.kind == "finding" and not value.startswith("dg-"):
            raise ValueError(f"finding ids start with 'dg-': {value!r}")
        if not value:
            raise ValueError("empty scope value")
        object.__setattr__(self, "value", value)
        return self

    @property
    def key(self) -> str:
        return f"{self.kind}#{self.value}"


class Suppression(BaseModel):
    model_config = ConfigDict(frozen=True)

    scope: Scope
    reason: str = Field(min_length=3, max_length=1000)
    author: str = Field(min_length=1, max_length=200)
    created: datetime
    expires: datetime

    @field_validator("created", "expires")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def _bounded(self) -> Suppression:
        if self.expires <= self.created:
            raise ValueError("a suppression must expire after it is created")
        if self.expires - self.created > MAX_SUPPRESSION:
            raise ValueError(f"a suppression lasts at most {MAX_SUPPRESSION.days} days; renew it when it lapses")
        return self

    def active(self, at: datetime) -> bool:
        return at < self.expires


class AuditEntry(BaseModel):
    """One change: who, when, what, and the suppression before and after it."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    author: str
    action: Literal["suppress", "unsuppress"]
    scope: Scope
    reason: str
    before: Suppression | None = None
    after: Suppression | None = None


class SuppressionStore(Protocol):
    def get(self, scope: Scope) -> Suppression | None: ...

    def all(self) -> list[Suppression]: ...

    def change(self, entry: AuditEntry) -> None:
        """Stores `entry.after` (or removes the suppression when it is None) and the audit entry together;
        fails if the stored suppression is no longer `entry.before`."""
        ...

    def audit(self) -> list[AuditEntry]: ...


def expiry_from(text: str, now: datetime) -> datetime:
    """`30d`, `12h` or an ISO 8601 time."""
    if match := _DURATION.match(text.strip()):
        amount, unit = int(match[1]), match[2]
        return now + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def suppress(
    store: SuppressionStore, scope: Scope, *, reason: str, author: str, expires: datetime, now: datetime
) -> Suppression:
    """Creates the suppression, or replaces the one on this scope (a renewal keeps both in the audit)."""
    after = Suppression(scope=scope, reason=reason, author=author, created=now, expires=expires)
    store.change(
        AuditEntry(
            at=now, author=author, action="suppress", scope=scope, reason=reason, before=store.get(scope), after=after
        )
    )
    return after


def unsuppress(store: SuppressionStore, scope: Scope, *, reason: str, author: str, now: datetime) -> Suppression:
    before = store.get(scope)
    if before is None:
        raise LookupError(f"no suppression on {scope.kind} {scope.value}")
    store.change(AuditEntry(at=now, author=author, action="unsuppress", scope=scope, reason=reason, before=before))
    return before


@dataclass(frozen=True)
class ActiveSuppressions:
    """What correlation ignores in one run, by kind."""

    accounts: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    fingerprints: frozenset[str] = frozenset()
    findings: dict[str, Suppression] | None = None

    @classmethod
    def of(cls, suppressions: Iterable[Suppression], at: datetime) -> ActiveSuppressions:
        live = [s for s in suppressions if s.active(at)]

        def values(kind: ScopeKind) -> frozenset[str]:
            return frozenset(s.scope.value for s in live if s.scope.kind == kind)

        findings = {s.scope.value: s for s in live if s.scope.kind == "finding"}
        return cls(values("account"), values("network"), values("fingerprint"), findings)

    def finding(self, uid: str) -> Suppression | None:
        return (self.findings or {}).get(uid)


NONE = ActiveSuppressions()


def sorted_suppressions(items: Sequence[Suppression]) -> list[Suppression]:
    return sorted(items, key=lambda s: (s.scope.kind, s.scope.value))
