"""Each raw record is counted once whatever the batching: the same raw objects carried by validate batches of
another composition, the same verdict object delivered twice, and a new version of an object replacing the old."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from distillguard.adapters.memory import MemoryEvidenceStore
from distillguard.aggregation.service import record_evidence
from distillguard.records import LABELS, Verdict

HOUR = datetime(2026, 2, 3, 8, tzinfo=UTC)


def requests(source: str, account: str, count: int, *, version: str = "v1", hour: int = 0) -> list[Verdict]:
    return [
        Verdict(
            request_id=f"{source}-{version}-{index}",
            timestamp=HOUR + timedelta(hours=hour, minutes=index),
            customer_account=account,
            source_format="litellm",
            source_key=source,
            source_version=version,
            line_number=index + 1,
            template_fingerprint=f"t{index}",
            label="cot_harvesting",
            scores={label: 0.9 if label == "cot_harvesting" else 0.05 for label in LABELS},
            model_version="test",
        )
        for index in range(count)
    ]


def counted(store: MemoryEvidenceStore) -> Counter[tuple[int, str]]:
    totals: Counter[tuple[int, str]] = Counter()
    for (hour, account, _), item in store.items.items():
        totals[(int((hour - HOUR).total_seconds()) // 3600, account)] += item.prompts
    return totals


def test_raw_objects_carried_again_in_batches_of_another_composition_are_counted_once() -> None:
    # Given one-request objects a, b, c of one account, validated and aggregated as one batch
    a, b, c, d = (requests(f"raw/litellm/{name}.json", "acct-1", 1) for name in "abcd")
    store = MemoryEvidenceStore()
    record_evidence({"verdicts/batch-1.jsonl.gz": a + b + c}, store)
    # When validate's messages come back after a crash and are batched as {a, b} and {c, d}
    first = record_evidence({"verdicts/batch-2.jsonl.gz": a + b}, store)
    second = record_evidence({"verdicts/batch-3.jsonl.gz": c + d}, store)
    # Then the account-hour holds four requests, not seven, and the reports say what was left out
    assert counted(store) == {(0, "acct-1"): 4}
    assert (first.already_counted, second.already_counted) == (2, 1)
    # And the first batch delivered once more still changes nothing
    record_evidence({"verdicts/batch-1.jsonl.gz": a + b + c}, store)
    assert counted(store) == {(0, "acct-1"): 4}


def test_two_verdict_objects_of_one_delivery_that_carry_the_same_raw_object_count_it_once() -> None:
    store = MemoryEvidenceStore()
    shared = requests("raw/litellm/shared.json", "acct-2", 3)
    record_evidence(
        {"verdicts/x.jsonl.gz": shared, "verdicts/y.jsonl.gz": shared + requests("raw/o.json", "acct-2", 2)}, store
    )
    assert counted(store) == {(0, "acct-2"): 5}


def test_a_new_version_of_a_raw_object_replaces_the_old_one_in_the_account_hours_it_holds() -> None:
    # Given batch 1 holding object k (version 1: acct-a 3 requests in hour 0, 2 in hour 1) and object m
    k_v1 = requests("raw/k.jsonl", "acct-a", 3) + requests("raw/k.jsonl", "acct-a", 2, hour=1)
    m = requests("raw/m.jsonl", "acct-a", 4)
    batches = {"verdicts/batch-1.jsonl.gz": k_v1 + m}
    store = MemoryEvidenceStore()
    record_evidence(batches, store)
    assert counted(store) == {(0, "acct-a"): 7, (1, "acct-a"): 2}
    # When k is overwritten (version 2: five requests in hour 0, one from acct-c in hour 2) and validated anew
    k_v2 = requests("raw/k.jsonl", "acct-a", 5, version="v2") + requests(
        "raw/k.jsonl", "acct-c", 1, version="v2", hour=2
    )
    report = record_evidence({"verdicts/batch-2.jsonl.gz": k_v2}, store, batches.__getitem__)
    # Then hour 0 holds m and k's new version, the hour only the old version held keeps its count, c is added
    assert counted(store) == {(0, "acct-a"): 9, (1, "acct-a"): 2, (2, "acct-c"): 1}
    assert report.replaced_items == 1


def test_a_new_version_whose_old_batch_cannot_be_read_fails_the_object_for_a_retry_instead_of_counting_twice() -> None:
    store = MemoryEvidenceStore()
    record_evidence({"verdicts/batch-1.jsonl.gz": requests("raw/k.jsonl", "acct-a", 3)}, store)
    report = record_evidence({"verdicts/batch-2.jsonl.gz": requests("raw/k.jsonl", "acct-a", 5, version="v2")}, store)
    assert list(report.failed_objects) == ["verdicts/batch-2.jsonl.gz"]
    assert "cannot be read again" in report.failed_objects["verdicts/batch-2.jsonl.gz"]
    assert counted(store) == {(0, "acct-a"): 3}


def test_evidence_read_back_from_the_store_is_a_copy_that_a_caller_cannot_corrupt() -> None:
    # Given an account-hour stored by one batch
    store = MemoryEvidenceStore()
    record_evidence({"verdicts/batch-1.jsonl.gz": requests("raw/litellm/a.json", "acct-1", 3)}, store)
    # When a caller changes what the store gave back
    (read,) = store.existing([(HOUR, "acct-1")])[(HOUR, "acct-1")]
    read.prompts += 100
    read.by_label["cot_harvesting"] = 0
    read.sources.clear()
    # Then the stored evidence still counts the three requests, and the next batch is judged against them
    assert counted(store) == {(0, "acct-1"): 3}
    again = record_evidence({"verdicts/batch-2.jsonl.gz": requests("raw/litellm/a.json", "acct-1", 3)}, store)
    assert again.already_counted == 1 and counted(store) == {(0, "acct-1"): 3}
