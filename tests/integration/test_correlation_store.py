"""The DynamoDB adapters of correlation on the emulator: the same behaviour as the in-memory ports, inside
DynamoDB's limits (every request here passes the limits hook)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from distillguard.adapters.clients import client
from distillguard.adapters.dynamodb import DynamoEvidenceStore, DynamoIncidentStore, decode_evidence
from distillguard.adapters.dynamodb_limits import DynamoDBLimitExceeded
from distillguard.adapters.memory import MemoryPublisher
from distillguard.aggregation.service import record_evidence
from distillguard.correlation.detect import DetectionRules
from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.incidents import NotificationRules
from distillguard.correlation.service import Correlator
from distillguard.findings import PublishedFinding
from distillguard.local.pipeline import LocalPipeline, local_pipeline
from distillguard.records import Verdict
from tests.unit.correlation_scenarios import Run, Traffic, objects_of
from tests.verdict_objects import HOUR

pytestmark = pytest.mark.integration


@pytest.fixture
def pipeline(endpoint: object) -> Iterator[LocalPipeline]:
    with local_pipeline(stack_name="dg-corr") as (_, running):
        yield running


def stores(pipeline: LocalPipeline) -> tuple[DynamoEvidenceStore, DynamoIncidentStore]:
    dynamodb, table = client("dynamodb"), pipeline.deployment.table
    return (
        DynamoEvidenceStore(dynamodb, table, shards=4, retention=timedelta(days=14)),
        DynamoIncidentStore(dynamodb, table, retention=timedelta(days=30)),
    )


def correlate(pipeline: LocalPipeline, publisher: MemoryPublisher) -> list[PublishedFinding]:
    evidence, incidents = stores(pipeline)
    Correlator(evidence, incidents, publisher, DetectionRules(), NotificationRules(), timedelta(0)).run(flush=True)
    return [PublishedFinding.from_message(entry.message) for entry in publisher.messages]


def correlate_in_memory(objects: dict[str, list[Verdict]]) -> list[PublishedFinding]:
    in_memory = Run()
    in_memory.aggregate(objects)
    in_memory.correlate()
    return in_memory.findings


def test_the_dynamodb_stores_give_the_findings_of_the_in_memory_ones(pipeline: LocalPipeline) -> None:
    # Given a hydra and a swarm among ordinary users, aggregated into DynamoDB and into memory
    traffic = Traffic()
    traffic.hydra(10)
    traffic.swarm(8)
    traffic.ordinary_users(20)
    objects = objects_of(traffic.verdicts)
    evidence, _ = stores(pipeline)
    record_evidence(objects, evidence)
    expected = correlate_in_memory(objects)
    # When the correlator runs over the table
    findings = correlate(pipeline, MemoryPublisher())
    # Then the findings are the same messages, and a second run publishes nothing new
    assert [f.message for f in findings] == [f.message for f in expected]
    again = MemoryPublisher()
    assert correlate(pipeline, again) == [] and again.messages == []


def test_a_campaign_of_1200_accounts_is_stored_in_bounded_items(pipeline: LocalPipeline) -> None:
    # Given a hydra of 1,200 accounts (members are stored 500 per item, evidence over 4 shards per hour)
    traffic = Traffic()
    members = traffic.hydra(1200, hours=4)
    evidence, incidents = stores(pipeline)
    record_evidence(objects_of(traffic.verdicts, per_object=400), evidence)
    # When correlated
    findings = correlate(pipeline, MemoryPublisher())
    # Then one incident names every member, and reading it back from the table gives all 1,200
    assert {f.uid for f in findings} == {findings[0].uid}
    assert findings[-1].members_total == 1200 and set(findings[-1].members) == set(members)
    stored = incidents.open_incidents()[findings[0].uid]
    assert stored.members == set(members)


def test_a_second_correlator_cannot_commit_an_hour_already_committed(pipeline: LocalPipeline) -> None:
    traffic = Traffic()
    traffic.hydra(6, hours=2)
    evidence, incidents = stores(pipeline)
    record_evidence(objects_of(traffic.verdicts), evidence)
    stale = incidents.state()
    correlate(pipeline, MemoryPublisher())
    # When a run that read the state before the first committed tries to commit the same hour
    moved = incidents.state()
    with pytest.raises(ClientError) as refused:
        incidents.commit(stale.next_hour or moved.next_hour, stale, moved, [], [])  # type: ignore[arg-type]
    # Then DynamoDB refuses it: hours are committed once, in order
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_requests_beyond_dynamodb_limits_are_refused_on_the_emulator_too(pipeline: LocalPipeline) -> None:
    put: dict[str, Any] = {"PutRequest": {"Item": {"pk": {"S": "x"}, "sk": {"S": "y"}}}}
    with pytest.raises(DynamoDBLimitExceeded):
        client("dynamodb").batch_write_item(RequestItems={pipeline.deployment.table: [put] * 26})


def test_evidence_written_by_earlier_versions_as_json_text_or_compressed_without_the_dictionary_still_counts(
    pipeline: LocalPipeline,
) -> None:
    # Given a hydra's evidence, a third stored as the first version stored it (a JSON string) and a third as the
    # next one did (zlib without the preset dictionary)
    traffic = Traffic()
    traffic.hydra(10)
    objects = objects_of(traffic.verdicts)
    evidence, _ = stores(pipeline)
    record_evidence(objects, evidence)
    expected = correlate_in_memory(objects)
    dynamodb, table = client("dynamodb"), pipeline.deployment.table
    stored = [item for item in dynamodb.scan(TableName=table, ConsistentRead=True)["Items"] if "evidence" in item]
    for n, item in enumerate(stored):
        text = decode_evidence(item["evidence"]).model_dump_json(exclude_defaults=True)
        if n % 3 == 0:
            item["evidence"] = {"S": text}
        elif n % 3 == 1:
            item["evidence"] = {"B": zlib.compress(text.encode())}
        else:
            continue
        dynamodb.put_item(TableName=table, Item=item)
    # When the upgraded correlator reads the table
    findings = correlate(pipeline, MemoryPublisher())
    # Then every kind of item counts: the findings are those of the in-memory run
    raws = [raw["evidence"] for raw in dynamodb.scan(TableName=table)["Items"] if "evidence" in raw]
    assert {next(iter(raw)) for raw in raws} == {"S", "B"}
    assert sum(1 for raw in raws if "B" in raw and _without_dictionary(raw["B"])) == len(stored[1::3])
    assert [f.message for f in findings] == [f.message for f in expected]


def _without_dictionary(stream: bytes) -> bool:
    try:
        zlib.decompress(stream)
    except zlib.error:
        return False
    return True


def test_each_cell_read_back_holds_exactly_its_own_items_however_crowded_its_partition(pipeline: LocalPipeline) -> None:
    # Given one hour of evidence from 60 accounts in one partition, two batches each, and an account whose id
    # starts with another's and its separator ("acct-000#eu")
    evidence = DynamoEvidenceStore(client("dynamodb"), pipeline.deployment.table, shards=1, retention=timedelta(days=1))
    accounts = [f"acct-{i:03d}" for i in range(60)] + ["acct-000#eu"]
    evidence.put([HourEvidence(account=a, hour=HOUR, source=f"{b:016x}", prompts=1) for a in accounts for b in (1, 2)])
    # When the cells of the first and the last account are read (122 items lie between them: more than one range
    # query reads for two cells), with one of an account without evidence
    crowded = evidence.existing([(HOUR, "acct-000"), (HOUR, "acct-059"), (HOUR, "acct-999")])
    # And the cells of 30 neighbouring accounts (the range between them holds only theirs)
    neighbours = evidence.existing([(HOUR, f"acct-{i:03d}") for i in range(10, 40)])
    # Then every cell holds its two items, and no other account's
    sources = [f"{1:016x}", f"{2:016x}"]
    assert {cell: sorted(i.source for i in items) for cell, items in crowded.items()} == {
        (HOUR, "acct-000"): sources,
        (HOUR, "acct-059"): sources,
    }
    assert {cell: sorted(i.source for i in items) for cell, items in neighbours.items()} == {
        (HOUR, f"acct-{i:03d}"): sources for i in range(10, 40)
    }
    assert all(item.account == cell[1] for cell, items in {**crowded, **neighbours}.items() for item in items)
