"""The DynamoDB suppression store on the emulator: the contract of the in-memory one, in the template's table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from distillguard.adapters.clients import client
from distillguard.adapters.memory import StateConflict
from distillguard.adapters.suppressions import DynamoSuppressionStore
from distillguard.cli import main
from distillguard.local.pipeline import local_pipeline
from distillguard.suppression import ActiveSuppressions, AuditEntry, Scope, Suppression, suppress, unsuppress

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def store(endpoint: object) -> Iterator[DynamoSuppressionStore]:
    with local_pipeline(stack_name="dg-suppress") as (_, running):
        yield DynamoSuppressionStore(client("dynamodb"), running.deployment.table)


def test_suppressions_are_stored_audited_and_read_back_as_the_correlator_reads_them(
    store: DynamoSuppressionStore,
) -> None:
    # Given a network suppressed, an account suppressed then renewed, and a finding suppressed then lifted
    network = suppress(
        store,
        Scope(kind="network", value="192.0.2.40"),
        reason="office NAT",
        author="ana",
        expires=NOW + timedelta(days=30),
        now=NOW,
    )
    account = Scope(kind="account", value="corp-01")
    first = suppress(store, account, reason="pipeline", author="ana", expires=NOW + timedelta(days=1), now=NOW)
    renewed = suppress(
        store,
        account,
        reason="pipeline, reviewed",
        author="bo",
        expires=NOW + timedelta(days=60),
        now=NOW + timedelta(hours=1),
    )
    finding = Scope(kind="finding", value="dg-0123456789abcdef")
    suppress(store, finding, reason="duplicate", author="ana", expires=NOW + timedelta(days=7), now=NOW)
    unsuppress(store, finding, reason="not a duplicate", author="bo", now=NOW + timedelta(hours=2))
    # Then the table holds the two live suppressions, the correlator sees them, and the audit tells the story
    assert {s.scope.key for s in store.all()} == {"network#192.0.2.0/24", "account#corp-01"}
    assert store.get(account) == renewed and store.get(network.scope) == network
    active = ActiveSuppressions.of(store.all(), NOW + timedelta(days=31))
    assert active.accounts == {"corp-01"} and active.networks == frozenset()  # the network's lapsed by then
    assert [(e.action, e.author, e.before, e.after) for e in store.audit() if e.scope == account] == [
        ("suppress", "ana", None, first),
        ("suppress", "bo", first, renewed),
    ]
    assert [e.action for e in store.audit() if e.scope == finding] == ["suppress", "unsuppress"]


def test_a_change_based_on_a_stale_read_is_refused_and_leaves_no_audit(store: DynamoSuppressionStore) -> None:
    scope = Scope(kind="fingerprint", value="t-abc")
    first = suppress(store, scope, reason="sdk prompt", author="ana", expires=NOW + timedelta(days=3), now=NOW)
    suppress(store, scope, reason="sdk prompt", author="bo", expires=NOW + timedelta(days=9), now=NOW)
    with pytest.raises(StateConflict):
        store.change(AuditEntry(at=NOW, author="cy", action="unsuppress", scope=scope, reason="stale", before=first))
    assert len([e for e in store.audit() if e.scope == scope]) == 2 and store.get(scope) is not None


def test_the_cli_suppresses_lists_and_lifts_through_the_table(
    store: DynamoSuppressionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the table named as the functions name it, and boto3 pointed at the endpoint by AWS_ENDPOINT_URL
    table = ["--table", store.table]
    # When an analyst suppresses a network by one of its addresses, lists, then lifts it
    assert (
        main(
            ["suppress", "--network", "203.0.113.9", "--reason", "campus", "--author", "ana", "--expires", "7d", *table]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["suppressions", "--jsonl", *table]) == 0
    listed = [Suppression.model_validate_json(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["unsuppress", "--network", "203.0.113.0/24", "--reason", "done", "--author", "bo", *table]) == 0
    assert main(["unsuppress", "--network", "203.0.113.0/24", "--reason", "again", "--author", "bo", *table]) == 1
    capsys.readouterr()
    assert main(["suppressions", "--audit", *table]) == 0
    audit = capsys.readouterr().out
    # Then the listing held it as its /24, the audit shows both changes, and it is gone
    assert "network#203.0.113.0/24" in {s.scope.key for s in listed}
    assert "ana: suppress network 203.0.113.0/24" in audit and "bo: unsuppress network 203.0.113.0/24" in audit
    assert store.get(Scope(kind="network", value="203.0.113.0/24")) is None
