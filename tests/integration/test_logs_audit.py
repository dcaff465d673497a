"""What the functions write to CloudWatch Logs holds no prompt text, no source IP and nothing shaped like a
credential: a few hundred simulated requests in the three formats, plus requests carrying API keys in their text,
their headers and their key id, lines that fail validation and an object that is not what its name says, go
through the pipeline on the emulator with the handlers' logger at DEBUG, and every line it writes is read."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats.errors import RecordRejected
from distillguard.formats.parse import parse_record
from distillguard.formats.reader import read_raw_lines
from distillguard.formats.settings import FormatSettings
from distillguard.local.pipeline import local_pipeline, log_files
from distillguard.observability import logger
from distillguard.simulate import simulate
from tests import faults

pytestmark = pytest.mark.integration
FILES_PER_FORMAT = 3
OPENAI_KEY = "sk-proj-Q3vT9xLm2RbW7nYc4KdPz8FhJs6GuA1e"
AWS_KEY = "AKIAZ7QW3EXAMPLE4XYZ"
BEARER = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhdWRpdCJ9.c2lnbmF0dXJl"
# What a credential looks like in a log line, whoever's it is.
CREDENTIAL_SHAPES = re.compile(r"sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|Bearer\s+[A-Za-z0-9._~+/=-]{8,}")
AUDIT_IPS = [f"198.51.100.{n}" for n in range(1, 13)]


def audit_prompt(n: int) -> str:
    return f"Audit request {n}: a marsupial lexicographer compiles {n} glossaries; my key is {OPENAI_KEY}"


def gateway_line(n: int, **changes: object) -> str:
    record: dict[str, object] = {
        "ts": 1770105600 + 60 * n,  # 2026-02-03 08:00 UTC onwards
        "request_id": f"audit-{n}",
        "account_id": f"acct-audit-{n % 3}",
        "api_key_id": AWS_KEY if n % 4 == 0 else f"key-{n}",
        "source_ip": AUDIT_IPS[n % len(AUDIT_IPS)],
        "user_agent": "python-httpx/0.27.0",
        "headers": {"authorization": BEARER, "x-api-key": OPENAI_KEY},
        "request": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": audit_prompt(n)}]},
        "status": 200,
    }
    record.update(changes)
    return json.dumps(record)


def hostile_traffic(folder: Path) -> None:
    """Requests carrying credentials, valid and broken, and an object that claims to be gzip and is not
    (quarantined whole)."""
    day = folder / "gateway" / "2026" / "02" / "03" / "08"
    day.mkdir(parents=True)
    lines = [gateway_line(n) for n in range(24)]
    lines += [
        gateway_line(100, ts="yesterday at noon"),  # quarantined: ts is not epoch seconds
        gateway_line(101, status="two hundred"),  # quarantined: status is not a number
        gateway_line(102, request={"messages": "not a list " + OPENAI_KEY}),  # quarantined: no conversation
        gateway_line(103)[:150],  # a line cut off mid-record
        f"user said {audit_prompt(104)} from {AUDIT_IPS[0]} with {BEARER}",  # not JSON at all
    ]
    (day / "audit.jsonl").write_text("\n".join(lines) + "\n")
    (day / "poison.jsonl.gz").write_bytes(f"not gzip: {audit_prompt(105)} {AWS_KEY} {AUDIT_IPS[1]}".encode())


def private_texts(folder: Path) -> tuple[set[str], set[str]]:
    """Fragments of every prompt the objects hold (each line of 24+ characters, cut to 24) and every source IP."""
    prompts, ips = {audit_prompt(n)[:40] for n in range(106)}, set(AUDIT_IPS)
    for path in log_files(folder):
        if path.name == "poison.jsonl.gz":
            continue
        with path.open("rb") as body:
            for line in read_raw_lines(body):  # it reads gzip or plain, whatever the name says
                if line.data is None:
                    continue
                try:
                    record = parse_record(line.data, source_key="audit", line_number=1, settings=FormatSettings())
                except RecordRejected:
                    continue
                prompts |= {part.strip()[:24] for part in record.prompt.splitlines() if len(part.strip()) >= 24}
                if record.source_ip:
                    ips.add(record.source_ip)
    return prompts, ips


@pytest.fixture
def traffic(tmp_path: Path) -> Path:
    simulated, folder = tmp_path / "simulated", tmp_path / "audit"
    simulate(simulated, seed=11, scale="tiny")
    by_format: dict[str, list[Path]] = {}
    for path in log_files(simulated):
        by_format.setdefault(path.relative_to(simulated).parts[0], []).append(path)
    for paths in by_format.values():
        for path in paths[:FILES_PER_FORMAT]:
            target = folder / path.relative_to(simulated)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    hostile_traffic(folder)
    return folder


@pytest.fixture
def restores_log_level() -> Iterator[None]:
    level = logger.log_level
    try:
        yield
    finally:
        logger.setLevel(level)


def test_no_log_line_holds_a_prompt_a_source_ip_or_a_credential(
    localstack: Any, traffic: Path, restores_log_level: None, capfd: pytest.CaptureFixture[str]
) -> None:
    prompts, ips = private_texts(traffic)
    assert len(prompts) > 100 and len(ips) > 20  # the audit has something to find
    # Given the pipeline on the emulator, its handlers logging at DEBUG
    with local_pipeline(stack_name="dg-logs-audit") as (_, pipeline), faults.captured_logs() as records:
        logger.setLevel("DEBUG")  # the local runner sets the template's level, quieter, when it starts
        # When the traffic is replayed
        dropped = pipeline.drop(traffic)
        # (one more object is announced and deleted before it is read: its failure is logged as an error)
        s3, gone = localstack.boto3.client("s3"), f"{pipeline.deployment.raw_prefix}gateway/2026/02/03/08/gone.jsonl"
        s3.put_object(Bucket=pipeline.deployment.bucket, Key=gone, Body=gateway_line(200).encode())
        s3.delete_object(Bucket=pipeline.deployment.bucket, Key=gone)
        pipeline.run()
        summary = pipeline.summary(0.0)
    printed = capfd.readouterr()
    lines = [json.dumps(record) for record in records] + (printed.out + printed.err).splitlines()
    # Then the stages ran and logged what they did, failures included
    assert dropped == len(log_files(traffic)) and summary.records_quarantined >= 5
    messages = {record["message"] for record in records}
    assert {"validated", "classified"} <= messages
    assert any(record["level"] == "ERROR" and gone in json.dumps(record) for record in records)
    # And no line holds a fragment of a prompt, a source IP or anything shaped like a credential
    leaks = [
        (found, line[:200])
        for line in lines
        for found in [*(p for p in prompts if p in line), *(ip for ip in ips if ip in line)]
        + CREDENTIAL_SHAPES.findall(line)
    ]
    assert leaks == []
