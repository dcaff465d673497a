"""The traffic simulator: deterministic, laid out as the bucket receives logs, and faithful to its ground truth."""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines
from distillguard.records import CanonicalRecord, Label
from distillguard.simulate import GroundTruth, simulate
from distillguard.simulate.content import agent_apps, agentic, everyday, harvesting, problems
from distillguard.simulate.label_rates import label_rates

START = datetime(2026, 2, 3, 8, tzinfo=UTC)
HOURS = 6
CORPUS_DIR = Path("/work/shared/data/prompts")

BEDROCK_KEY = re.compile(
    r"^AWSLogs/(\d{12})/BedrockModelInvocationLogs/us-east-1/(\d{4})/(\d{2})/(\d{2})/(\d{2})/"
    r"\1_BedrockModelInvocationLogs_us-east-1_\2\3\4T\5\d{2}Z_[0-9a-f]{8}\.json\.gz$"
)
GATEWAY_KEY = re.compile(r"^gateway/\d{4}/\d{2}/\d{2}/(\d{2})/[0-9a-f-]{36}\.jsonl(\.gz)?$")
LITELLM_KEY = re.compile(r"^litellm/\d{4}-\d{2}-\d{2}/\d{2}-\d{2}-\d{2}_[0-9a-f-]{36}\.json$")


class Parsed:
    """Every log object of a simulation read back through the pipeline's own format readers."""

    def __init__(self, root: Path) -> None:
        self.records: list[tuple[str, CanonicalRecord]] = []
        self.rejected: Counter[str] = Counter()
        self.keys: list[str] = []
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith(("_", ".")):
                continue
            key = path.relative_to(root).as_posix()
            self.keys.append(key)
            with path.open("rb") as body:
                for raw in read_raw_lines(body):
                    if raw.error is not None or raw.data is None:
                        self.rejected[raw.error.reason if raw.error else "none"] += 1
                        continue
                    try:
                        record = parse_record(
                            raw.data, source_key=key, line_number=raw.line_number, settings=FormatSettings()
                        )
                    except RecordRejected as error:
                        self.rejected[error.reason] += 1
                        continue
                    self.records.append((key, record))


def partition_hour(key: str) -> datetime:
    """The hour a key's path names: .../YYYY/MM/DD/HH/ (Bedrock, gateway) or litellm/YYYY-MM-DD/HH-MM-SS_..."""
    parts = key.split("/")
    if key.startswith("litellm/"):
        return datetime.fromisoformat(f"{parts[1]}T{parts[2][:2]}:00:00+00:00")
    year, month, day, hour = (int(part) for part in parts[-5:-1])
    return datetime(year, month, day, hour, tzinfo=UTC)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def record_labels(root: Path) -> list[dict[str, Any]]:
    with gzip.open(root / "_records.jsonl.gz") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    root = tmp_path_factory.mktemp("sim")
    return root, simulate(root, seed=11)


@pytest.fixture(scope="module")
def parsed(run: tuple[Path, GroundTruth]) -> Parsed:
    return Parsed(run[0])


def test_same_seed_gives_byte_identical_output_and_another_seed_differs(tmp_path: Path) -> None:
    # Given three small runs, two with the same seed
    simulate(tmp_path / "a", seed=5, n_records=800, hours=2)
    simulate(tmp_path / "b", seed=5, n_records=800, hours=2)
    simulate(tmp_path / "c", seed=6, n_records=800, hours=2)
    # When their file trees are compared byte for byte
    a, b, c = tree(tmp_path / "a"), tree(tmp_path / "b"), tree(tmp_path / "c")
    # Then the same seed reproduces every object exactly, and another seed does not
    assert a == b
    assert a != c


def test_ground_truth_counts_add_up(run: tuple[Path, GroundTruth]) -> None:
    # Given a default-sized run
    root, truth = run
    # When its ground truth is read back from disk
    on_disk = GroundTruth.model_validate_json((root / "_ground_truth.json").read_text())
    # Then it matches what simulate returned and every count adds up to n_records
    assert on_disk == truth
    assert truth.n_records == 12_000
    assert sum(a.records for a in truth.accounts.values()) == truth.n_records
    assert sum(truth.records_by_label.values()) == truth.n_records
    assert sum(truth.records_by_channel.values()) == truth.n_records
    assert all(sum(a.records_by_label.values()) == a.records for a in truth.accounts.values())
    assert len(record_labels(root)) == truth.n_records
    assert truth.n_broken == sum(truth.broken_by_kind.values())


