"""BatchWriteItem with backoff between the re-sends of unprocessed items.

A BatchWriteItem that DynamoDB only partly applies answers HTTP 200 with `UnprocessedItems`: botocore's retry
modes (standard and adaptive alike) retry error responses only, so they never see it, and boto3's BatchWriter
re-sends the unprocessed items at once, which against a throttled partition only repeats the throttling.
DynamoDB's documentation asks for exponential backoff there; this waits a "full jitter" delay (uniform between
0 and base * 2**round, capped) before each re-send and gives up after `rounds` re-sends, so the caller's
message is retried by its queue instead of a Lambda spinning until its timeout."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

BATCH_WRITE_REQUESTS = 25


class UnprocessedItemsRemain(RuntimeError):
    """DynamoDB still left items unprocessed after every re-send allowed."""


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 0.05
    cap_seconds: float = 5.0
    rounds: int = 8
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random  # a delay's jitter, not a secret

    def delay(self, round_number: int) -> float:
        return self.jitter() * min(self.cap_seconds, self.base_seconds * 2**round_number)


DEFAULT_BACKOFF = Backoff()


def put_all(client: Any, table: str, items: Iterable[dict[str, Any]], backoff: Backoff = DEFAULT_BACKOFF) -> None:
    """Puts every item (wire-format attribute values), 25 per request; the last item for a (pk, sk) wins, as a
    batch may not hold one key twice."""
    by_key = {(item["pk"]["S"], item["sk"]["S"]): item for item in items}
    requests = [{"PutRequest": {"Item": item}} for item in by_key.values()]
    for start in range(0, len(requests), BATCH_WRITE_REQUESTS):
        _write(client, table, requests[start : start + BATCH_WRITE_REQUESTS], backoff)


def _write(client: Any, table: str, requests: list[dict[str, Any]], backoff: Backoff) -> None:
    for round_number in range(backoff.rounds + 1):
        if round_number:
            backoff.sleep(backoff.delay(round_number - 1))
        response = client.batch_write_item(RequestItems={table: requests})
        requests = (response.get("UnprocessedItems") or {}).get(table, [])
        if not requests:
            return
    raise UnprocessedItemsRemain(
        f"{len(requests)} items still unprocessed by table {table} after {backoff.rounds} re-sends with backoff"
    )
