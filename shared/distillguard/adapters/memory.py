"""In-memory implementations of the evidence, incident, suppression and publisher ports: the same contracts as the
DynamoDB and SNS adapters (idempotent evidence puts, a state commit refused when another run moved it on, an outbox
kept until acknowledged, a suppression change refused when the suppression changed since it was read), for unit
tests and in-process runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from distillguard.copying import deep_copy
from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.incidents import Incident
from distillguard.correlation.service import CorrelatorState, OutboxEntry, Watermark
from distillguard.suppression import AuditEntry, Scope, Suppression


class StateConflict(RuntimeError):
    """Another correlator committed this hour first."""


@dataclass
class MemoryEvidenceStore:
    items: dict[tuple[datetime, str, str], HourEvidence] = field(default_factory=dict)
    first_hour: datetime | None = None
    latest: datetime | None = None
    # The same items by hour, as the correlator reads them (a backfill's store holds every hour).
    _by_hour: dict[datetime, dict[tuple[str, str], HourEvidence]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def put(self, items: Sequence[HourEvidence]) -> None:
        """Keeps the items themselves: a writer hands them over and never touches them again (the aggregation
        builds new items for every write, and `existing` gives out copies), so copying each one cost a full
        replay a deep copy of all its evidence for nothing."""
        for item in items:
            self.items[(item.hour, item.account, item.source)] = item
            self._by_hour.setdefault(item.hour, {})[(item.account, item.source)] = item

    def existing(self, cells: Sequence[tuple[datetime, str]]) -> dict[tuple[datetime, str], list[HourEvidence]]:
        wanted = set(cells)
        found: dict[tuple[datetime, str], list[HourEvidence]] = {}
        for (hour, account, _), item in sorted(self.items.items()):
            if (hour, account) in wanted:
                found.setdefault((hour, account), []).append(deep_copy(item))
        return found

    def advance_watermark(self, first_hour: datetime, latest: datetime) -> None:
        self.first_hour = min(self.first_hour or first_hour, first_hour)
        self.latest = max(self.latest or latest, latest)

    def watermark(self) -> Watermark | None:
        if self.first_hour is None or self.latest is None:
            return None
        return Watermark(first_hour=self.first_hour, latest=self.latest)

    def hour(self, hour: datetime, *, settled: bool = False) -> list[HourEvidence]:
        return [item for _, item in sorted(self._by_hour.get(hour, {}).items())]


@dataclass
class MemoryIncidentStore:
    current: CorrelatorState = field(default_factory=CorrelatorState)
    incidents: dict[str, Incident] = field(default_factory=dict)
    pending: dict[str, OutboxEntry] = field(default_factory=dict)

    def state(self) -> CorrelatorState:
        return deep_copy(self.current)

    def open_incidents(self) -> dict[str, Incident]:
        return {uid: deep_copy(i) for uid, i in self.incidents.items() if i.status == "open"}

    def commit(
        self,
        hour: datetime,
        expected: CorrelatorState,
        state: CorrelatorState,
        incidents: Sequence[Incident],
        outbox: Sequence[OutboxEntry],
    ) -> None:
        if self.current.next_hour != expected.next_hour:
            raise StateConflict(f"state moved on to {self.current.next_hour}, expected {expected.next_hour}")
        for incident in incidents:
            self.incidents[incident.uid] = deep_copy(incident)
        for entry in outbox:
            self.pending[entry.key] = entry
        self.current = deep_copy(state)

    def outbox(self) -> list[OutboxEntry]:
        return [self.pending[key] for key in sorted(self.pending)]

    def acknowledge(self, entry: OutboxEntry) -> None:
        self.pending.pop(entry.key, None)


@dataclass
class MemoryPublisher:
    messages: list[OutboxEntry] = field(default_factory=list)

    def publish(self, entry: OutboxEntry) -> None:
        self.messages.append(entry)


@dataclass
class MemorySuppressionStore:
    suppressions: dict[str, Suppression] = field(default_factory=dict)
    entries: list[AuditEntry] = field(default_factory=list)

    def get(self, scope: Scope) -> Suppression | None:
        return self.suppressions.get(scope.key)

    def all(self) -> list[Suppression]:
        return [self.suppressions[key] for key in sorted(self.suppressions)]

    def change(self, entry: AuditEntry) -> None:
        if self.suppressions.get(entry.scope.key) != entry.before:
            raise StateConflict(f"{entry.scope.key} changed since it was read")
        if entry.after is None:
            del self.suppressions[entry.scope.key]
        else:
            self.suppressions[entry.scope.key] = entry.after
        self.entries.append(entry)

    def audit(self) -> list[AuditEntry]:
        return list(self.entries)
