"""Evidence, incidents, the outbox and the correlator's state in one DynamoDB table (generic pk/sk keys).

    pk                              sk                          what
    EVIDENCE#<hour>#<shard>         <account>#<batch digest>    one verdict object's evidence on one account-hour
    CORRELATOR                      WATERMARK                   first hour and latest event time aggregated
    CORRELATOR                      STATE                       next hour to correlate, models first seen
    INCIDENTS                       <incident uid>              an incident's head (status, evidence, severity)
    INCIDENT#<uid>                  MEMBERS#<n>                 its member accounts, 500 per item
    OUTBOX                          <hour>#<uid>#<revision>     a finding committed but not yet published

Evidence is spread over `shards` partitions per hour by account hash, so a 20,000-account campaign writing in
one hour does not funnel into one partition. Writes of evidence are plain puts keyed by their verdict object: a
redelivered object overwrites its own items; raw objects carried twice are resolved by aggregation, which reads
a cell's items before writing (`existing`). An item's evidence is zlib-compressed JSON (a binary attribute):
DynamoDB bills writes per KB and reads per 4 KB, and compression takes most items under one write unit (`make
cost` measures it). The compressor starts from a preset dictionary of the evidence's field names and key shapes
(`EVIDENCE_DICTIONARY`), which a lone item cannot amortise: it takes another 29% off the stored bytes. Items written
by earlier versions (compressed without it, or as a JSON string) are still read. Every request stays
inside DynamoDB's limits (see `dynamodb_limits`)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from distillguard.adapters.dynamodb_batch import put_all
from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.incidents import Incident
from distillguard.correlation.service import CorrelatorState, OutboxEntry, Watermark

MEMBERS_PER_ITEM = 500
QUERY_THREADS = 8  # under botocore's default pool of 10 connections
RANGE_ITEMS_PER_CELL = 4
TRANSACTION_ACTIONS = 100
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _av(value: Any) -> dict[str, Any]:
    serialized: dict[str, Any] = dict(_serializer.serialize(value))
    return serialized


def _plain(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()}


def shard_of(account: str, shards: int) -> int:
    return int.from_bytes(hashlib.blake2b(account.encode(), digest_size=4).digest(), "big") % shards


def evidence_pk(hour: datetime, shard: int) -> str:
    return f"EVIDENCE#{hour.isoformat()}#{shard:03d}"


def account_keys(account: str) -> tuple[str, str]:
    """The first and last sort key an account's evidence can take in a partition (`<account>#<batch digest>`)."""
    return f"{account}#", f"{account}#\U0010ffff"


def partition_accounts(cells: Iterable[tuple[datetime, str]], shards: int) -> dict[tuple[datetime, int], list[str]]:
    """The cells' accounts in each partition (hour and shard), sorted: what one range query of `existing` spans."""
    accounts: dict[tuple[datetime, int], set[str]] = defaultdict(set)
    for hour, account in cells:
        accounts[(hour, shard_of(account, shards))].add(account)
    return {partition: sorted(names) for partition, names in accounts.items()}


def unreached(accounts: Iterable[str], read_up_to: str) -> list[str]:
    """The accounts whose keys a range query that stopped at sort key `read_up_to` may not have read to the end."""
    return [account for account in accounts if account_keys(account)[1] >= read_up_to]


def range_read_limit(accounts: int) -> int:
    """Items one range query over a partition's cells reads at most: `RANGE_ITEMS_PER_CELL` per cell. Up to that,
    reading the other accounts' items between them costs less than a query per cell (1 read unit each, however
    small the items); past it, the accounts not reached are read one by one, so a busy partition costs at most
    that much more than per-cell queries."""
    return RANGE_ITEMS_PER_CELL * accounts


