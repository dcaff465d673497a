"""Scoped suppressions honoured by correlation: a suppressed look-alike no longer counts towards a cluster, the
real cluster next to it still does; a suppressed finding goes quiet until it closes; every change is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from distillguard.adapters.memory import MemorySuppressionStore, StateConflict
from distillguard.correlation.incidents import NotificationRules
from distillguard.correlation.service import Correlator
from distillguard.findings import PublishedFinding
from distillguard.records import Verdict
from distillguard.suppression import AuditEntry, Scope, Suppression, expiry_from, suppress, unsuppress
from tests.unit.correlation_scenarios import START, Run, Traffic, objects_of, verdict

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
NAT = "198.51.0.0/24"  # the hydra's first egress network, also the company's office NAT


def nat_company(traffic: Traffic, accounts: int = 4, hours: int = 12) -> list[str]:
    """A company behind the hydra's /24 whose cron job (one system prompt, misread as harvesting) fires in the
    same minutes as the hydra's bursts: the look-alike that the content rule cannot keep out."""
    names = [f"nat-corp-{i}" for i in range(accounts)]
    for hour in range(0, hours, 2):
        for index, name in enumerate(names):
            for shot in range(2):
                at = START + timedelta(hours=hour, minutes=17, seconds=20 * shot + index)
                traffic.add(
                    verdict(name, at, "cot_harvesting", template="corp-system", ip=f"198.51.0.{200 + index}", line=shot)
                )
    return names


def correlator(run: Run, store: MemorySuppressionStore, at: datetime = NOW) -> Correlator:
    return Correlator(
        run.evidence, run.incidents, run.publisher, run.rules, NotificationRules(), timedelta(0), store, lambda: at
    )


def correlate(verdicts: list[Verdict], store: MemorySuppressionStore, *, at: datetime = NOW) -> list[PublishedFinding]:
    run = Run()
    run.aggregate(objects_of(verdicts))
    correlator(run, store, at).run(flush=True)
    return run.findings


def flagged(findings: list[PublishedFinding]) -> set[str]:
    return {member for finding in findings if finding.activity != "close" for member in finding.members}


def suppress_for(store: MemorySuppressionStore, kind: str, value: str, days: int = 30) -> Suppression:
    return suppress(
        store,
        Scope(kind=kind, value=value),  # type: ignore[arg-type]
        reason="benign look-alike, reviewed",
        author="analyst@example.com",
        expires=NOW + timedelta(days=days),
        now=NOW,
    )


def test_suppressing_a_nat_company_removes_it_from_the_finding_and_the_hydra_next_to_it_still_fires() -> None:
    # Given a hydra and a company behind one of its /24s whose misread cron job fires in the hydra's minutes
    traffic = Traffic()
    hydra = traffic.hydra(10)
    company = nat_company(traffic)
    unsuppressed = correlate(traffic.verdicts, MemorySuppressionStore())
    assert set(company) <= flagged(unsuppressed)  # the false positive to remove
    # When the analyst suppresses the company's accounts
    store = MemorySuppressionStore()
    for account in company:
        suppress_for(store, "account", account)
    findings = correlate(traffic.verdicts, store)
    # Then no finding names them, and the hydra is still one campaign with every member
    assert flagged(findings) == set(hydra)
    assert len({finding.uid for finding in findings}) == 1
    assert {"shared_templates", "synchronised_bursts"} <= set(findings[-1].evidence["signals"])


def test_a_suppressed_network_links_no_one_and_the_cluster_still_groups_on_its_other_signals() -> None:
    # Given a hydra on three /24s
    traffic = Traffic()
    hydra = traffic.hydra(10)
    store = MemorySuppressionStore()
    # When all three are suppressed (say, a cloud provider's egress the analyst judged too broad to link by)
    for network in ("198.51.0.7", "198.51.1.0/24", "198.51.2.0/24"):
        suppress_for(store, "network", network)
    findings = correlate(traffic.verdicts, store)
    # Then the hydra is still found through its templates and bursts, but not through shared networks
    assert flagged(findings) == set(hydra)
    assert "shared_networks" not in findings[-1].evidence["signals"]
    assert "shared_networks" in correlate(traffic.verdicts, MemorySuppressionStore())[-1].evidence["signals"]


def test_a_suppressed_fingerprint_is_no_scaffold() -> None:
    # Given a hydra of 30 (ten per /24) whose three templates are suppressed (a public SDK's system prompt, say)
    traffic = Traffic()
    hydra = traffic.hydra(30)
    store = MemorySuppressionStore()
    for index in range(3):
        suppress_for(store, "fingerprint", f"hydra-template-{index}")
    findings = correlate(traffic.verdicts, store)
    # Then it still links through networks and bursts, and shows no shared templates
    assert flagged(findings) == set(hydra)
    assert not any("shared_templates" in finding.evidence["signals"] for finding in findings)


