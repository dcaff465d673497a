"""Streams log objects line by line into canonical records and quarantined records.

Counts add up by construction: each non-blank line the reader yields ends in exactly one place: a valid record, a
quarantined one (it is wrong), a redacted one (the log does not carry its prompt: counted per account, never
classified, and written as an unlabelled verdict so that the evidence shows where the product is blind) or a
skipped one (it is not a request to classify, such as an audit-log entry). Objects that hold no
request logs at all (Bedrock's permission check, its offloaded bodies) are skipped whole, by their key.
Several objects can share one run, so the expectation suite (a fixed cost per call) judges rows from all the
objects of a Lambda batch together, a batch of at most `batch_records` rows (and `batch_prompt_chars` prompt
characters) at a time: memory stays bounded whatever the object sizes."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, NamedTuple

from pydantic import BaseModel, Field, ValidationError

from distillguard.formats import (
    FormatSettings,
    OffloadedBodies,
    PromptNotLogged,
    RawLine,
    RecordRejected,
    RecordSkipped,
    parse_record,
    read_raw_lines,
    skipped_object,
)
from distillguard.formats.common import encodable_facts
from distillguard.jsonl import JsonlGzWriter
from distillguard.layout import partition_of
from distillguard.records import MOSTLY_UNLOGGED_SHARE, CanonicalRecord, RequestFacts, Verdict, unlogged
from distillguard.validation.expectations import RecordExpectations, TimeBounds

# No LLM API log predates this; a timestamp before it is a unit or parsing error.
EARLIEST_PLAUSIBLE = datetime(2020, 1, 1, tzinfo=UTC)
RAW_EXCERPT_CHARS = 2_000
MAX_ACCOUNT_CHARS = 256


class QuarantinedRecord(BaseModel):
    source_key: str
    line_number: int
    reason: str
    detail: str = ""
    raw: str = Field(default="", description="the start of the offending line, for triage")


class ValidationReport(BaseModel):
    source_key: str
    source_version: str = Field(default="", description="the object's version (S3 ETag) that was read")
    records_in: int
    valid: int
    quarantined: int
    reasons: dict[str, int] = Field(description="quarantine reasons")
    earliest_allowed: datetime
    latest_allowed: datetime
    redacted: int = Field(default=0, description="records whose prompt the log does not carry; never classified")
    redacted_reasons: dict[str, int] = Field(default_factory=dict, description="prompt_redacted, empty_prompt")
    redacted_by_account: dict[str, int] = Field(
        default_factory=dict, description="redacted records per customer account: where the product is blind"
    )
    unlogged: int = Field(
        default=0, description="redacted records passed on to the evidence (those whose account and time were read)"
    )
    valid_by_account: dict[str, int] = Field(default_factory=dict, description="valid records per customer account")
    skipped: int = Field(default=0, description="records that are not requests to classify (audit-log entries, ...)")
    skipped_reasons: dict[str, int] = Field(default_factory=dict)
    skipped_object: str | None = Field(default=None, description="why the whole object holds no request logs")

    @property
    def adds_up(self) -> bool:
        return self.records_in == self.valid + self.quarantined + self.redacted + self.skipped


class BatchManifest(BaseModel):
    """What one validate run wrote for a batch of raw objects: one report per object (lines in = valid +
    quarantined + redacted + skipped), and the two outputs that hold every object's records."""

    batch_id: str
    validated_at: datetime = Field(default_factory=lambda: datetime.now(UTC), description="a later batch wins")
    validated_key: str | None = None
    quarantine_key: str | None = None
    unlogged_key: str | None = Field(default=None, description="unlabelled verdicts of the redacted records")
    objects: list[ValidationReport]