# What every item's JSON repeats: field names, label keys, key and time shapes. Stored items name it (zlib puts the
# dictionary's Adler-32 in each stream's header), so these bytes never change: a new dictionary needs a new name,
# and `decode_evidence` must keep reading the streams of this one.
EVIDENCE_DICTIONARY = (
    b'"examples":{"skeleton_sketch":["toolsets":["distinct_toolsets":"agentic_with_toolset":'
    b'"unlogged":"suspicious_fingerprints":{"suspicious_models":{"networks":{".0/24":1},"user_agents":{"python-'
    b'"minutes":"first_seen":"2026-01-01T00:00:00.000000Z","last_seen":"2026-01-01T00:00:00.000000Z",'
    b'"sample_requests":["-4","[system]\\n[user]\\n<SPAN>'
    b'{"account":"acct-","hour":"2026-01-01T00:00:00Z","source":"","batch_key":"verdicts/batches/2026/01/01/00/'
    b'.jsonl.gz","sources":{"":""},"prompts":1,"by_label":{"cot_harvesting":0,"agentic_extraction":0,"ordinary":1},'
    b'"score_sums":{"cot_harvesting":0.0,"agentic_extraction":0.0,"ordinary":1.0},"models":{"":1},"fingerprints":{"o'
)


def encode_evidence(item: HourEvidence) -> bytes:
    compressor = zlib.compressobj(zdict=EVIDENCE_DICTIONARY)
    return compressor.compress(item.model_dump_json(exclude_defaults=True).encode()) + compressor.flush()


def decode_evidence(attribute: dict[str, Any]) -> HourEvidence:
    """An item's `evidence` attribute: compressed JSON (B; with the preset dictionary, or without it as earlier
    versions wrote it: zlib uses the dictionary only for streams that name it), or a JSON string (S)."""
    if "B" in attribute:
        decompressor = zlib.decompressobj(zdict=EVIDENCE_DICTIONARY)
        text = decompressor.decompress(attribute["B"]) + decompressor.flush()
        if not decompressor.eof:
            raise ValueError("evidence item: the compressed stream is truncated")
        return HourEvidence.model_validate_json(text)
    return HourEvidence.model_validate_json(attribute["S"])


def _query_all(client: Any, **request: Any) -> Iterable[dict[str, Any]]:
    paginator = client.get_paginator("query")
    for page in paginator.paginate(**request):
        yield from page["Items"]


