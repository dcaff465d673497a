"""Every log line ends up valid or quarantined with a reason; the counts add up."""

from __future__ import annotations

import gzip
import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import FormatSettings, OffloadedBodies
from distillguard.jsonl import read_models
from distillguard.records import CanonicalRecord, Verdict
from distillguard.validation import QuarantinedRecord, ValidationRun, mostly_redacted_accounts
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
    for report, (valid_out, quarantine_out, unlogged_out) in run.finish():
        with (
            valid_out.path.open("rb") as valid,
            quarantine_out.path.open("rb") as quarantined,
            unlogged_out.path.open("rb") as unlogged,
        ):
            results[report.source_key] = (
                report,
                list(read_models(valid, CanonicalRecord)),
                list(read_models(quarantined, QuarantinedRecord)),
                list(read_models(unlogged, Verdict)),
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
    report, valid, quarantined, _ = run_over(expectations, {KEY: body})[KEY]
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


def test_clean_and_broken_batches_in_turn_are_each_judged_on_their_own() -> None:
    # Given one suite (as a warm function keeps it) judging a broken batch, a clean one, then a broken one again
    suite = RecordExpectations(max_prompt_chars=50_000)
    broken = {KEY: b"\n".join([gateway_line("r1"), gateway_line("r2", account="acct 2"), gateway_line("r3")])}
    clean = {KEY: b"\n".join(gateway_line(f"c{i}") for i in range(3))}
    # When each is validated in its own run
    outcomes = [run_over(suite, objects)[KEY] for objects in (broken, clean, broken)]
    # Then the clean batch loses nothing and each broken one loses exactly its bad row
    assert [(report.valid, report.quarantined) for report, *_ in outcomes] == [(2, 1), (3, 0), (2, 1)]
    assert [item.reason for item in outcomes[2][2]] == ["expectation:account_malformed"]


def test_replayed_old_logs_are_judged_against_their_partition_not_today(expectations: RecordExpectations) -> None:
    # Given February logs validated in November
    report, valid, *_ = run_over(expectations, {KEY: b"\n".join(gateway_line(f"r{i}") for i in range(5))})[KEY]
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


EVENTS = Path(__file__).parents[1] / "events" / "formats"
LITELLM_DAY = "raw/litellm/2025-11-27"
LOG_BUCKET = "distillguard-logs-111122223333-us-east-1"


def litellm_object(name: str, **changes: Any) -> bytes:
    payload = json.loads((EVENTS / name).read_text()) | changes
    return json.dumps(payload, indent=4).encode()


def test_redacted_prompts_are_counted_per_account_and_never_classified(expectations: RecordExpectations) -> None:
    # Given one team whose LiteLLM logs are redacted (message logging off) and one whose logs are not
    objects = {
        f"{LITELLM_DAY}/time-09-21-00-00000{i}_r{i}.json": litellm_object("litellm_redacted.json", id=f"red-{i}")
        for i in range(3)
    }
    objects[f"{LITELLM_DAY}/time-09-20-00-000000_ok.json"] = litellm_object("litellm_master_key.json")
    objects[f"{LITELLM_DAY}/time-09-22-00-000000_ok.json"] = litellm_object("litellm_payload.json", id="plain-1")

    # When the objects are validated
    results = run_over(expectations, objects)
    reports = [report for report, *_ in results.values()]

    # Then redacted lines are neither valid nor quarantined, every count adds up, and the manifest names the account
    assert sum(report.redacted for report in reports) == 3
    assert sum(report.quarantined for report in reports) == 0
    assert sum(report.valid for report in reports) == 2
    assert all(report.adds_up for report in reports)
    redacted = next(report for report in reports if report.redacted)
    assert redacted.redacted_by_account == {"team-initech-ml": 1}
    assert redacted.redacted_reasons == {"prompt_redacted": 1}
    # And the team is reported as mostly redacted: three of its four records carry no prompt
    assert mostly_redacted_accounts(reports) == {"team-initech-ml": 0.75}
    # And each redacted request goes on to the evidence as an unlabelled verdict: who, when, from which line
    unlogged = [verdict for *_, verdicts in results.values() for verdict in verdicts]
    assert sorted(verdict.request_id for verdict in unlogged) == ["red-0", "red-1", "red-2"]
    assert {(verdict.customer_account, verdict.label, verdict.source_format) for verdict in unlogged} == {
        ("team-initech-ml", None, "litellm")
    }
    assert all(verdict.scores == {} and verdict.timestamp.tzinfo is not None for verdict in unlogged)
    assert [report.unlogged for report in reports] == [report.redacted for report in reports]


def test_audit_logs_and_no_prompt_calls_are_skipped_not_quarantined(expectations: RecordExpectations) -> None:
    # Given a LiteLLM audit-log object and an embedding call under the log prefix
    objects = {
        "raw/litellm/audit_logs/2025-11-27/09-41-14_bd136c28.json": (EVENTS / "litellm_audit_log.json").read_bytes(),
        f"{LITELLM_DAY}/time-09-23-00-000000_emb.json": (EVENTS / "litellm_embedding.json").read_bytes(),
    }

    # When they are validated
    reports = [report for report, *_ in run_over(expectations, objects).values()]

    # Then each line is counted as skipped with its reason, and nothing is quarantined
    assert [report.skipped_reasons for report in reports] == [
        {"litellm_audit_log": 1},
        {"call_type_without_prompt": 1},
    ]
    assert all(report.quarantined == 0 and report.records_in == 1 and report.adds_up for report in reports)


def test_bedrocks_own_objects_are_skipped_whole(expectations: RecordExpectations) -> None:
    # Given Bedrock's permission-check marker and an offloaded body sidecar landing under the raw prefix
    logs = "raw/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs"
    sidecar = gzip.compress((EVENTS / "bedrock_offloaded_input_body.json").read_bytes())
    objects = {
        f"{logs}/amazon-bedrock-logs-permission-check": b"",
        f"{logs}/us-east-1/2026/11/27/09/data/0f3c6a1e-2b7d-4c9e-8a5f-1d2e3f4a5b6c_input.json.gz": sidecar,
    }

    # When they are validated
    reports = [report for report, *_ in run_over(expectations, objects).values()]

    # Then neither is read as logs: no record, no quarantine, the reason in the manifest
    assert [report.skipped_object for report in reports] == ["bedrock_permission_check", "bedrock_offloaded_body"]
    assert all(report.records_in == report.quarantined == report.valid == 0 for report in reports)


class InMemoryBodies:
    bucket = LOG_BUCKET

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        data = self.objects.get(key)
        return None if data is None else data[: max_bytes + 1]


def test_an_offloaded_bedrock_body_is_fetched_and_a_missing_one_quarantined(expectations: RecordExpectations) -> None:
    # Given a Bedrock log object with two offloaded-body records, the body of only the first in the bucket
    first, *_ = (EVENTS / "bedrock_offloaded_and_attribution.jsonl").read_text().splitlines()
    second = first.replace("0f3c6a1e-2b7d-4c9e-8a5f-1d2e3f4a5b6c", "99999999-2b7d-4c9e-8a5f-1d2e3f4a5b6c")
    hour = "raw/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/27/09"
    body_key = f"{hour}/data/0f3c6a1e-2b7d-4c9e-8a5f-1d2e3f4a5b6c_input.json.gz"
    store = InMemoryBodies({body_key: gzip.compress((EVENTS / "bedrock_offloaded_input_body.json").read_bytes())})
    key = f"{hour}/20261127T0921Z_5c2f.json.gz"

    # When it is validated with a reader for the log bucket's raw prefix
    run = ValidationRun(
        FormatSettings(),
        expectations,
        timedelta(hours=1),
        1000,
        bodies=OffloadedBodies(store, prefix="raw/", max_bytes=1 << 20),
    )
    run.add_object(io.BytesIO(gzip.compress(f"{first}\n{second}\n".encode())), source_key=key, last_modified=HOUR)
    ((report, (valid_out, quarantine_out, _)),) = list(run.finish())
    with valid_out.path.open("rb") as valid, quarantine_out.path.open("rb") as quarantined:
        records, rejected = list(read_models(valid, CanonicalRecord)), list(read_models(quarantined, QuarantinedRecord))
    run.close()

    # Then the first is a valid record read from its body, the second is quarantined as missing
    assert [record.customer_account for record in records] == ["initech"]
    assert records[0].tool_names == ("read_file",)
    assert [item.reason for item in rejected] == ["offloaded_body_missing"]
    assert report.adds_up


HOSTILE_PROMPTS = ("a-" * 75_000, "0123456789abcdef" * 9_000, "[" * 20_000 + "]" * 20_000, "e" + "\u0301" * 100_000)


def timed_validation(expectations: RecordExpectations, texts: list[str]) -> float:
    body = b"\n".join(gateway_line(f"r{i}", text=text) for i, text in enumerate(texts))
    started = time.perf_counter()
    report, valid, *_ = run_over(expectations, {KEY: body})[KEY]
    elapsed = time.perf_counter() - started
    assert report.adds_up and len(valid) == len(texts)
    return elapsed


def test_hostile_prompts_do_not_stall_validation(expectations: RecordExpectations) -> None:
    # Given an object with four crafted prompts among forty normal ones, and one of as many plain prompts
    normal = [f"Please summarise meeting {i} in three bullet points." for i in range(40)]
    plain = [
        ("The committee reviewed the figures and asked for a summary.\n" * 2_500)[: len(t)] for t in HOSTILE_PROMPTS
    ]
    expectations.warm_up()

    # When each is validated
    hostile_seconds = min(timed_validation(expectations, [*HOSTILE_PROMPTS, *normal]) for _ in range(2))
    plain_seconds = min(timed_validation(expectations, [*plain, *normal]) for _ in range(2))

    # Then every crafted prompt is a valid record and costs about what plain text of its length costs
    assert hostile_seconds <= 3 * plain_seconds + 0.05


def test_a_prompt_padded_past_the_size_limit_is_cut_not_quarantined(expectations: RecordExpectations) -> None:
    # Given a prompt padded far past the suite's 50,000-character limit between its instruction and its question
    text = "Reason step by step and box the answer.\n" + "pad " * 40_000 + "\nWhat is 17 * 23?"

    # When it is validated
    report, valid, *_ = run_over(expectations, {KEY: gateway_line("padded", text=text)})[KEY]

    # Then it is a valid record within the limit, keeping the instruction and the question
    assert (report.valid, report.quarantined) == (1, 0)
    assert len(valid[0].prompt) <= 50_000
    assert valid[0].prompt.startswith("[user]\nReason step by step and box the answer.")
    assert valid[0].prompt.endswith("What is 17 * 23?")


def test_offloaded_bodies_are_read_from_the_log_bucket_within_bounds(expectations: RecordExpectations) -> None:
    # Given the log bucket (moto, in process) holding an offloaded body, an empty object and a large one
    import boto3
    from moto import mock_aws

    from distillguard.adapters.s3 import ObjectStore

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=LOG_BUCKET)
        hour = "raw/bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/27/09"
        body_key = f"{hour}/data/0f3c6a1e-2b7d-4c9e-8a5f-1d2e3f4a5b6c_input.json.gz"
        body = gzip.compress((EVENTS / "bedrock_offloaded_input_body.json").read_bytes())
        s3.put_object(Bucket=LOG_BUCKET, Key=body_key, Body=body)
        s3.put_object(Bucket=LOG_BUCKET, Key="raw/empty", Body=b"")
        store = ObjectStore(s3, LOG_BUCKET)

        # When objects are read with a bound
        # Then the reads are bounded and a missing key is None
        assert store.read_bounded(body_key, 1 << 20) == body
        assert store.read_bounded(body_key, 10) == body[:11]
        assert store.read_bounded("raw/empty", 10) == b""
        assert store.read_bounded("raw/missing", 10) is None

        # And a validation run reads the body its log line points at
        line = (EVENTS / "bedrock_offloaded_and_attribution.jsonl").read_text().splitlines()[0]
        run = ValidationRun(
            FormatSettings(), expectations, timedelta(hours=1), 1000, bodies=OffloadedBodies(store, "raw/", 1 << 20)
        )
        run.add_object(io.BytesIO(line.encode()), source_key=f"{hour}/20261127T0921Z_5c2f.json.gz", last_modified=HOUR)
        ((report, _),) = list(run.finish())
        run.close()
        assert (report.valid, report.quarantined) == (1, 0)
