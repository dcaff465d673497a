"""Correlation driven by event time: every hour the watermark has closed is processed once, in order.

The watermark is the latest event time aggregated so far; an hour closes when the watermark passes its end by
the allowed lateness (or at once with `flush`, at the end of a backfill). Processing an hour reads the evidence
of the horizon ending with it, detects groups, reconciles incidents, and commits the incidents, the findings
to publish (an outbox) and the next hour in one step; then the outbox is published and each entry removed
once SNS accepted it. A crash anywhere repeats work that gives the same result: detection is a function of
the evidence, never of the wall clock, so replaying last month gives the findings live processing gave."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, Field

from distillguard.copying import deep_copy
from distillguard.correlation.detect import Detection, DetectionRules, coverage, detect, new_models
from distillguard.correlation.evidence import HOUR, HourEvidence
from distillguard.correlation.finding import detection_finding, finding_json, message_attributes
from distillguard.correlation.incidents import Incident, Notification, NotificationRules, catch_up, reconcile
from distillguard.correlation.profile import profiles
from distillguard.suppression.model import NONE, ActiveSuppressions, Suppression


class Watermark(BaseModel):
    first_hour: datetime
    latest: datetime


class CorrelatorState(BaseModel):
    next_hour: datetime | None = None
    models_first_seen: dict[str, datetime] = Field(default_factory=dict)


class OutboxEntry(BaseModel):
    """A finding committed for publication, kept until SNS accepts it."""

    key: str
    message: str
    attributes: dict[str, dict[str, str]]
    incident_uid: str
    revision: int


class EvidenceReader(Protocol):
    def hour(self, hour: datetime, *, settled: bool = False) -> list[HourEvidence]:
        """The hour's items; `settled` says the hour was read closed before, so an eventually consistent read (half
        the read units) is enough: only the hour being closed needs every write acknowledged so far."""
        ...

    def watermark(self) -> Watermark | None: ...


class IncidentStore(Protocol):
    def state(self) -> CorrelatorState: ...

    def open_incidents(self) -> dict[str, Incident]: ...

    def commit(
        self,
        hour: datetime,
        expected: CorrelatorState,
        state: CorrelatorState,
        incidents: Sequence[Incident],
        outbox: Sequence[OutboxEntry],
    ) -> None:
        """Stores the changed incidents, the outbox entries and the new state together; fails if another
        run moved the state on first."""
        ...

    def outbox(self) -> list[OutboxEntry]: ...

    def acknowledge(self, entry: OutboxEntry) -> None: ...


class FindingPublisher(Protocol):
    def publish(self, entry: OutboxEntry) -> None: ...


class SuppressionReader(Protocol):
    def all(self) -> list[Suppression]: ...


class FanOut:
    """Publishes to several destinations in order (SNS, then optionally Security Hub); an entry is acknowledged
    only once every destination took it, so a failure repeats it everywhere (subscribers de-duplicate on uid
    and revision; Security Hub updates the finding in place)."""

    def __init__(self, *destinations: FindingPublisher):
        self.destinations = destinations

    def publish(self, entry: OutboxEntry) -> None:
        for destination in self.destinations:
            destination.publish(entry)


class CorrelationReport(BaseModel):
    hours: list[datetime] = []
    detections: int = 0
    published: list[str] = Field(default_factory=list, description="the published findings, as JSON")


@dataclass(frozen=True)
class HourToDetect:
    """One hour's detection, all it needs besides the evidence: a pure function of both (`hour_detections`)."""

    hour: datetime
    first_hour: datetime
    fresh_models: frozenset[str]
    rules: DetectionRules
    suppressed: ActiveSuppressions


# Detects several hours at once and yields their detections in the same order: the in-process engine's process
# pool. Without one, the correlator detects hour after hour over its own reads.
HourDetector = Callable[[Sequence[HourToDetect]], Iterable[list[Detection]]]


def horizon(hour: datetime, first_hour: datetime, hours: int) -> list[datetime]:
    """The hours whose evidence detection at `hour` reads: the horizon ending with it, none before the data."""
    return [start for back in range(hours) if (start := hour - HOUR * back) >= first_hour]


def hour_detections(items: Iterable[HourEvidence], task: HourToDetect) -> list[Detection]:
    """Every group, lone account and blind spot over the horizon's evidence `items`."""
    merged = profiles(items)
    detections = detect(merged, set(task.fresh_models), task.rules, task.suppressed)
    if blind := coverage(merged, task.rules, task.suppressed):
        detections.append(blind)
    return detections


def _models_seen(seen: dict[str, datetime], items: Iterable[HourEvidence]) -> None:
    for item in items:
        for model in item.models:
            seen.setdefault(model, item.hour)


def closable_until(watermark: Watermark, lateness: timedelta, flush: bool) -> datetime:
    """The last hour start that may be processed: its end plus the lateness is behind the watermark."""
    if flush:
        return watermark.latest.replace(minute=0, second=0, microsecond=0)
    return (watermark.latest - lateness - HOUR).replace(minute=0, second=0, microsecond=0)


