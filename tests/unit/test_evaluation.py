"""`distillguard evaluate`: the figures a reader of the README relies on, computed as documented."""

from __future__ import annotations

from datetime import timedelta

from distillguard.evaluation import Truth, TruthAccount, TruthCluster, evaluate
from tests.unit.correlation_scenarios import START, Traffic, run_all


def test_recall_false_positives_latency_and_findings_per_incident_are_measured_per_cluster() -> None:
    # Given a hydra of 10 and 20 ordinary users, and a ground truth that also calls two ordinary users attackers
    traffic = Traffic()
    hydra = traffic.hydra(10)
    users = traffic.ordinary_users(20)
    findings = run_all(traffic).findings
    accounts = {a: TruthAccount(role="attacker", population="hydra_cot", records=12, first_seen=START) for a in hydra}
    accounts |= {u: TruthAccount(role="benign", population="general_user", records=12) for u in users}
    accounts[users[0]] = TruthAccount(
        role="attacker", population="lone_bulk", records=100, first_seen=START + timedelta(hours=1)
    )
    clusters = {
        "hydra": TruthCluster(population="hydra_cot", members=hydra, first_request=START),
        "bulk": TruthCluster(population="lone_bulk", members=[users[0]], first_request=START + timedelta(hours=1)),
    }
    # When scored
    scored = evaluate(Truth(accounts=accounts, clusters=clusters), findings)
    # Then the hydra is found within two hours as one incident, the missed account lowers recall, and no benign
    # account is flagged
    hydra_score = next(c for c in scored.clusters if c.cluster == "hydra")
    assert hydra_score.detected and hydra_score.findings == 1 and hydra_score.first_finding_hours <= 2
    assert hydra_score.half_members_started_hours == 0  # every member's first request was at the start
    assert scored.attacker_recall == round(10 / 11, 4) and scored.benign_fpr == 0 and scored.precision == 1
    bulk = next(c for c in scored.clusters if c.cluster == "bulk")
    assert not bulk.detected and bulk.half_members_started_hours == 0  # counted from the cluster's first request
    assert not scored.goals["every_cluster_detected"] and scored.goals["benign_fpr<=0.1%"]
    assert scored.most_campaigns_in_one_incident == 1


def test_an_incident_naming_members_of_two_campaigns_is_counted_as_two() -> None:
    # Given two hydras that the truth calls two campaigns, firing in the same minutes from the same /24s
    traffic = Traffic()
    first, second = traffic.hydra(6, prefix="first"), traffic.hydra(6, prefix="second")
    findings = run_all(traffic).findings
    accounts = {a: TruthAccount(role="attacker", population="hydra_cot", records=12, first_seen=START) for a in first}
    accounts |= {a: TruthAccount(role="attacker", population="hydra_cot", records=12, first_seen=START) for a in second}
    clusters = {
        "first": TruthCluster(population="hydra_cot", members=first, first_request=START),
        "second": TruthCluster(population="hydra_cot", members=second, first_request=START),
    }
    # When scored
    scored = evaluate(Truth(accounts=accounts, clusters=clusters), findings)
    # Then the one incident that holds them both is reported as naming two campaigns
    assert scored.incidents == 1 and scored.attacker_recall == 1
    assert scored.most_campaigns_in_one_incident == 2