def test_benign_traffic_dominates_and_litellm_stays_a_minority(run: tuple[Path, GroundTruth]) -> None:
    # Given a default-sized run
    _, truth = run
    # When records are split by role and channel
    by_role = Counter({role: 0 for role in ("benign", "attacker")})
    for account in truth.accounts.values():
        by_role[account.role] += account.records
    # Then most traffic is benign, every channel is used, and LiteLLM (one object per file) stays small
    assert by_role["benign"] > 0.6 * truth.n_records
    assert all(count > 0 for count in truth.records_by_channel.values())
    assert truth.records_by_channel["litellm"] < 0.05 * truth.n_records


def test_object_keys_follow_each_log_layout_and_gzip_is_reproducible(run: tuple[Path, GroundTruth]) -> None:
    # Given the objects of a run (ground-truth files excluded)
    root, truth = run
    keys = [k for k in tree(root) if not k.startswith("_")]
    # When each key is matched against its format's layout
    unmatched = [k for k in keys if not (BEDROCK_KEY.match(k) or GATEWAY_KEY.match(k) or LITELLM_KEY.match(k))]
    # Then every key fits one layout, all three formats and both gateway encodings occur, and gzip has no mtime
    assert unmatched == []
    assert len(keys) == truth.files
    assert {k.split("/")[0] for k in keys} == {"AWSLogs", "gateway", "litellm"}
    assert any(k.endswith(".jsonl") for k in keys) and any(k.endswith(".jsonl.gz") for k in keys)
    for key in keys:
        if key.endswith(".gz"):
            assert (root / key).read_bytes()[4:8] == b"\0\0\0\0"


def test_every_valid_record_parses_inside_its_partition_hour(run: tuple[Path, GroundTruth], parsed: Parsed) -> None:
    # Given the run read back through the pipeline's format readers
    _, truth = run
    in_partition: list[tuple[str, CanonicalRecord]] = []
    outside: list[tuple[str, CanonicalRecord]] = []
    for key, record in parsed.records:
        same_hour = record.timestamp.replace(minute=0, second=0, microsecond=0) == partition_hour(key)
        (in_partition if same_hour else outside).append((key, record))
    # When valid records are compared with the ground truth
    per_account = Counter(r.customer_account for _, r in in_partition)
    # Then exactly n_records parse inside their partition hour and inside the run's window, attributed as truth says
    assert len(in_partition) == truth.n_records
    assert per_account == Counter({a: t.records for a, t in truth.accounts.items()})
    assert all(START <= r.timestamp < START + timedelta(hours=HOURS) for _, r in in_partition)
    # and the out-of-partition records parse but sit far from the hour their key names (validation's job)
    assert len(outside) == truth.broken_by_kind["out_of_partition_timestamp"]
    assert all(abs(r.timestamp - partition_hour(k)) > timedelta(hours=1) for k, r in outside)


