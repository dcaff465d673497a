"""Hostile and broken input that validation must quarantine, in realistic proportion (~0.5%)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Protocol

from distillguard.simulate.layout import LogFile, dumps, litellm_key
from distillguard.simulate.model import BrokenKind
from distillguard.simulate.render import SimRecord, bedrock_line, gateway_line, litellm_payload

BROKEN_SHARE = 0.005
KINDS: tuple[BrokenKind, ...] = ("truncated_json", "missing_account", "non_utf8", "out_of_partition_timestamp")


class RecordFactory(Protocol):
    """Makes a throwaway record for a channel, timed inside the file's hour when a file is given."""

    def __call__(self, rng: random.Random, channel: str, log: LogFile | None) -> SimRecord: ...


def broken_count(n_records: int) -> int:
    return max(len(KINDS), round(n_records * BROKEN_SHARE)) if n_records else 0


def _render(record: SimRecord, log: LogFile, rng: random.Random) -> dict[str, object]:
    return gateway_line(record) if log.channel == "gateway" else bedrock_line(record, rng)


def _line(kind: BrokenKind, record: SimRecord, log: LogFile, rng: random.Random) -> bytes:
    if kind == "out_of_partition_timestamp":
        # A replayed or clock-skewed record: event time days away from the hour its key says.
        skew = timedelta(days=rng.choice((-400, -30, -2, 3, 9)), minutes=rng.randint(0, 59))
        return dumps(_render(replace(record, timestamp=record.timestamp + skew), log, rng))
    obj = _render(record, log, rng)
    if kind == "missing_account":
        obj.pop("account_id" if log.channel == "gateway" else "requestMetadata")
        if log.channel == "bedrock":
            obj.pop("identity")
        return dumps(obj)
    line = dumps(obj)
    if kind == "truncated_json":  # a writer died mid-line: any proper prefix of a JSON object is invalid
        return line[: rng.randint(len(line) // 5, len(line) * 9 // 10)]
    # non_utf8: a client sent Latin-1 bytes that were logged verbatim
    for marker in (b'"content":"', b'"text":"'):
        at = line.find(marker)
        if at >= 0:
            at += len(marker)
            return line[:at] + b"caf\xe9 cr\xe8me \xff" + line[at:]
    return b"\xff\xfe" + line


def inject(
    rng: random.Random,
    files: list[LogFile],
    make_record: RecordFactory,
    n_broken: int,
    litellm: dict[str, bytes] | None,
) -> Counter[BrokenKind]:
    """Insert `n_broken` hostile lines into random line-oriented files; with LiteLLM traffic present, one
    truncated object becomes a file of its own."""
    counts: Counter[BrokenKind] = Counter()
    for i in range(n_broken):
        kind = KINDS[i % len(KINDS)] if i < len(KINDS) else rng.choice(KINDS)
        counts[kind] += 1
        if kind == "truncated_json" and litellm is not None and i == 0:
            record = make_record(rng, "litellm", None)
            text = dumps(litellm_payload(record, rng))
            litellm[litellm_key(record.timestamp, record.request_id)] = text[: len(text) // 2]
            continue
        # Bedrock falls back to the caller's IAM identity when requestMetadata is missing, so a record with no
        # customer only exists in the gateway's own log.
        candidates = [f for f in files if f.channel == "gateway"] if kind == "missing_account" else files
        log = rng.choice(candidates or files)
        record = make_record(rng, log.channel, log)
        log.lines.insert(rng.randint(0, len(log.lines)), _line(kind, record, log, rng))
    return counts


def is_valid_json(line: bytes) -> bool:
    try:
        json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return True
