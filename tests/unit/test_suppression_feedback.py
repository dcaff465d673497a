"""False-positive feedback: a finding's members' prompts, redacted, as hard negatives in the corpus's schema."""

from __future__ import annotations

import ipaddress
import json
import shutil
from datetime import timedelta
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from distillguard.cli import main
from distillguard.jsonl import JsonlGzWriter
from distillguard.records import LABELS, CanonicalRecord
from distillguard.redaction import MAX_SAMPLE_CHARS, redact
from tests.unit.correlation_scenarios import START, Traffic, run_all

SECRETS = [
    "sk-proj-4f9XkQ2mZ8vL1nR7tY3wB6cD0eH5jA9s",
    "sk-ant-api03-Zx81Kq0pLm2Nv7Rt5Yw3Bc6Df9Gh4Jk1",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "xoxb-2048-1234567890-AbCdEfGhIjKlMnOp",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "c2VjcmV0LWtleS1mb3ItdGhlLWFwaS0xMjM0NTY3OA",
]


def test_no_email_ip_key_or_long_number_survives_redaction() -> None:
    # Given a prompt pasting a log excerpt full of identifiers and credentials
    text = (
        "[user]\nWhy does this fail? From jane.doe+ops@example.co.uk via 203.0.113.77 and "
        "2001:db8:85a3::8a2e:370:7334\n"
        + "\n".join(f"key {secret}" for secret in SECRETS)
        + "\nAuthorization: Bearer abc123def456ghi789\napi_key=hunter2hunter2\n"
        "card 4111 1111 1111 1111, phone 415-555-0100\n"
        "Solve 12 + 7 step by step; version 3.11; at 12:30."
    )
    # When redacted
    redacted = redact(text)
    # Then none of them is left, and the ordinary words and small numbers are
    for leaked in [*SECRETS, "jane.doe", "203.0.113.77", "2001:db8", "abc123def456", "hunter2", "4111", "555-0100"]:
        assert leaked not in redacted
    assert "Solve 12 + 7 step by step; version 3.11; at 12:30." in redacted
    assert redacted.count("[SECRET]") >= len(SECRETS) + 2


@settings(max_examples=60, deadline=None)
@given(
    st.emails(),
    st.ip_addresses(),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=20, max_size=40),
    st.text(max_size=200),
)
# A domain of eleven labels (found by hypothesis: the pattern once allowed at most ten).
@example("0@A.A.A.A.A.A.A.A.A.A.COM", ipaddress.IPv4Address("0.0.0.0"), "0" * 20, "")  # nosec B104
def test_generated_identifiers_never_survive(email: str, address: object, key_body: str, filler: str) -> None:
    key = "sk-" + key_body
    redacted = redact(f"{filler} write to {email} from {address}, key {key} {filler}", max_chars=10_000)
    assert email not in redacted and key not in redacted
    assert str(address) not in redacted


def test_samples_are_truncated() -> None:
    assert len(redact("word " * 2_000)) == MAX_SAMPLE_CHARS


def _record(account: str, line: int, prompt: str, template: str, hours: float = 1.0) -> CanonicalRecord:
    return CanonicalRecord(
        request_id=f"{account}-{line}",
        timestamp=START + timedelta(hours=hours, minutes=line % 60),
        customer_account=account,
        source_ip="198.51.0.9",
        source_format="gateway",
        source_key="raw/a.jsonl",
        line_number=line + 1,
        prompt=prompt,
        template_fingerprint=template,
    )


def test_a_false_positive_becomes_redacted_hard_negatives_in_the_corpus_schema(tmp_path: Path) -> None:
    # Given a finding about a hydra, and validated records of two members and one outsider (a folder of .jsonl.gz)
    traffic = Traffic()
    traffic.hydra(10)
    findings = run_all(traffic).findings
    uid = findings[0].uid
    (tmp_path / "findings.jsonl").write_text("".join(f.message + "\n" for f in findings))
    records = [
        _record("hydra-000", i, f"[user]\nInvoice {i} for ops@corp.example from 10.1.2.3, please total it", "tpl-a")
        for i in range(10)
    ]
    records += [_record("hydra-001", 1, "[user]\nSummarise key sk-live-0123456789abcdefABCDEF", "tpl-b")]
    records += [_record("outsider", 2, "[user]\nnot a member", "tpl-c")]
    records += [_record("hydra-001", 3, "[user]\nlong after the finding", "tpl-d", hours=400)]
    validated = tmp_path / "validated" / "2026" / "02" / "03"
    validated.mkdir(parents=True)
    with JsonlGzWriter() as writer:
        for record in records:
            writer.write(record)
        writer.close()
        shutil.copy(writer.path, validated / "part-0.jsonl.gz")
    # When the analyst marks the finding a false positive
    out = tmp_path / "hard_negatives.jsonl"
    code = main(
        [
            "false-positive",
            uid,
            "--findings",
            str(tmp_path / "findings.jsonl"),
            "--validated",
            str(tmp_path / "validated"),
            "--out",
            str(out),
        ]
    )
    # Then the members' prompts of the finding's span are written, redacted, labelled ordinary, a few per template
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert code == 0
    assert {row["template_fingerprint"] for row in rows} == {"tpl-a", "tpl-b"}
    assert sum(row["template_fingerprint"] == "tpl-a" for row in rows) == 3
    assert all(set(row) >= {"text", "label", "source", "license"} for row in rows)
    assert {row["label"] for row in rows} == {"ordinary"} and "ordinary" in LABELS
    assert {row["source"] for row in rows} == {f"feedback:{uid}"}
    text = "\n".join(row["text"] for row in rows)
    assert "ops@corp.example" not in text and "10.1.2.3" not in text and "sk-live" not in text
