"""Items DynamoDB leaves unprocessed are re-sent after a growing, jittered delay, and not for ever.

The client is a real botocore DynamoDB client in botocore's adaptive retry mode; only its transport is replaced
(a `before-send` hook answers each request as DynamoDB would, with HTTP 200 and `UnprocessedItems`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from distillguard.adapters.dynamodb_batch import Backoff, UnprocessedItemsRemain, put_all

TABLE = "state"


class _Body:
    def __init__(self, content: bytes):
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


class PartlyApplyingDynamoDB:
    """Answers BatchWriteItem like a throttled table: the first `refusals` requests leave their last item
    unprocessed; every request it applies is stored, and every request is counted."""

    def __init__(self, refusals: int):
        self.refusals = refusals
        self.requests: list[list[dict[str, Any]]] = []
        self.stored: dict[tuple[str, str], dict[str, Any]] = {}
        session = botocore.session.Session()
        self.client = session.create_client(
            "dynamodb",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # nosec B106  # a fake key: the client never connects
            config=Config(retries={"mode": "adaptive", "max_attempts": 8}),
        )
        self.client.meta.events.register("before-send.dynamodb.BatchWriteItem", self._answer)

    def _answer(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        assert request.body is not None
        sent = json.loads(request.body)["RequestItems"][TABLE]
        self.requests.append(sent)
        refused = sent[-1:] if len(self.requests) <= self.refusals else []
        for write in sent[: len(sent) - len(refused)]:
            item = write["PutRequest"]["Item"]
            self.stored[(item["pk"]["S"], item["sk"]["S"])] = item
        body = json.dumps({"UnprocessedItems": {TABLE: refused} if refused else {}}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "test"}
        return AWSResponse(request.url, 200, headers, _Body(body))  # type: ignore[arg-type]


def item(pk: str, sk: str, value: str = "v") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "value": {"S": value}}


def recording_backoff(slept: list[float], jitter: float = 1.0, rounds: int = 8) -> Backoff:
    return Backoff(base_seconds=0.05, cap_seconds=5.0, rounds=rounds, sleep=slept.append, jitter=lambda: jitter)


def test_items_left_unprocessed_twice_are_resent_after_growing_delays_and_all_stored() -> None:
    # Given a table that leaves one item unprocessed on each of its first two requests
    table = PartlyApplyingDynamoDB(refusals=2)
    slept: list[float] = []
    # When three items are written
    put_all(table.client, TABLE, [item("p", "a"), item("p", "b"), item("p", "c")], recording_backoff(slept))
    # Then botocore's adaptive mode sent each request once (a 200 with UnprocessedItems is not an error to it),
    # the unprocessed item was re-sent twice, after 50 ms and then 100 ms, and every item is stored
    assert [len(sent) for sent in table.requests] == [3, 1, 1]
    assert slept == [0.05, 0.1]
    assert sorted(table.stored) == [("p", "a"), ("p", "b"), ("p", "c")]


def test_the_delay_is_jittered_below_its_exponential_bound_and_capped() -> None:
    # Given the default base and cap with a jitter of one half
    backoff = recording_backoff([], jitter=0.5)
    # Then each delay is half its bound, the bound doubling each round until the 5 s cap
    assert [backoff.delay(n) for n in range(9)] == [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2.5, 2.5]


def test_a_table_that_never_applies_an_item_fails_the_write_after_the_last_resend() -> None:
    # Given a table that leaves an item unprocessed on every request
    table = PartlyApplyingDynamoDB(refusals=10**6)
    slept: list[float] = []
    # When an item is written with four re-sends allowed, Then the write fails, so the queue retries the message
    with pytest.raises(UnprocessedItemsRemain, match="1 items still unprocessed"):
        put_all(table.client, TABLE, [item("p", "a")], recording_backoff(slept, rounds=4))
    # after one request and four re-sends, having waited at most 0.75 s in all
    assert len(table.requests) == 5
    assert slept == [0.05, 0.1, 0.2, 0.4]


def test_writes_go_25_per_request_and_the_last_item_for_a_key_wins() -> None:
    # Given 60 items, two of them for the same key
    table = PartlyApplyingDynamoDB(refusals=0)
    items = [item("p", f"{n:02d}") for n in range(59)] + [item("p", "07", value="newer")]
    # When they are written
    put_all(table.client, TABLE, items, recording_backoff([]))
    # Then three requests of at most 25 hold 59 distinct keys, and the later item for the repeated key is stored
    assert [len(sent) for sent in table.requests] == [25, 25, 9]
    assert len(table.stored) == 59 and table.stored[("p", "07")]["value"] == {"S": "newer"}
