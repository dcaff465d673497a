"""`distillguard backfill` over logs already in a bucket: read in place, scored in process, counts adding up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from distillguard.cli import main as distillguard
from distillguard.findings import PublishedFinding
from tests.verdict_objects import HOUR

pytestmark = pytest.mark.integration


def gateway_line(index: int, account: str) -> str:
    return json.dumps(
        {
            "ts": (HOUR.timestamp() + 60 * index),
            "request_id": f"{account}-{index}",
            "account_id": account,
            "source_ip": "198.51.100.7",
            "request": {
                "messages": [
                    {"role": "system", "content": "Think step by step and show every step of your reasoning."},
                    {"role": "user", "content": f"Solve problem {index}: a train leaves at {index} am ..."},
                ]
            },
            "status": 200,
        }
    )


def test_backfill_reads_a_prefix_in_place_and_every_record_is_counted(
    localstack: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a bucket holding a day of gateway logs under raw/, one object holding an unreadable line, and logs
    # of another day that the prefix leaves out
    s3 = localstack.boto3.client("s3")
    s3.create_bucket(Bucket="old-logs")
    for part in range(3):
        lines = [gateway_line(part * 10 + index, f"acct-{part}") for index in range(10)]
        body = "\n".join(lines) + ("\n{not json\n" if part == 0 else "\n")
        s3.put_object(Bucket="old-logs", Key=f"raw/gateway/2026/02/03/08/part-{part}.jsonl", Body=body.encode())
    s3.put_object(Bucket="old-logs", Key="raw/gateway/2026/02/04/08/other.jsonl", Body=gateway_line(1, "x").encode())
    findings, summary = tmp_path / "findings.jsonl", tmp_path / "summary.json"
    # When it is backfilled in process
    code = distillguard(
        [
            "backfill", "s3://old-logs/raw/gateway/2026/02/03/", "--findings-out", str(findings),
            "--summary-out", str(summary), "--workers", "1",
        ]
    )  # fmt: skip
    # Then each line of the three objects was validated once, the bad one quarantined with its reason
    counted = json.loads(summary.read_text())
    assert code == 0
    assert (counted["objects"], counted["records_total"], counted["records_valid"]) == (3, 31, 30)
    assert counted["quarantine_reasons"] == {"invalid_json": 1}
    assert counted["prompts_classified"] == 30
    # And the throughput report names what ran, and the findings file holds OCSF findings (if any were raised)
    report = capsys.readouterr().out
    assert "backfill: 31 records in 3 objects" in report and "CPUExecutionProvider" in report
    assert all(PublishedFinding.from_message(line) for line in findings.read_text().splitlines())
    # And nothing was written to the bucket
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket="old-logs")["Contents"]]
    assert sorted(listed) == sorted([f"raw/gateway/2026/02/03/08/part-{part}.jsonl" for part in range(3)] + [
        "raw/gateway/2026/02/04/08/other.jsonl"
    ])  # fmt: skip


def test_backfill_refuses_a_prefix_outside_the_raw_log_prefix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not under the raw log prefix"):
        distillguard(
            [
                "backfill",
                "s3://b/verdicts/",
                "--findings-out",
                str(tmp_path / "f"),
                "--summary-out",
                str(tmp_path / "s"),
            ]
        )
