"""Every log line ends up valid or quarantined with a reason; the counts add up."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from distillguard.formats import FormatSettings
from distillguard.jsonl import read_models
from distillguard.records import CanonicalRecord
from distillguard.validation import QuarantinedRecord, ValidationRun
from distillguard.validation.expectations import RecordExpectations

KEY = "raw/gateway/2026/02/03/08/part-0001.jsonl.gz"
HOUR = datetime(2026, 2, 3, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def expectations() -> RecordExpectations:
    return RecordExpectations(max_prompt_chars=50_000)


def gateway_line(request_id: str, *, minute: int = 5, account: str = "acct-1", text: str = "Hello there") -> bytes:
    record = {
        "ts": (HOUR + timedelta(minutes=minute)).timestamp(),
        "request_id": request_id,
        "account_id": account,
        "api_key_id": "key-1",
        "source_ip": "203.0.113.9",
        "user_agent": "curl/8.5",
        "model": "gpt-4o",
        "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": text}]},
        "usage": {"prompt_tokens": 12, "completion_tokens": 30},
        "status": 200,
    }
    return json.dumps(record).encode()


def run_over(expectations: RecordExpectations, objects: dict[str, bytes], batch_records: int = 1000):  # type: ignore[no-untyped-def]
    run = ValidationRun(FormatSettings(), expectations, timedelta(hours=1), batch_records)
    for key, body in objects.items():
        run.add_object(io.BytesIO(body), source_key=key, last_modified=datetime(2026, 11, 27, tzinfo=UTC))
    results = {}
    for report, valid_out, quarantine_out in run.finish():
        with valid_out.path.open("rb") as valid, quarantine_out.path.open("rb") as quarantined:
            results[report.source_key] = (
                report,
                list(read_models(valid, CanonicalRecord)),
                list(read_models(quarantined, QuarantinedRecord)),
            )
    run.close()
    return results


def test_hostile_lines_are_quarantined_with_reasons_and_nothing_is_lost(expectations: RecordExpectations) -> None:
    # Given an object mixing good records with junk, a duplicate, a foreign timestamp and a bad account id
    lines = [
        gateway_line("r1"),
        b'{"ts": 1, "truncated',
        gateway_line("r2"),
        b"\xff\xfe not utf-8",
        gateway_line("r1"),  # logged twice
        gateway_line("r3", minute=60 * 30),  # claims a day and a half later than its partition
        gateway_line("r4", account="acct 4\t<script>"),
        b"",
        gateway_line("r5"),
    ]
    body = gzip.compress(b"\n".join(lines))
    # When it is validated
    report, valid, quarantined = run_over(expectations, {KEY: body})[KEY]
    # Then every non-blank line is accounted for, once
    assert (report.records_in, report.valid, report.quarantined) == (8, 3, 5)
    assert report.adds_up
    assert [record.request_id for record in valid] == ["r1", "r2", "r5"]
    assert sorted(item.reason for item in quarantined) == [
        "duplicate_request_id",
        "expectation:account_malformed",
        "expectation:timestamp_after_partition",
        "invalid_json",
        "invalid_utf8",
    ]
    assert report.reasons["invalid_json"] == 1
    assert all(item.source_key == KEY and item.line_number >= 1 for item in quarantined)


def test_replayed_old_logs_are_judged_against_their_partition_not_today(expectations: RecordExpectations) -> None:
    # Given February logs validated in November
    report, valid, _ = run_over(expectations, {KEY: b"\n".join(gateway_line(f"r{i}") for i in range(5))})[KEY]
    # Then they are valid
    assert report.valid == 5 and report.quarantined == 0


def test_objects_batched_together_keep_their_own_outputs_and_bounds(expectations: RecordExpectations) -> None:
    # Given two objects from different hours validated in one run, in batches smaller than either
    other_key = "raw/gateway/2026/02/03/10/part-0002.jsonl"
    first = b"\n".join(gateway_line(f"a{i}") for i in range(7))
    second = b"\n".join(gateway_line(f"b{i}", minute=125) for i in range(6))  # 10:05, inside its own hour
    results = run_over(expectations, {KEY: first, other_key: second}, batch_records=4)
    # Then each object gets exactly its own records, judged by its own partition
    assert [r.request_id for r in results[KEY][1]] == [f"a{i}" for i in range(7)]
    assert [r.request_id for r in results[other_key][1]] == [f"b{i}" for i in range(6)]
    assert results[KEY][0].quarantined == results[other_key][0].quarantined == 0