def mostly_redacted_accounts(
    reports: Iterable[ValidationReport], min_share: float = MOSTLY_UNLOGGED_SHARE
) -> dict[str, float]:
    """Accounts at least ``min_share`` of whose records (valid or redacted) carry no prompt, with that share."""
    redacted: Counter[str] = Counter()
    valid: Counter[str] = Counter()
    for report in reports:
        redacted.update(report.redacted_by_account)
        valid.update(report.valid_by_account)
    shares = {account: count / (count + valid[account]) for account, count in redacted.items()}
    return {account: round(share, 3) for account, share in sorted(shares.items()) if share >= min_share}


def time_bounds(source_key: str, last_modified: datetime, tolerance: timedelta) -> TimeBounds:
    """Judges timestamps against the object's own date partition, never against today: replays are normal."""
    partition = partition_of(source_key)
    if partition is not None:
        return TimeBounds(partition.start - tolerance, partition.end + tolerance)
    return TimeBounds(EARLIEST_PLAUSIBLE, last_modified + tolerance)


class ObjectOutputs(NamedTuple):
    """One object's three outputs: its valid records, its quarantined lines, its redacted requests as verdicts."""

    valid: JsonlGzWriter
    quarantined: JsonlGzWriter
    unlogged: JsonlGzWriter


@dataclass
class ObjectValidation:
    """One object's outputs while a run streams it."""

    source_key: str
    source_version: str
    bounds: TimeBounds
    valid_out: JsonlGzWriter
    quarantine_out: JsonlGzWriter
    unlogged_out: JsonlGzWriter
    records_in: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    redacted_reasons: Counter[str] = field(default_factory=Counter)
    redacted_by_account: Counter[str] = field(default_factory=Counter)
    valid_by_account: Counter[str] = field(default_factory=Counter)
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    skipped_object: str | None = None

    def settle(self, line: RawLine, rejected: RecordRejected) -> None:
        """Counts a line that will not be classified: redacted, skipped or quarantined."""
        if isinstance(rejected, PromptNotLogged):
            self.redacted_reasons[rejected.reason] += 1
            self.redacted_by_account[rejected.customer_account[:MAX_ACCOUNT_CHARS]] += 1
            if (verdict := self._unlogged(rejected)) is not None:
                self.unlogged_out.write(verdict)
        elif isinstance(rejected, RecordSkipped):
            self.skipped_reasons[rejected.reason] += 1
        else:
            self.quarantine(line, rejected.reason, rejected.detail)

    def _unlogged(self, rejected: PromptNotLogged) -> Verdict | None:
        """The redacted request as an unlabelled verdict, when its facts are well formed and its time is inside the
        object's bounds (the expectation suite never sees it; a record that fails here is still counted)."""
        facts = encodable_facts(rejected.facts) | {"source_version": self.source_version or None}
        try:
            request = RequestFacts.model_validate(facts)
        except ValidationError:
            return None
        in_bounds = self.bounds.earliest <= request.timestamp <= self.bounds.latest
        if not in_bounds or len(request.customer_account) > MAX_ACCOUNT_CHARS:
            return None
        return unlogged(request)

    def accept(self, record: CanonicalRecord) -> None:
        self.valid_by_account[record.customer_account] += 1
        self.valid_out.write(record)

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

    def outputs(self) -> ObjectOutputs:
        return ObjectOutputs(self.valid_out, self.quarantine_out, self.unlogged_out)

    def close(self) -> None:
        for writer in self.outputs():
            writer.close()

    def discard(self) -> None:
        for writer in self.outputs():
            writer.discard()

    def report(self) -> ValidationReport:
        return ValidationReport(
            source_key=self.source_key,
            source_version=self.source_version,
            records_in=self.records_in,
            valid=self.valid_out.count,
            quarantined=self.quarantine_out.count,
            reasons=dict(self.reasons),
            earliest_allowed=self.bounds.earliest,
            latest_allowed=self.bounds.latest,
            redacted=sum(self.redacted_reasons.values()),
            redacted_reasons=dict(self.redacted_reasons),
            redacted_by_account=dict(self.redacted_by_account),
            unlogged=self.unlogged_out.count,
            valid_by_account=dict(self.valid_by_account),
            skipped=sum(self.skipped_reasons.values()),
            skipped_reasons=dict(self.skipped_reasons),
            skipped_object=self.skipped_object,
        )


