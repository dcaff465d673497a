"""Streams log objects line by line into canonical records and quarantined records.

Counts add up by construction: each non-blank line the reader yields ends in exactly one of the two outputs.
Several objects can share one run, so the expectation suite (a fixed cost per call) judges rows from all the
objects of a Lambda batch together, a batch of at most `batch_records` rows at a time: memory stays bounded
whatever the object sizes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from pydantic import BaseModel, Field

from distillguard.formats import FormatSettings, RawLine, RecordRejected, parse_record, read_raw_lines
from distillguard.jsonl import JsonlGzWriter
from distillguard.layout import partition_of
from distillguard.records import CanonicalRecord
from distillguard.validation.expectations import RecordExpectations, TimeBounds

# No LLM API log predates this; a timestamp before it is a unit or parsing error.
EARLIEST_PLAUSIBLE = datetime(2020, 1, 1, tzinfo=UTC)
RAW_EXCERPT_CHARS = 2_000


class QuarantinedRecord(BaseModel):
    source_key: str
    line_number: int
    reason: str
    detail: str = ""
    raw: str = Field(default="", description="the start of the offending line, for triage")


class ValidationReport(BaseModel):
    source_key: str
    records_in: int
    valid: int
    quarantined: int
    reasons: dict[str, int]
    earliest_allowed: datetime
    latest_allowed: datetime

    @property
    def adds_up(self) -> bool:
        return self.records_in == self.valid + self.quarantined


def time_bounds(source_key: str, last_modified: datetime, tolerance: timedelta) -> TimeBounds:
    """Judges timestamps against the object's own date partition, never against today: replays are normal."""
    partition = partition_of(source_key)
    if partition is not None:
        return TimeBounds(partition.start - tolerance, partition.end + tolerance)
    return TimeBounds(EARLIEST_PLAUSIBLE, last_modified + tolerance)


@dataclass
class ObjectValidation:
    """One object's outputs while a run streams it."""

    source_key: str
    bounds: TimeBounds
    valid_out: JsonlGzWriter
    quarantine_out: JsonlGzWriter
    records_in: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def quarantine(self, line: RawLine, reason: str, detail: str) -> None:
        self.reasons[reason] += 1
        self.quarantine_out.write(
            QuarantinedRecord(
                source_key=self.source_key,
                line_number=line.line_number,
                reason=reason,
                detail=detail[:RAW_EXCERPT_CHARS],
                raw=line.raw[:RAW_EXCERPT_CHARS],
            )
        )

    def report(self) -> ValidationReport:
        return ValidationReport(
            source_key=self.source_key,
            records_in=self.records_in,
            valid=self.valid_out.count,
            quarantined=self.quarantine_out.count,
            reasons=dict(self.reasons),
            earliest_allowed=self.bounds.earliest,
            latest_allowed=self.bounds.latest,
        )


@dataclass
class ValidationRun:
    format_settings: FormatSettings
    expectations: RecordExpectations
    tolerance: timedelta
    batch_records: int
    scratch_dir: str | None = None
    _pending: list[tuple[ObjectValidation, RawLine, CanonicalRecord]] = field(default_factory=list)
    _objects: dict[str, ObjectValidation] = field(default_factory=dict)

    def add_object(self, body: BinaryIO, *, source_key: str, last_modified: datetime) -> None:
        """Streams one object; its well-formed records wait in the shared batch for the expectation suite."""
        state = ObjectValidation(
            source_key=source_key,
            bounds=time_bounds(source_key, last_modified, self.tolerance),
            valid_out=JsonlGzWriter(self.scratch_dir),
            quarantine_out=JsonlGzWriter(self.scratch_dir),
        )
        self._objects[source_key] = state
        for line, outcome in _parsed_lines(read_raw_lines(body), source_key, self.format_settings):
            state.records_in += 1
            if isinstance(outcome, RecordRejected):
                state.quarantine(line, outcome.reason, outcome.detail)
                continue
            self._pending.append((state, line, outcome))
            if len(self._pending) >= self.batch_records:
                self.flush()

    def abandon(self, source_key: str) -> None:
        """Forgets an object that could not be read to the end; it will be retried whole."""
        state = self._objects.pop(source_key, None)
        if state is not None:
            self._pending = [item for item in self._pending if item[0] is not state]
            state.valid_out.discard()
            state.quarantine_out.discard()

    def flush(self) -> None:
        if not self._pending:
            return
        broken = self.expectations.failures(
            [record for _, _, record in self._pending], [state.bounds for state, _, _ in self._pending]
        )
        for index, (state, line, record) in enumerate(self._pending):
            if index in broken:
                state.quarantine(line, broken[index], f"{record.request_id}: {broken[index]}")
            else:
                state.valid_out.write(record)
        self._pending.clear()

    def finish(self) -> Iterator[tuple[ValidationReport, JsonlGzWriter, JsonlGzWriter]]:
        """Judges what is still pending, then yields each object's report and closed outputs."""
        self.flush()
        for state in self._objects.values():
            state.valid_out.close()
            state.quarantine_out.close()
            yield state.report(), state.valid_out, state.quarantine_out

    def close(self) -> None:
        for state in self._objects.values():
            state.valid_out.discard()
            state.quarantine_out.discard()


def _parsed_lines(
    lines: Iterator[RawLine], source_key: str, settings: FormatSettings
) -> Iterator[tuple[RawLine, CanonicalRecord | RecordRejected]]:
    seen_request_ids: set[str] = set()
    for line in lines:
        if line.error is not None:
            yield line, line.error
            continue
        assert line.data is not None
        try:
            record = parse_record(line.data, source_key=source_key, line_number=line.line_number, settings=settings)
        except RecordRejected as rejected:
            yield line, rejected
            continue
        if record.request_id in seen_request_ids:
            yield line, RecordRejected("duplicate_request_id", f"request {record.request_id} logged twice")
            continue
        seen_request_ids.add(record.request_id)
        yield line, record
