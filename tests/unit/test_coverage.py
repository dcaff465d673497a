"""Where the product is blind: requests whose prompt the logs do not carry reach the evidence, the accounts made
mostly of them get one coverage finding, and an attack's members say how much of their traffic was unseen."""

from __future__ import annotations

import json
from datetime import timedelta

from distillguard.adapters.securityhub import ATTACK_TYPE, COVERAGE_TYPE, asff_finding
from distillguard.correlation.detect import MAX_UNLOGGED_MEMBERS, DetectionRules, coverage
from distillguard.correlation.finding import MAX_LISTED_MEMBERS, detection_finding, finding_json
from distillguard.correlation.incidents import NotificationRules, reconcile
from distillguard.correlation.profile import AccountProfile
from distillguard.evaluation import Truth, TruthAccount, evaluate
from distillguard.findings import PublishedFinding
from distillguard.records import LABELS
from tests.unit.correlation_scenarios import START, Traffic, objects_of, run_all, unlogged_verdict, verdict


def test_accounts_whose_prompts_are_not_logged_get_one_low_severity_coverage_finding() -> None:
    # Given two teams with message logging off, a user with a couple of redacted requests, and a hydra campaign
    traffic = Traffic()
    blind = [traffic.logging_off("team-dark-1"), traffic.logging_off("team-dark-2", per_hour=2)]
    users = traffic.ordinary_users(3)
    traffic.add(unlogged_verdict(users[0], START + timedelta(minutes=5)))
    hydra = traffic.hydra(12)

    # When the traffic is aggregated and correlated
    run = run_all(traffic)
    coverage = [finding for finding in run.findings if finding.kind == "coverage"]
    attacks = [finding for finding in run.findings if finding.kind != "coverage"]

    # Then one coverage incident, at Low severity, opens on the first team to pass 20 unlogged requests and its
    # last revision names exactly the blind teams with their unlogged counts
    assert len({finding.uid for finding in coverage}) == 1
    first, last = coverage[0], coverage[-1]
    assert (first.activity, first.severity, first.members) == ("create", "Low", ["team-dark-1"])
    assert (last.activity, last.severity, sorted(last.members)) == ("update", "Low", sorted(blind))
    assert last.category == "prompts_not_logged" and not last.about_harvesting
    assert last.evidence["unlogged_requests"] == {
        "requests": 72,
        "by_member": {"team-dark-1": 48, "team-dark-2": 24},
    }
    assert "requests logged without a prompt (100%)" in last.message  # each member's reason
    assert "ATLAS" not in last.message  # no attack technique is claimed
    assert "logged without a prompt" in last.headline()
    # And the campaign is still one harvesting incident of its own, and no one else is named anywhere
    assert {member for finding in attacks for member in finding.members} == set(hydra)
    # And scoring against ground truth does not count the coverage finding as flagging anyone
    truth = Truth(
        accounts={account: TruthAccount(role="attacker", cluster="hydra") for account in hydra}
        | {account: TruthAccount(role="benign") for account in [*blind, *users]}
    )
    assert evaluate(truth, run.findings).benign_flagged == 0


def test_a_campaign_member_with_unlogged_requests_says_so_and_stays_in_its_own_incident() -> None:
    # Given a hydra one of whose members also sends many requests that its gateway logs without a prompt
    traffic = Traffic()
    hydra = traffic.hydra(10)
    for shot in range(30):
        traffic.add(unlogged_verdict(hydra[0], START + timedelta(minutes=2 * shot), line=100 + shot))

    # When it is correlated
    run = run_all(traffic)

    # Then the campaign's finding names the member's unlogged requests in its evidence and on the member itself
    attack = next(f for f in run.findings if f.kind == "cluster" and hydra[0] in f.members)
    assert attack.evidence["unlogged_requests"]["by_member"] == {hydra[0]: 30}
    resource = next(r for r in json.loads(attack.message)["resources"] if r["uid"] == hydra[0])
    assert resource["data"]["unlogged_requests"] == 30
    # And the member, mostly unseen, is also in a coverage incident that never merges with the campaign
    coverage = [f for f in run.findings if f.kind == "coverage"]
    assert [f.members for f in coverage] == [[hydra[0]]]
    assert coverage[0].uid != attack.uid
    assert all(f.activity != "close" for f in run.findings)


def test_unlogged_requests_are_counted_once_and_never_as_classified_prompts() -> None:
    # Given a logging-off team and an ordinary user, their log objects aggregated, then again all in one batch
    traffic = Traffic()
    traffic.logging_off("team-dark", hours=2)
    traffic.add(verdict("user-1", START + timedelta(minutes=3), "ordinary", template="t", ip="203.0.113.9"))
    run = run_all(traffic)
    objects = objects_of(traffic.verdicts)
    run.aggregate({"verdicts/rebatched.jsonl.gz": [item for items in objects.values() for item in items]})

    # Then the evidence counts each unlogged request once, apart from the classified prompts
    items = list(run.evidence.items.values())
    dark = [item for item in items if item.account == "team-dark"]
    assert sum(item.unlogged for item in dark) == 8
    assert sum(item.prompts for item in dark) == 0
    assert all(sum(item.by_label[label] for label in LABELS) == 0 for item in dark)
    assert sum(item.prompts for item in items if item.account == "user-1") == 1


def test_a_coverage_finding_for_thousands_of_blind_accounts_fits_in_one_sns_message() -> None:
    # Given a gateway that logs no prompts for 5,000 accounts with long ids
    profiles: dict[str, AccountProfile] = {}
    for index in range(5_000):
        account = f"arn:aws:iam::111122223333:role/tenant-{index:05d}-inference-gateway"
        profile = profiles[account] = AccountProfile(account, prompts=1, unlogged=100 + index)
        profile.unlogged_hours.add(START)
    detection = coverage(profiles, DetectionRules())
    assert detection is not None
    incidents, _ = reconcile([detection], {}, START + timedelta(hours=1), NotificationRules())

    # When its finding is published
    message = finding_json(detection_finding(incidents[0], "create"))

    # Then it fits in SNS, lists as many members as fit (fewer than for short ids), and counts them all
    assert len(message.encode()) < 256 * 1024
    finding = PublishedFinding.from_message(message)
    assert finding.members_total == 5_000 and MAX_LISTED_MEMBERS // 4 <= len(finding.members) < MAX_LISTED_MEMBERS
    assert finding.evidence["unlogged_requests"]["requests"] == sum(100 + index for index in range(5_000))
    assert len(finding.evidence["unlogged_requests"]["by_member"]) == MAX_UNLOGGED_MEMBERS


def test_security_hub_receives_a_coverage_finding_as_a_configuration_gap_not_an_attack() -> None:
    traffic = Traffic()
    traffic.logging_off("team-dark")
    hydra = traffic.hydra(8)
    run = run_all(traffic)
    imported = {
        tuple(sorted(f.members)): asff_finding(f.message, product_arn="arn:aws:securityhub:::product/x", account_id="1")
        for f in run.findings
    }
    coverage_gap = imported[("team-dark",)]
    assert coverage_gap["Types"] == [COVERAGE_TYPE] and coverage_gap["Severity"] == {"Label": "LOW"}
    assert imported[tuple(sorted(hydra))]["Types"] == [ATTACK_TYPE]