@dataclass
class ValidationRun:
    format_settings: FormatSettings
    expectations: RecordExpectations
    tolerance: timedelta
    batch_records: int
    scratch_dir: str | None = None
    batch_prompt_chars: int = 64 * 1024 * 1024
    bodies: OffloadedBodies | None = None  # reads Bedrock request bodies offloaded to S3
    _pending: list[tuple[ObjectValidation, RawLine, CanonicalRecord]] = field(default_factory=list)
    _pending_chars: int = 0
    _objects: dict[str, ObjectValidation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Prompts over the suite's size limit are cut to their head and tail rather than quarantined: an attacker
        # must not be able to pad past the limit to go unclassified.
        limit = min(self.format_settings.max_prompt_chars, self.expectations.max_prompt_chars)
        self.format_settings = replace(self.format_settings, max_prompt_chars=limit)

    def add_object(self, body: BinaryIO, *, source_key: str, last_modified: datetime, version: str = "") -> None:
        """Streams one object; its well-formed records wait in the shared batch for the expectation suite."""
        state = ObjectValidation(
            source_key=source_key,
            source_version=version,
            bounds=time_bounds(source_key, last_modified, self.tolerance),
            valid_out=JsonlGzWriter(self.scratch_dir),
            quarantine_out=JsonlGzWriter(self.scratch_dir),
            unlogged_out=JsonlGzWriter(self.scratch_dir),
        )
        self._objects[source_key] = state
        state.skipped_object = skipped_object(source_key)
        if state.skipped_object is not None:
            return
        lines = _parsed_lines(read_raw_lines(body), source_key, self.format_settings, self.bodies)
        for line, outcome in lines:
            state.records_in += 1
            if isinstance(outcome, RecordRejected):
                state.settle(line, outcome)
                continue
            if version:
                outcome = outcome.model_copy(update={"source_version": version})
            self._pending.append((state, line, outcome))
            self._pending_chars += len(outcome.prompt)
            if len(self._pending) >= self.batch_records or self._pending_chars >= self.batch_prompt_chars:
                self.flush()

    def abandon(self, source_key: str) -> None:
        """Forgets an object that could not be read to the end; it will be retried whole."""
        state = self._objects.pop(source_key, None)
        if state is not None:
            self._pending = [item for item in self._pending if item[0] is not state]
            self._pending_chars = sum(len(record.prompt) for _, _, record in self._pending)
            state.discard()

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
                state.accept(record)
        self._pending.clear()
        self._pending_chars = 0

    def finish(self) -> Iterator[tuple[ValidationReport, ObjectOutputs]]:
        """Judges what is still pending, then yields each object's report and closed outputs."""
        self.flush()
        for state in self._objects.values():
            state.close()
            yield state.report(), state.outputs()

    def close(self) -> None:
        for state in self._objects.values():
            state.discard()


def _parsed_lines(
    lines: Iterator[RawLine], source_key: str, settings: FormatSettings, bodies: OffloadedBodies | None
) -> Iterator[tuple[RawLine, CanonicalRecord | RecordRejected]]:
    seen_request_ids: set[int] = set()  # 8-byte digests: ~50 MB for the ids of a 2 GB object, not ~600 MB
    for line in lines:
        if line.error is not None:
            yield line, line.error
            continue
        assert line.data is not None
        try:
            record = parse_record(
                line.data, source_key=source_key, line_number=line.line_number, settings=settings, bodies=bodies
            )
        except RecordRejected as rejected:
            yield line, rejected
            continue
        request_digest = int.from_bytes(hashlib.blake2b(record.request_id.encode(), digest_size=8).digest(), "big")
        if request_digest in seen_request_ids:
            yield line, RecordRejected("duplicate_request_id", f"request {record.request_id} logged twice")
            continue
        seen_request_ids.add(request_digest)
        yield line, record