def test_a_suppressed_finding_publishes_no_more_updates_and_its_close_names_the_suppression() -> None:
    # Given a hydra first seen with 10 members, then grown to 20, then quiet for more than 72 hours
    first, later = Traffic(), Traffic()
    first.hydra(10, hours=4)
    later.hydra(20, hours=8)
    grown = [v.model_copy(update={"timestamp": v.timestamp + timedelta(hours=6)}) for v in later.verdicts]
    quiet = [verdict("user-x", START + timedelta(hours=130), "ordinary", template="t", ip="203.0.113.5")]
    unsuppressed = correlate(first.verdicts + grown + quiet, MemorySuppressionStore())
    uid = unsuppressed[0].uid
    activities = [f.activity for f in unsuppressed if f.uid == uid]
    assert activities[0] == "create" and "update" in activities and activities[-1] == "close"  # unsuppressed
    # When the analyst suppresses the finding after its first publication
    store = MemorySuppressionStore()
    suppression = suppress_for(store, "finding", uid)
    run = Run()
    run.aggregate(objects_of(first.verdicts))
    correlator(run, MemorySuppressionStore()).run()
    assert [f.activity for f in run.findings] == ["create"]
    run.aggregate(objects_of(grown + quiet))
    correlator(run, store).run(flush=True)
    # Then only its create and its close went out; the close carries the suppression; the incident kept growing
    findings = run.findings
    assert [f.activity for f in findings if f.uid == uid] == ["create", "close"]
    close = json.loads(findings[-1].message)
    assert close["unmapped"]["distillguard"]["suppression"]["reason"] == suppression.reason
    assert len(run.incidents.incidents[uid].members) == 20


def test_an_expired_suppression_is_ignored() -> None:
    # Given the company's accounts suppressed for one day
    traffic = Traffic()
    traffic.hydra(10)
    company = nat_company(traffic)
    store = MemorySuppressionStore()
    for account in company:
        suppress_for(store, "account", account, days=1)
    # When the correlator runs two days later
    findings = correlate(traffic.verdicts, store, at=NOW + timedelta(days=2))
    # Then the suppression no longer applies
    assert set(company) <= flagged(findings)


def test_every_change_is_audited_with_the_suppression_before_and_after() -> None:
    # Given a suppression that is renewed and then lifted
    store = MemorySuppressionStore()
    scope = Scope(kind="account", value="nat-corp-0")
    first = suppress_for(store, "account", "nat-corp-0", days=7)
    renewed = suppress(store, scope, reason="still benign", author="lead", expires=NOW + timedelta(days=60), now=NOW)
    unsuppress(store, scope, reason="account sold", author="lead", now=NOW + timedelta(days=1))
    # Then the audit names who did what, with the state before and after each change
    audit = store.audit()
    assert [(e.action, e.author, e.before, e.after) for e in audit] == [
        ("suppress", "analyst@example.com", None, first),
        ("suppress", "lead", first, renewed),
        ("unsuppress", "lead", renewed, None),
    ]
    assert store.all() == []
    with pytest.raises(LookupError):
        unsuppress(store, scope, reason="again", author="lead", now=NOW)


def test_a_change_based_on_a_stale_read_is_refused() -> None:
    store = MemorySuppressionStore()
    first = suppress_for(store, "account", "a-1")
    suppress_for(store, "account", "a-1", days=10)
    stale = AuditEntry(at=NOW, author="x", action="unsuppress", scope=first.scope, reason="stale", before=first)
    with pytest.raises(StateConflict):
        store.change(stale)


def test_scopes_are_normalised_and_bounded() -> None:
    # An address names its /24 or /64, as evidence stores networks; other prefix lengths are refused
    assert Scope(kind="network", value="192.0.2.77").value == "192.0.2.0/24"
    assert Scope(kind="network", value="2001:db8::1").value == "2001:db8::/64"
    with pytest.raises(ValidationError):
        Scope(kind="network", value="10.0.0.0/16")
    with pytest.raises(ValidationError):
        Scope(kind="finding", value="not-an-id")
    # Expiry: required, in the future, at most 90 days
    assert expiry_from("30d", NOW) == NOW + timedelta(days=30)
    assert expiry_from("12h", NOW) == NOW + timedelta(hours=12)
    assert expiry_from("2026-12-31T00:00:00Z", NOW) == datetime(2026, 12, 31, tzinfo=UTC)
    with pytest.raises(ValidationError):
        suppress_for(MemorySuppressionStore(), "account", "a-1", days=91)
    with pytest.raises(ValidationError):
        suppress_for(MemorySuppressionStore(), "account", "a-1", days=0)