class Correlator:
    def __init__(
        self,
        evidence: EvidenceReader,
        store: IncidentStore,
        publisher: FindingPublisher,
        detection: DetectionRules,
        notification: NotificationRules,
        lateness: timedelta,
        suppressions: SuppressionReader | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        detector: HourDetector | None = None,
    ):
        self.evidence = evidence
        self.suppressions = suppressions
        self.clock = clock
        self._suppressed = NONE
        self.store = store
        self.publisher = publisher
        self.detection = detection
        self.notification = notification
        self.lateness = lateness
        self.detector = detector
        self._hours: dict[datetime, list[HourEvidence]] = {}

    def run(self, *, flush: bool = False, max_hours: int = 24 * 31) -> CorrelationReport:
        report = CorrelationReport()
        self._hours = {}  # a warm Lambda keeps this object: evidence that arrived late since must be read again
        # Suppressions are read afresh too; an expired one is ignored (expiry is wall-clock: an operator's decision).
        if self.suppressions is not None:
            self._suppressed = ActiveSuppressions.of(self.suppressions.all(), self.clock())
        report.published += self.publish_outbox()  # what a crashed run committed but did not send
        watermark = self.evidence.watermark()
        if watermark is None:
            return report
        state = self.store.state()
        hour = state.next_hour or watermark.first_hour
        last = closable_until(watermark, self.lateness, flush)
        hours: list[datetime] = []
        while hour <= last and len(hours) < max_hours:
            hours.append(hour)
            hour += HOUR
        for task, detections in self._detections(self._tasks(hours, state, watermark.first_hour)):
            report.detections += self._process(task, detections, state)
            state = self.store.state()
            report.hours.append(task.hour)
            report.published += self.publish_outbox()
        if flush and hour > last:
            self._catch_up(state, hour)
            report.published += self.publish_outbox()
        return report

    def _catch_up(self, state: CorrelatorState, hour_end: datetime) -> None:
        incidents, notifications = catch_up(self.store.open_incidents(), hour_end)
        if notifications:
            self.store.commit(hour_end, state, state, incidents, self._outbox(notifications, hour_end))

    def _horizon(self, hour: datetime, first_hour: datetime) -> list[HourEvidence]:
        hours = horizon(hour, first_hour, self.detection.horizon_hours)
        for stale in [h for h in self._hours if h not in hours]:
            del self._hours[stale]
        items: list[HourEvidence] = []
        for start in hours:
            if start not in self._hours:
                self._hours[start] = self.evidence.hour(start, settled=start != hour)
            items += self._hours[start]
        return items

    def _own(self, hour: datetime) -> list[HourEvidence]:
        """The hour's own items, read once (strongly consistent: it is the hour being closed)."""
        if hour not in self._hours:
            self._hours[hour] = self.evidence.hour(hour)
        return self._hours[hour]

    def _tasks(self, hours: Iterable[datetime], state: CorrelatorState, first_hour: datetime) -> Iterator[HourToDetect]:
        """Each hour's detection inputs, in order; the models first seen follow the hours as `_process` commits them."""
        seen = dict(state.models_first_seen)
        for hour in hours:
            _models_seen(seen, self._own(hour))
            fresh = frozenset(new_models(seen, first_hour, hour, self.detection))
            yield HourToDetect(hour, first_hour, fresh, self.detection, self._suppressed)

    def _detections(self, tasks: Iterator[HourToDetect]) -> Iterator[tuple[HourToDetect, list[Detection]]]:
        if self.detector is None:  # one hour after the other, reading each hour's horizon as it moves
            for task in tasks:
                yield task, hour_detections(self._horizon(task.hour, task.first_hour), task)
            return
        listed = list(tasks)
        yield from zip(listed, self.detector(listed), strict=True)

    def _process(self, task: HourToDetect, detections: list[Detection], state: CorrelatorState) -> int:
        hour = task.hour
        updated = deep_copy(state)
        _models_seen(updated.models_first_seen, self._own(hour))
        hour_end = hour + HOUR
        incidents, notifications = reconcile(detections, self.store.open_incidents(), hour_end, self.notification)
        outbox = self._outbox(notifications, hour_end)
        updated.next_hour = hour + HOUR
        self.store.commit(hour, state, updated, incidents, outbox)
        return len(detections)

    def _outbox(self, notifications: Sequence[Notification], hour_end: datetime) -> list[OutboxEntry]:
        """The findings to publish: a suppressed finding publishes nothing but its close, which names the
        suppression (the incident itself is kept and goes on being reconciled)."""
        return [
            self._outbox_entry(notification, hour_end, suppression)
            for notification in notifications
            if (suppression := self._suppressed.finding(notification.incident.uid)) is None
            or notification.activity == "close"
        ]

    @staticmethod
    def _outbox_entry(
        notification: Notification, hour_end: datetime, suppression: Suppression | None = None
    ) -> OutboxEntry:
        incident = notification.incident
        finding = detection_finding(incident, notification.activity)
        if suppression is not None and finding.unmapped is not None:
            finding.unmapped["distillguard"]["suppression"] = suppression.model_dump(mode="json")
        return OutboxEntry(
            key=f"{hour_end.isoformat()}#{incident.uid}#{incident.revision:06d}",
            message=finding_json(finding),
            attributes=message_attributes(incident, notification.activity),
            incident_uid=incident.uid,
            revision=incident.revision,
        )

    def publish_outbox(self) -> list[str]:
        published = []
        for entry in self.store.outbox():
            self.publisher.publish(entry)
            self.store.acknowledge(entry)
            published.append(entry.message)
        return published