def test_broken_lines_are_rejected_by_the_readers_in_realistic_proportion(
    run: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the run's ground truth about broken input
    _, truth = run
    kinds = truth.broken_by_kind
    # When the readers reject lines
    rejected = parsed.rejected
    # Then every kind occurs, the share is about 0.5%, and each unreadable line is rejected for its own reason
    assert set(kinds) == {"truncated_json", "missing_account", "non_utf8", "out_of_partition_timestamp"}
    assert 0.003 <= truth.n_broken / truth.n_records <= 0.01
    assert rejected == Counter(
        {
            "invalid_json": kinds["truncated_json"],
            "invalid_utf8": kinds["non_utf8"],
            "schema:account_id": kinds["missing_account"],
        }
    )


def test_hydra_cluster_members_share_hosting_client_and_cadence(run: tuple[Path, GroundTruth], parsed: Parsed) -> None:
    # Given the gateway records of each cluster's members
    _, truth = run
    clusters: dict[str, list[str]] = defaultdict(list)
    for account_id, account in truth.accounts.items():
        if account.cluster:
            clusters[account.cluster].append(account_id)
    by_account: dict[str, list[CanonicalRecord]] = defaultdict(list)
    for _, record in parsed.records:
        by_account[record.customer_account].append(record)
    assert set(clusters) == {"hydra-cot-1", "hydra-agent-1"}
    for members in clusters.values():
        assert 5 <= len(members) <= 10
        gateway = [m for m in members if truth.accounts[m].channel == "gateway"]
        # When their source networks, user agents and inter-arrival gaps are compared
        prefixes = {r.source_ip.rsplit(".", 1)[0] for m in gateway for r in by_account[m] if r.source_ip}
        agents = {r.user_agent for m in gateway for r in by_account[m]}
        # Then they come from at most two /24s with at most two client versions, on a regular schedule
        assert len(prefixes) <= 2
        assert len(agents) <= 2
        for member in members:
            times = sorted(r.timestamp.timestamp() for r in by_account[member])
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            assert statistics.pstdev(gaps) / statistics.mean(gaps) < 0.35


def test_benign_agent_apps_keep_one_toolset_while_agentic_harvesters_rotate(run: tuple[Path, GroundTruth]) -> None:
    # Given the ground truth of agent apps and agentic harvesters
    _, truth = run
    apps = [a for a in truth.accounts.values() if a.kind == "agent_app"]
    harvesters = [a for a in truth.accounts.values() if a.kind == "agentic_harvester"]
    # When their distinct toolsets are counted
    # Then an app uses one toolset (two across a release), a harvester a new one almost every request
    assert apps and all(1 <= a.toolsets <= 2 for a in apps)
    assert sum(a.toolsets == 1 for a in apps) >= len(apps) - 1
    assert harvesters and all(a.toolsets >= 0.7 * a.records_by_label["agentic_extraction"] for a in harvesters)


def test_attackers_cross_the_alert_rules_and_benign_accounts_never_do(run: tuple[Path, GroundTruth]) -> None:
    # Given the alerts the rules would raise on ground-truth labels
    _, truth = run
    alerted = defaultdict(set)
    for alert in truth.expected_alerts:
        alerted[alert.account_id].add(alert.label)
    # When they are grouped by account
    attackers = {a: t for a, t in truth.accounts.items() if t.role == "attacker"}
    # Then every attacker alerts in some hour for its own kind of harvesting, and no benign account alerts
    for account_id, account in attackers.items():
        expected = "cot_harvesting" if account.kind == "cot_harvester" else "agentic_extraction"
        assert alerted[account_id] == {expected}
    assert set(alerted) == set(attackers)


def test_eval_researcher_sends_a_few_harvesting_prompts_an_hour(run: tuple[Path, GroundTruth]) -> None:
    # Given the per-record ground truth of the benign eval researcher
    root, truth = run
    researcher = next(a for a, t in truth.accounts.items() if t.kind == "eval_researcher")
    labels = [r for r in record_labels(root) if r["account_id"] == researcher]
    # When its harvesting-shaped prompts are counted
    harvest = [r for r in labels if r["label"] == "cot_harvesting"]
    # Then there are some, but fewer than the alert rule's 10 an hour over the whole run
    assert 0 < len(harvest) <= 4 * HOURS
    assert truth.accounts[researcher].role == "benign"


def test_authored_text_shares_no_phrasing_with_the_training_corpus() -> None:
    # Given the training corpus, where this machine has it
    if not CORPUS_DIR.is_dir():
        pytest.skip("training corpus not present")
    corpus = "\n".join(json.loads(line)["text"] for path in sorted(CORPUS_DIR.glob("*.jsonl")) for line in path.open())
    texts = [
        value
        for module in (harvesting, agentic, everyday, problems)
        for item in vars(module).values()
        for value in (item if isinstance(item, tuple) else (item,))
        if isinstance(value, str)
    ]
    texts += [text for app in agent_apps.APPS for text in (app.system, *app.user_templates)]
    # When every 40-character window of the templates' literal text is looked up in the corpus
    shared = [
        window
        for text in texts
        for segment in re.split(r"\{[^}]*\}", text)
        for window in (segment[i : i + 40] for i in range(0, max(1, len(segment) - 39), 20))
        if len(window) == 40 and window in corpus
    ]
    # Then none is found: the demo tests generalisation, not memorisation
    assert shared == []


def test_label_rates_group_a_classifiers_predictions_by_kind_and_variant(run: tuple[Path, GroundTruth]) -> None:
    # Given a stand-in classifier that calls every prompt offering tools agentic and everything else ordinary
    root, truth = run

    def tools_rule(texts: Sequence[str]) -> list[Label]:
        return ["agentic_extraction" if "[tools]" in text else "ordinary" for text in texts]

    # When label rates are measured over the run
    rates = {(r.kind, r.variant): r for r in label_rates(root, tools_rule)}
    # Then every valid record is counted once, and the groups carry the rule's verdicts
    assert sum(r.n for r in rates.values()) == truth.n_records
    assert rates[("agent_app", "agent_app")].rates["agentic_extraction"] == 1.0
    assert rates[("chat_user", "chat")].rates["ordinary"] == 1.0
    assert rates[("agentic_harvester", "text_scaffold")].rates["ordinary"] == 1.0  # a scaffold offers no tools
