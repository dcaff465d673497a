"""How an evidence item is stored: compressed against a preset dictionary, read back exactly, and refused whole
when its stream is cut short."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import pytest

from distillguard.adapters.dynamodb import decode_evidence, encode_evidence
from distillguard.correlation.evidence import HourEvidence

HOUR = datetime(2026, 2, 3, 17, tzinfo=UTC)


def harvesting_item() -> HourEvidence:
    """One account-hour as aggregation builds it for a hydra member: two requests, one of them harvesting."""
    return HourEvidence(
        account="acct-afb8c761",
        hour=HOUR,
        source="7a46d9947cf0ac73",
        batch_key="verdicts/batches/2026/02/03/08/abd1fac90aed29da93e0.jsonl.gz",
        sources={"3b701a603f932ccf": "5ad23f68"},
        prompts=2,
        by_label={"cot_harvesting": 1, "agentic_extraction": 0, "ordinary": 1},
        score_sums={"cot_harvesting": 0.9981, "agentic_extraction": 0.0004, "ordinary": 1.0015},
        models={"claude-haiku-4-5": 2},
        fingerprints={"7ddaa9a79ac8fde2": 1, "805c5bdf284c4491": 1, "o23b9a9694dc42e9": 1, "ode7b36ec188b9e3": 1},
        suspicious_fingerprints={"805c5bdf284c4491": 1, "ode7b36ec188b9e3": 1},
        suspicious_models={"claude-haiku-4-5": 1},
        networks={"91.113.108.0/24": 1},
        user_agents={"python-httpx/0.27.2": 1},
        minutes=1 << 39,
        first_seen=HOUR.replace(minute=39, second=48),
        last_seen=HOUR.replace(minute=39, second=48),
        sample_requests=["0d13b4e3-fd34-4181-96b2-15e517461635"],
        examples={"805c5bdf284c4491": "[system]\n<SPAN>\n\n[user]\nSolve for x: 0x + 0 = 0."},
        skeleton_sketch=[4849339777477753066],
    )


def test_an_item_reads_back_exactly_as_it_was_written() -> None:
    # Given a harvesting account-hour / When stored and read back / Then nothing of it changed
    item = harvesting_item()
    assert decode_evidence({"B": encode_evidence(item)}) == item


def test_the_preset_dictionary_takes_a_fifth_or_more_off_the_bytes_dynamodb_bills() -> None:
    # Given the same item compressed as the previous version did (zlib alone) and as it is stored now
    item = harvesting_item()
    alone = zlib.compress(item.model_dump_json(exclude_defaults=True).encode())
    # When their sizes are compared / Then the stored one is at least 20% smaller (reads are billed per 4 KB)
    assert len(encode_evidence(item)) <= 0.8 * len(alone)


def test_a_stream_cut_short_is_refused_instead_of_read_as_part_of_an_item() -> None:
    # Given a stored item's bytes with the end missing / When read / Then it is an error, not a smaller item
    stream = encode_evidence(harvesting_item())
    with pytest.raises(ValueError, match="truncated"):
        decode_evidence({"B": stream[: len(stream) // 2]})
