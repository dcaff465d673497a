"""The whole path on the emulator: simulated log drops in three formats -> validate -> classify -> aggregate
-> SNS, through the `distillguard replay` interface that evaluation uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distillguard.aggregation.alerts import AlertMessage
from distillguard.cli import main
from distillguard.local.emulator import Endpoint
from distillguard.simulate import GroundTruth, simulate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    folder = tmp_path_factory.mktemp("traffic")
    return folder, simulate(folder, seed=5, scale="tiny")


def test_replay_alerts_on_attackers_only_and_every_record_is_accounted_for(
    endpoint: Endpoint, traffic: tuple[Path, GroundTruth], tmp_path: Path
) -> None:
    folder, truth = traffic
    alerts_out, summary_out = tmp_path / "alerts.jsonl", tmp_path / "summary.json"
    # When the folder is replayed through the pipeline
    code = main(["replay", str(folder), "--alerts-out", str(alerts_out), "--summary-out", str(summary_out)])
    # Then nothing is lost: lines in = valid + quarantined, every valid record is classified, nothing dead-lettered
    summary = json.loads(summary_out.read_text())
    assert code == 0
    assert summary["records_total"] == truth.n_records + truth.n_broken
    assert summary["records_total"] == summary["records_valid"] + summary["records_quarantined"]
    assert summary["records_quarantined"] >= truth.n_broken - truth.broken_by_kind.get("out_of_partition", 0)
    assert summary["prompts_classified"] == summary["records_valid"] == sum(summary["by_label"].values())
    assert summary["dead_lettered_messages"] == 0
    # And alerts name attackers only, from both clusters, once per (account, category) and severity step
    alerts = [AlertMessage.model_validate_json(line) for line in alerts_out.read_text().splitlines()]
    assert summary["alerts"] == len(alerts) > 0
    attackers = truth.attackers
    alerted = {alert.customer_account for alert in alerts}
    assert alerted <= attackers, f"benign accounts alerted: {alerted - attackers}"
    kinds = {truth.accounts[account].kind for account in alerted}
    assert {"cot_harvester", "agentic_harvester"} <= kinds
    steps = [(alert.alert_id, alert.severity) for alert in alerts]
    assert len(steps) == len(set(steps)), "an alert was repeated at the same severity"
    for alert in alerts:
        assert alert.account_ids == [alert.customer_account]
        expected = "cot_harvester" if alert.category == "cot_harvesting" else "agentic_harvester"
        assert truth.accounts[alert.customer_account].kind == expected


def test_replay_under_a_custom_raw_prefix_keeps_the_interface(endpoint: Endpoint, tmp_path: Path) -> None:
    # Given a small simulated folder and a raw-log prefix like a Bedrock logging configuration's
    folder = tmp_path / "logs"
    truth = simulate(folder, seed=9, scale="tiny")
    alerts_out, summary_out = tmp_path / "alerts.jsonl", tmp_path / "summary.json"
    # When replayed under that prefix (given without its trailing slash)
    code = main(
        ["replay", str(folder), "--alerts-out", str(alerts_out), "--summary-out", str(summary_out)]
        + ["--raw-prefix", "bedrock-logs"]
    )
    # Then every record still arrives and the summary keeps its documented keys
    summary = json.loads(summary_out.read_text())
    assert code == 0
    assert summary["records_total"] == truth.n_records + truth.n_broken
    assert {"records_total", "records_valid", "records_quarantined", "prompts_classified", "by_label", "alerts"} <= set(
        summary
    )
    assert summary["alerts"] == len(alerts_out.read_text().splitlines())