@dataclass(frozen=True)
class DynamoEvidenceStore:
    client: Any
    table: str
    shards: int
    retention: timedelta

    def put(self, items: Sequence[HourEvidence]) -> None:
        """Writes evidence items (25 per batch request; unprocessed items are re-sent with backoff)."""
        put_all(
            self.client,
            self.table,
            (
                {
                    "pk": _av(evidence_pk(item.hour, shard_of(item.account, self.shards))),
                    "sk": _av(f"{item.account}#{item.source}"),
                    "evidence": {"B": encode_evidence(item)},
                    "expires_at": _av(int((item.hour + self.retention).timestamp())),
                }
                for item in items
            ),
        )

    def existing(self, cells: Sequence[tuple[datetime, str]]) -> dict[tuple[datetime, str], list[HourEvidence]]:
        """The items stored for each (hour, account), strongly consistent, a few partitions at a time: the cells of
        one partition (hour and shard) in one range query from their first account to their last
        (`range_read_limit` items at most), and one query per cell for the accounts that range did not reach."""
        by_partition = partition_accounts(cells, self.shards)

        def read(partition: tuple[datetime, int]) -> list[HourEvidence]:
            return self._partition_cells(*partition, by_partition[partition])

        wanted = set(cells)
        found: dict[tuple[datetime, str], list[HourEvidence]] = {}
        with ThreadPoolExecutor(QUERY_THREADS) as pool:
            for items in pool.map(read, by_partition):
                for item in items:
                    if (item.hour, item.account) in wanted:
                        found.setdefault((item.hour, item.account), []).append(item)
        return found

    def _partition_cells(self, hour: datetime, shard: int, accounts: list[str]) -> list[HourEvidence]:
        pk = _av(evidence_pk(hour, shard))
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": pk,
                ":first": _av(account_keys(accounts[0])[0]),
                ":last": _av(account_keys(accounts[-1])[1]),
            },
            ConsistentRead=True,
            Limit=range_read_limit(len(accounts)),
        )
        items = [decode_evidence(raw["evidence"]) for raw in response["Items"]]
        if "LastEvaluatedKey" not in response:
            return items
        # The range holds more items than the limit (other accounts' evidence between these): what it read to the
        # end is kept, and each account it did not read to the end is queried by itself.
        left = unreached(accounts, response["LastEvaluatedKey"]["sk"]["S"])
        kept = [item for item in items if item.account not in left]
        for account in left:
            kept += self._cell(pk, account)
        return kept

    def _cell(self, pk: dict[str, Any], account: str) -> list[HourEvidence]:
        first, last = account_keys(account)
        found = (
            decode_evidence(raw["evidence"])
            for raw in _query_all(
                self.client,
                TableName=self.table,
                KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
                ExpressionAttributeValues={":pk": pk, ":first": _av(first), ":last": _av(last)},
                ConsistentRead=True,
            )
        )
        return [item for item in found if item.account == account]  # account "a#b"'s keys sort inside account "a"'s

    def advance_watermark(self, first_hour: datetime, latest: datetime) -> None:
        """Moves the watermark's first hour back and its latest event time forward (each only if it moves)."""
        key = {"pk": _av("CORRELATOR"), "sk": _av("WATERMARK")}
        for attribute, value, comparison in (("first_hour", first_hour, ">"), ("latest", latest, "<")):
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=key,
                    UpdateExpression="SET #a = :v",
                    ConditionExpression=f"attribute_not_exists(#a) OR #a {comparison} :v",
                    ExpressionAttributeNames={"#a": attribute},
                    ExpressionAttributeValues={":v": _av(value.isoformat())},
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise

    def watermark(self) -> Watermark | None:
        response = self.client.get_item(
            TableName=self.table, Key={"pk": _av("CORRELATOR"), "sk": _av("WATERMARK")}, ConsistentRead=True
        )
        item = _plain(response.get("Item", {}))
        if "latest" not in item or "first_hour" not in item:
            return None
        return Watermark(first_hour=item["first_hour"], latest=item["latest"])

    def hour(self, hour: datetime, *, settled: bool = False) -> list[HourEvidence]:
        """The hour's items, its shards read a few at a time and returned in shard order."""

        def shard_items(shard: int) -> list[HourEvidence]:
            return [
                decode_evidence(raw["evidence"])
                for raw in _query_all(
                    self.client,
                    TableName=self.table,
                    KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": _av(evidence_pk(hour, shard))},
                    ConsistentRead=not settled,  # a settled hour: eventually consistent, half the read units
                )
            ]

        with ThreadPoolExecutor(QUERY_THREADS) as pool:
            return [item for items in pool.map(shard_items, range(self.shards)) for item in items]


