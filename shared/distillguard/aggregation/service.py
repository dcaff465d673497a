"""Turns a batch of verdict objects into evidence items and advances the event-time watermark.

The store is a port: DynamoDB in the Lambda, an in-memory fake in unit tests and in-process runs. Items are
keyed by (hour, account, verdict object), so writing one verdict object again changes nothing. Each item lists
the raw log objects (and their versions) it counts, and before writing, the cell's other items are read: a raw
object another item already counts at the same version is left out (it reached aggregation twice, in batches
of different composition), and a new version of an object replaces the old one, whose item is rebuilt from its
own verdict object without it. So every record of every raw object is counted once, whatever the batching."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from distillguard.correlation.evidence import HourEvidence, hour_evidence, hour_of, source_digest
from distillguard.records import SUSPICIOUS_LABELS, Verdict

Cell = tuple[datetime, str]  # (event-time hour, account)
VerdictReader = Callable[[str], Iterable[Verdict]]  # reads a verdict object again, by key


class EvidenceWriter(Protocol):
    def put(self, items: Sequence[HourEvidence]) -> None: ...

    def existing(self, cells: Sequence[Cell]) -> dict[Cell, list[HourEvidence]]: ...

    def advance_watermark(self, first_hour: datetime, latest: datetime) -> None: ...


class AggregationReport(BaseModel):
    prompts: int = 0
    unlogged: int = 0
    suspicious: int = 0
    evidence_items: int = 0
    already_counted: int = 0
    replaced_items: int = 0
    failed_objects: dict[str, str] = {}


def cell_of(item: HourEvidence) -> Cell:
    return (item.hour, item.account)


def _rebuilt(verdicts: Iterable[Verdict], item: HourEvidence, excluded: set[str]) -> HourEvidence:
    """The item again from its verdicts, counting only the sources it lists less the excluded ones (an empty
    item when nothing is left: it overwrites the stored one)."""
    cell = cell_of(item)
    keep = set(item.sources) - excluded
    kept = hour_evidence(
        (
            verdict
            for verdict in verdicts
            if (hour_of(verdict.timestamp), verdict.customer_account) == cell
            and source_digest(verdict.source_key) in keep
        ),
        item.batch_key,
    )
    if kept:
        return kept[0]
    return HourEvidence(account=item.account, hour=item.hour, source=item.source, batch_key=item.batch_key)


class _Plan:
    """The items one batch writes, decided against the evidence already stored for the same cells."""

    def __init__(self, stored: dict[Cell, list[HourEvidence]], reread: VerdictReader):
        self.stored = stored
        self.reread = reread
        self.writes: dict[tuple[Cell, str], HourEvidence] = {}
        self._written: dict[Cell, dict[str, HourEvidence]] = {}  # the same items by cell, for `_others`
        self.replaced_sources: dict[tuple[Cell, str], set[str]] = {}
        self.already_counted = 0
        self.replaced = 0

    def _others(self, item: HourEvidence) -> list[HourEvidence]:
        cell = cell_of(item)
        current = {other.source: other for other in self.stored.get(cell, [])}
        current.update(self._written.get(cell, {}))
        return [other for source, other in current.items() if source != item.source]

    def _write(self, item: HourEvidence) -> None:
        self.writes[(cell_of(item), item.source)] = item
        self._written.setdefault(cell_of(item), {})[item.source] = item

    def add(self, item: HourEvidence, key: str) -> None:
        counted: set[str] = set()
        replaced: dict[str, set[str]] = {}
        holders: dict[str, HourEvidence] = {}
        for other in self._others(item):
            for source in item.sources.keys() & other.sources.keys():
                if other.sources[source] == item.sources[source]:
                    counted.add(source)
                else:
                    replaced.setdefault(other.source, set()).add(source)
                    holders[other.source] = other
        if counted:
            self.already_counted += len(counted)
            item = _rebuilt(self.reread(key), item, counted)
        self._write(item)
        for source, sources in replaced.items():
            holder = holders[source]
            slot = (cell_of(holder), holder.source)
            excluded = self.replaced_sources.setdefault(slot, set())
            excluded |= sources
            self._write(_rebuilt(self.reread(holder.batch_key), holder, excluded))
            self.replaced += 1


def _cannot_reread(key: str) -> Iterable[Verdict]:
    raise LookupError(f"verdict object {key} cannot be read again to replace a new version of its source")


@dataclass
class _Tally:
    """Counts verdicts as they stream past, so an object is read once and never held in memory whole."""

    prompts: int = 0
    unlogged: int = 0
    suspicious: int = 0
    latest: datetime | None = None

    def count(self, verdicts: Iterable[Verdict]) -> Iterator[Verdict]:
        for verdict in verdicts:
            self.prompts += verdict.logged
            self.unlogged += not verdict.logged
            self.suspicious += verdict.label in SUSPICIOUS_LABELS
            self.latest = verdict.timestamp if self.latest is None else max(self.latest, verdict.timestamp)
            yield verdict


def record_evidence(
    verdicts_by_object: Mapping[str, Iterable[Verdict]],
    store: EvidenceWriter,
    reread: VerdictReader | None = None,
) -> AggregationReport:
    """Stores the evidence of every object of a batch; if anything fails, every object is reported failed (to be
    retried: the items already written are simply written again). Each object's verdicts are streamed once;
    `reread` reads a verdict object again by key, needed only when a raw object it holds was already counted
    (this object) or comes back in a new version (an earlier object). Without it, lists given here are re-read."""

    def read_again(key: str) -> Iterable[Verdict]:
        if reread is not None:
            return reread(key)
        if isinstance(verdicts_by_object.get(key), Sequence):
            return verdicts_by_object[key]
        return _cannot_reread(key)

    tally = _Tally()
    report = AggregationReport()
    try:
        items = {key: hour_evidence(tally.count(group), key) for key, group in verdicts_by_object.items()}
        report.prompts, report.unlogged, report.suspicious = tally.prompts, tally.unlogged, tally.suspicious
        if tally.latest is None:
            return report
        cells = sorted({cell_of(item) for group in items.values() for item in group})
        plan = _Plan(store.existing(cells), read_again)
        for key, group in items.items():
            for item in group:
                plan.add(item, key)
        written = list(plan.writes.values())
        store.put(written)
        store.advance_watermark(min(item.hour for item in written), tally.latest)
    except Exception as error:  # noqa: BLE001 - any failure fails the batch's objects, which are retried
        report.failed_objects = {key: repr(error) for key in verdicts_by_object}
        return report
    report.evidence_items = len(written)
    report.already_counted = plan.already_counted
    report.replaced_items = plan.replaced
    return report
