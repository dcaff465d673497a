"""The whole path on the emulator: simulated log drops in three formats -> validate -> classify -> aggregate ->
correlate -> SNS, through the `distillguard replay` and `distillguard evaluate` interfaces."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from distillguard.cli import main
from distillguard.correlation.detect import DetectionRules
from distillguard.evaluation import Truth, evaluate
from distillguard.findings import PublishedFinding
from distillguard.local.emulator import Endpoint
from distillguard.local.pipeline import log_files
from distillguard.simulate import GroundTruth, simulate

pytestmark = pytest.mark.integration


# A team whose LiteLLM proxy has message logging turned off: its requests carry no prompt.
BLIND_TEAM = "team-initech-ml"
BLIND_REQUESTS = 30
REDACTED = Path(__file__).parents[1] / "events" / "formats" / "litellm_redacted.json"


def add_redacted_litellm_objects(folder: Path, start: datetime) -> None:
    """One object per request, as LiteLLM's S3 logger writes them, from the documented redacted payload."""
    payload = json.loads(REDACTED.read_text())
    for index in range(BLIND_REQUESTS):
        at = start + timedelta(hours=1 + index // 3, minutes=7 * (index % 3))
        record = payload | {"id": f"chatcmpl-redacted-{index:03d}", "startTime": at.timestamp()}
        path = folder / "litellm" / f"{at:%Y-%m-%d}" / f"{at:%H-%M-%S}_redacted-{index:03d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=4))


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    folder = tmp_path_factory.mktemp("traffic")
    truth = simulate(folder, seed=5, scale="tiny")
    add_redacted_litellm_objects(folder, datetime.fromisoformat(truth.start))
    return folder, truth


def test_replay_finds_the_campaigns_names_attackers_only_and_accounts_for_every_record(
    endpoint: Endpoint, traffic: tuple[Path, GroundTruth], tmp_path: Path
) -> None:
    folder, truth = traffic
    findings_out, summary_out = tmp_path / "findings.jsonl", tmp_path / "summary.json"
    # When the folder is replayed through the pipeline on the emulator
    code = main(
        ["replay", str(folder), "--emulator", "--findings-out", str(findings_out), "--summary-out", str(summary_out)]
    )
    # Then nothing is lost: every line is valid, quarantined, redacted or skipped; nothing dead-lettered
    summary = json.loads(summary_out.read_text())
    assert code == 0
    assert summary["records_total"] == truth.n_records + truth.n_broken + BLIND_REQUESTS
    assert summary["records_redacted"] == BLIND_REQUESTS
    assert summary["mostly_redacted_accounts"] == {BLIND_TEAM: 1.0}
    assert summary["records_total"] == (
        summary["records_valid"]
        + summary["records_quarantined"]
        + summary.get("records_redacted", 0)
        + summary.get("records_skipped", 0)
    )
    assert summary["prompts_classified"] == summary["records_valid"] == sum(summary["by_label"].values())
    assert summary["dead_lettered_messages"] == 0
    # And the findings are OCSF Detection Findings that name attackers only, one incident per campaign
    lines = findings_out.read_text().splitlines()
    assert summary["findings"] == len(lines) > 0
    for line in lines:
        assert DetectionFinding.model_validate_json(line).class_uid == 2004
    findings = [PublishedFinding.from_message(line) for line in lines]
    flagged = {m for f in findings if f.about_harvesting for m in f.members}
    assert flagged <= truth.attackers, f"benign accounts flagged: {flagged - truth.attackers}"
    # And the team whose prompts are not logged is named in one coverage finding, where the product is blind
    blind = [f for f in findings if not f.about_harvesting]
    assert {f.uid for f in blind} == {blind[0].uid} and blind[0].members == [BLIND_TEAM]
    assert blind[0].activity == "create" and blind[0].severity == "Low"
    assert (
        DetectionRules().coverage_min_unlogged <= blind[0].evidence["unlogged_requests"]["requests"] <= BLIND_REQUESTS
    )
    scored = evaluate(Truth.model_validate_json(truth.model_dump_json()), findings)
    by_population = {score.population: score for score in scored.clusters}
    assert by_population["hydra_cot"].detected and by_population["agentic_swarm"].detected
    assert all(score.findings <= 2 for score in scored.clusters)
    # And the in-process engine (replay's default, on two processes) gives the same findings and the same summary
    engine_findings, engine_summary = tmp_path / "engine-findings.jsonl", tmp_path / "engine-summary.json"
    command = ["replay", str(folder), "--workers", "2", "--findings-out", str(engine_findings)]
    assert main([*command, "--summary-out", str(engine_summary)]) == 0
    in_process = [PublishedFinding.from_message(line) for line in engine_findings.read_text().splitlines()]
    assert [(f.uid, f.revision, f.activity, f.members, f.severity) for f in in_process] == [
        (f.uid, f.revision, f.activity, f.members, f.severity) for f in findings
    ]
    engine = json.loads(engine_summary.read_text())
    assert {k: v for k, v in engine.items() if k != "elapsed_seconds"} == {
        k: v for k, v in summary.items() if k != "elapsed_seconds"
    }
    # And evaluate reads the replay's output as a user would run it
    report = tmp_path / "evaluation.json"
    truth_file = folder / "_ground_truth.json"
    assert main(["evaluate", "--truth", str(truth_file), "--alerts", str(findings_out), "--json-out", str(report)]) == 0
    assert json.loads(report.read_text())["attacker_recall"] == scored.attacker_recall


def test_replay_under_a_custom_raw_prefix_keeps_the_interface(
    endpoint: Endpoint, traffic: tuple[Path, GroundTruth], tmp_path: Path
) -> None:
    # Given a few of the simulated files and a raw-log prefix like a Bedrock logging configuration's
    source, _ = traffic
    folder = tmp_path / "logs"
    for path in log_files(source)[:20]:
        target = folder / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    findings_out, summary_out = tmp_path / "findings.jsonl", tmp_path / "summary.json"
    # When replayed under that prefix (given without its trailing slash)
    code = main(
        ["replay", str(folder), "--emulator", "--findings-out", str(findings_out), "--summary-out", str(summary_out)]
        + ["--raw-prefix", "bedrock-logs"]
    )
    # Then every object arrives and the summary keeps its documented keys
    summary = json.loads(summary_out.read_text())
    assert code == 0
    assert summary["objects"] == 20
    assert {"records_total", "records_valid", "records_quarantined", "prompts_classified", "by_label"} <= set(summary)
    assert summary["findings"] == len(findings_out.read_text().splitlines())