def _head_item(incident: Incident, expires_at: int) -> dict[str, Any]:
    head = incident.model_dump_json(exclude={"members", "member_reasons"})
    return {
        "pk": _av("INCIDENTS"),
        "sk": _av(incident.uid),
        "status": _av(incident.status),
        "incident": _av(head),
        "member_items": _av(-(-len(incident.members) // MEMBERS_PER_ITEM)),
        "expires_at": _av(expires_at),
    }


@dataclass(frozen=True)
class DynamoIncidentStore:
    client: Any
    table: str
    retention: timedelta

    def state(self) -> CorrelatorState:
        response = self.client.get_item(
            TableName=self.table, Key={"pk": _av("CORRELATOR"), "sk": _av("STATE")}, ConsistentRead=True
        )
        if "Item" not in response:
            return CorrelatorState()
        return CorrelatorState.model_validate_json(response["Item"]["state"]["S"])

    def open_incidents(self) -> dict[str, Incident]:
        incidents: dict[str, Incident] = {}
        for raw in _query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            FilterExpression="#status = :open",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":pk": _av("INCIDENTS"), ":open": _av("open")},
            ConsistentRead=True,
        ):
            incident = Incident.model_validate_json(raw["incident"]["S"])
            reasons = self._members(incident.uid, int(raw["member_items"]["N"]))
            incident.members = set(reasons)
            incident.member_reasons = reasons
            incidents[incident.uid] = incident
        return incidents

    def _members(self, uid: str, items: int) -> dict[str, str]:
        reasons: dict[str, str] = {}
        for raw in _query_all(
            self.client,
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _av(f"INCIDENT#{uid}")},
            ConsistentRead=True,
        ):
            if int(raw["sk"]["S"].removeprefix("MEMBERS#")) < items:
                reasons.update(json.loads(raw["members"]["S"]))
        return reasons

    def commit(
        self,
        hour: datetime,
        expected: CorrelatorState,
        state: CorrelatorState,
        incidents: Sequence[Incident],
        outbox: Sequence[OutboxEntry],
    ) -> None:
        expires_at = int((hour + self.retention).timestamp())
        member_items = []
        for incident in incidents:
            members = sorted(incident.members)
            for index in range(0, len(members), MEMBERS_PER_ITEM):
                chunk = {
                    account: incident.member_reasons.get(account, "")
                    for account in members[index : index + MEMBERS_PER_ITEM]
                }
                member_items.append(
                    {
                        "pk": _av(f"INCIDENT#{incident.uid}"),
                        "sk": _av(f"MEMBERS#{index // MEMBERS_PER_ITEM:05d}"),
                        "members": _av(json.dumps(chunk, sort_keys=True)),
                        "expires_at": _av(expires_at),
                    }
                )
        put_all(self.client, self.table, member_items)
        heads = [{"Put": {"TableName": self.table, "Item": _head_item(i, expires_at)}} for i in incidents]
        puts = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        "pk": _av("OUTBOX"),
                        "sk": _av(entry.key),
                        "entry": _av(entry.model_dump_json()),
                        "expires_at": _av(expires_at),
                    },
                }
            }
            for entry in outbox
        ] + heads
        if expected.next_hour is None:
            condition, values = "attribute_not_exists(#state)", {}
        else:
            condition, values = "next_hour = :expected", {":expected": _av(expected.next_hour.isoformat())}
        assert state.next_hour is not None
        advance = {
            "Put": {
                "TableName": self.table,
                "Item": {
                    "pk": _av("CORRELATOR"),
                    "sk": _av("STATE"),
                    "state": _av(state.model_dump_json()),
                    "next_hour": _av(state.next_hour.isoformat()),
                },
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#state": "state"} if not values else None,
                "ExpressionAttributeValues": values or None,
            }
        }
        advance["Put"] = {name: value for name, value in advance["Put"].items() if value is not None}
        # More than 99 changes in one hour do not fit one transaction with the state: the first ones go ahead
        # on their own. A crash between those transactions repeats the hour over the incidents already
        # written, which can add one revision to them (never a lost finding: the outbox is written first).
        room = TRANSACTION_ACTIONS - 1
        while len(puts) > room:
            self.client.transact_write_items(TransactItems=puts[:TRANSACTION_ACTIONS])
            puts = puts[TRANSACTION_ACTIONS:]
        self.client.transact_write_items(TransactItems=[*puts, advance])

    def outbox(self) -> list[OutboxEntry]:
        return [
            OutboxEntry.model_validate_json(raw["entry"]["S"])
            for raw in _query_all(
                self.client,
                TableName=self.table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": _av("OUTBOX")},
                ConsistentRead=True,
            )
        ]

    def acknowledge(self, entry: OutboxEntry) -> None:
        self.client.delete_item(TableName=self.table, Key={"pk": _av("OUTBOX"), "sk": _av(entry.key)})
