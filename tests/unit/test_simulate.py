"""The traffic simulator: deterministic, laid out as the bucket receives logs, faithful to its ground truth, and
shaped like the reported attacks (many small accounts, bursts, waves, toolset churn, a pivot to a new model)."""

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

from distillguard.cli import assignments, main
from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines, template_fingerprint
from distillguard.records import CanonicalRecord, Label
from distillguard.simulate import GroundTruth, simulate
from distillguard.simulate.content import (
    agent_apps,
    agentic,
    benchmark,
    developers,
    everyday,
    harvesting,
    problems,
    students,
)
from distillguard.simulate.label_rates import label_rates
from distillguard.simulate.model import ATTACKER_POPULATIONS, BENIGN_POPULATIONS

CORPUS_DIR = Path("/work/shared/data/prompts")
NEW_MODELS = ("claude-opus-4-6", "us.anthropic.claude-opus-4-6-v1:0")

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
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith(("_", ".")):
                continue
            key = path.relative_to(root).as_posix()
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

    def valid(self) -> list[CanonicalRecord]:
        """The records inside the hour their key names (the rest are the deliberately skewed ones)."""
        return [r for key, r in self.records if r.timestamp.replace(minute=0, second=0, microsecond=0) == hour_of(key)]

    def by_account(self) -> dict[str, list[CanonicalRecord]]:
        grouped: dict[str, list[CanonicalRecord]] = defaultdict(list)
        for record in sorted(self.valid(), key=lambda r: r.timestamp):
            grouped[record.customer_account].append(record)
        return grouped


def hour_of(key: str) -> datetime:
    """The hour a key's path names: .../YYYY/MM/DD/HH/ (Bedrock, gateway) or litellm/YYYY-MM-DD/HH-MM-SS_..."""
    parts = key.split("/")
    if key.startswith("litellm/"):
        return datetime.fromisoformat(f"{parts[1]}T{parts[2][:2]}:00:00+00:00")
    year, month, day, hour = (int(part) for part in parts[-5:-1])
    return datetime(year, month, day, hour, tzinfo=UTC)


def when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def truth_rows(root: Path) -> list[dict[str, Any]]:
    with gzip.open(root / "_records.jsonl.gz") as lines:
        return [json.loads(line) for line in lines]


def members(truth: GroundTruth, population: str) -> list[str]:
    return sorted(a for a, t in truth.accounts.items() if t.population == population)


def daily_rate(truth: GroundTruth, account: str) -> float | None:
    """Requests per day while the account is active, for accounts active at least 12 hours."""
    account_truth = truth.accounts[account]
    hours = (when(account_truth.last_seen) - when(account_truth.first_seen)).total_seconds() / 3600
    return (account_truth.records - 1) * 24 / hours if hours >= 12 else None


def peak_day(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Each account's busiest calendar day."""
    per_day: Counter[tuple[str, str]] = Counter((r["account_id"], r["timestamp"][:10]) for r in rows)
    peak: dict[str, int] = defaultdict(int)
    for (account, _), count in per_day.items():
        peak[account] = max(peak[account], count)
    return peak


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GroundTruth]:
    root = tmp_path_factory.mktemp("tiny")
    return root, simulate(root, seed=11, scale="tiny")


@pytest.fixture(scope="module")
def parsed(tiny: tuple[Path, GroundTruth]) -> Parsed:
    return Parsed(tiny[0])


@pytest.fixture(scope="module")
def rows(tiny: tuple[Path, GroundTruth]) -> list[dict[str, Any]]:
    return truth_rows(tiny[0])


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[GroundTruth, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("small")
    return simulate(root, seed=1, scale="small"), truth_rows(root)


# ------------------------------------------------------------------------------------------ output and its truth
def test_same_seed_and_scale_give_byte_identical_output_and_another_seed_differs(
    tiny: tuple[Path, GroundTruth], tmp_path: Path
) -> None:
    # Given the module's tiny run and two more, one with the same seed
    simulate(tmp_path / "again", seed=11, scale="tiny")
    simulate(tmp_path / "other", seed=12, scale="tiny")
    # When their file trees are compared byte for byte
    first, again, other = tree(tiny[0]), tree(tmp_path / "again"), tree(tmp_path / "other")
    # Then the same seed reproduces every object exactly, and another seed does not
    assert first == again
    assert first != other


def test_an_unknown_scale_is_refused(tmp_path: Path) -> None:
    # Given a scale the simulator does not know / When it is asked for / Then it fails before writing anything
    with pytest.raises(ValueError, match="scale"):
        simulate(tmp_path, seed=1, scale="huge")
    assert not any(tmp_path.iterdir())


def test_plan_changes_reshape_the_attacks_asked_for_and_the_ground_truth_records_them(
    tiny: tuple[Path, GroundTruth], rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Given a tiny run of the module's seed with a smaller cover cluster that harvests with every request
    changes = {"covers": [3], "cover_harvest_share": 1.0}
    truth = simulate(tmp_path, seed=11, scale="tiny", plan_changes=changes)
    changed_rows = truth_rows(tmp_path)
    # When its cover cluster is compared with the unchanged run's
    labels = Counter(r["label"] for r in changed_rows if r["population"] == "cover_cluster")
    before = Counter(r["label"] for r in rows if r["population"] == "cover_cluster")
    # Then the cluster has the members asked for, none of its requests is ordinary any more (half were), the ground
    # truth on disk names the changes, and the other populations are drawn as before
    assert len(members(truth, "cover_cluster")) == 3 < len(members(tiny[1], "cover_cluster"))
    assert labels["ordinary"] == 0 < labels["cot_harvesting"] and before["ordinary"] > 0
    assert GroundTruth.model_validate_json((tmp_path / "_ground_truth.json").read_text()).plan_changes == changes
    assert tiny[1].plan_changes == {}
    assert members(truth, "hydra_cot") == members(tiny[1], "hydra_cot")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hydra_dailly": [18, 18]}, "no such simulation parameter: hydra_dailly"),
        ({"hydra_daily": 18}, "hydra_daily: Input should be a valid tuple"),
        ({"covers": ["eight"]}, "covers.0: Input should be a valid integer"),
    ],
)
def test_a_plan_change_naming_no_field_or_of_the_wrong_type_is_refused_before_anything_is_written(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    # Given a change the plan cannot take / When a run is asked for with it / Then it names the problem, writes nothing
    with pytest.raises(ValueError, match=re.escape(message)):
        simulate(tmp_path, seed=1, scale="tiny", plan_changes=changes)
    assert not any(tmp_path.iterdir())


def test_the_simulate_command_counts_the_attackers_by_campaign_and_points_at_the_ground_truth(
    tiny: tuple[Path, GroundTruth], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `distillguard simulate` for the module's tiny run
    out = tmp_path / "logs"
    # When it runs
    code = main(["simulate", "--out", str(out), "--seed", "11", "--scale", "tiny"])
    # Then it says how many attackers each population has (not a wall of account ids) and where the truth is
    truth = tiny[1]
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 3
    assert f"{len(truth.attackers)} attackers (agentic_swarm {len(members(truth, 'agentic_swarm'))}, " in lines[1]
    assert lines[2].strip() == str(out / "_ground_truth.json")


def test_the_simulate_command_refuses_a_bad_plan_change_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `distillguard simulate` with a change to a field the plan does not have
    out = tmp_path / "logs"
    # When it runs
    code = main(["simulate", "--out", str(out), "--seed", "1", "--scale", "tiny", "--plan", "hydra_size=[5]"])
    # Then it exits 2 naming the field, and no folder was made
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: --plan: no such simulation parameter: hydra_size (see simulate/scales.py Plan)"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["hydra_daily=[18, 40]", "covers=[8]"], {"hydra_daily": [18, 40], "covers": [8]}),
        (["account_min_share=0.1", "note=plain text"], {"account_min_share": 0.1, "note": "plain text"}),
    ],
)
def test_command_line_assignments_read_each_value_as_json_or_else_as_text(
    pairs: list[str], expected: dict[str, Any]
) -> None:
    # Given NAME=VALUE pairs as `--plan` and `--rule` take them / When read / Then each value is what JSON says
    assert assignments(pairs) == expected


def test_a_command_line_assignment_without_a_name_and_value_is_refused() -> None:
    # Given a pair with no `=` / When read / Then the error quotes it
    with pytest.raises(ValueError, match="expected NAME=VALUE, not 'covers'"):
        assignments(["covers"])


def test_ground_truth_counts_add_up(tiny: tuple[Path, GroundTruth], rows: list[dict[str, Any]]) -> None:
    # Given a tiny run
    root, truth = tiny
    # When its ground truth is read back from disk
    on_disk = GroundTruth.model_validate_json((root / "_ground_truth.json").read_text())
    # Then it matches what simulate returned and every count adds up to n_records
    assert on_disk == truth
    assert (truth.scale, truth.hours, truth.start) == ("tiny", 24, "2026-02-03T00:00:00Z")
    assert sum(a.records for a in truth.accounts.values()) == truth.n_records
    assert sum(truth.records_by_label.values()) == sum(truth.records_by_channel.values()) == truth.n_records
    assert all(sum(a.records_by_label.values()) == a.records for a in truth.accounts.values())
    assert len(rows) == truth.n_records
    assert Counter(r["account_id"] for r in rows) == Counter({a: t.records for a, t in truth.accounts.items()})
    assert truth.n_broken == sum(truth.broken_by_kind.values())
    # and every attacker belongs to exactly one cluster, which lists it, while benign accounts belong to none
    assert all((t.cluster is not None) == (t.role == "attacker") for t in truth.accounts.values())
    listed = [m for cluster in truth.clusters.values() for m in cluster.members]
    assert sorted(listed) == sorted(truth.attackers)
    for cluster_id, cluster in truth.clusters.items():
        assert cluster.members == sorted(cluster.members)
        assert all(truth.accounts[m].cluster == cluster_id for m in cluster.members)
        assert cluster.records == sum(truth.accounts[m].records for m in cluster.members)
        assert cluster.first_request == min(truth.accounts[m].first_seen for m in cluster.members)
    assert {c for c in truth.clusters if c.startswith(("lone_bulk", "model_hopper"))} == {
        "lone_bulk-1",
        "model_hopper-1",
    }


def test_object_keys_follow_each_log_layout_and_gzip_is_reproducible(tiny: tuple[Path, GroundTruth]) -> None:
    # Given the objects of a run (ground-truth files excluded)
    root, truth = tiny
    keys = [k for k in tree(root) if not k.startswith("_")]
    # When each key is matched against its format's layout
    unmatched = [k for k in keys if not (BEDROCK_KEY.match(k) or GATEWAY_KEY.match(k) or LITELLM_KEY.match(k))]
    # Then every key fits one layout, all three formats and both gateway encodings occur, and gzip has no mtime
    assert unmatched == []
    assert len(keys) == truth.files
    assert {k.split("/")[0] for k in keys} == {"AWSLogs", "gateway", "litellm"}
    assert any(k.endswith(".jsonl") for k in keys) and any(k.endswith(".jsonl.gz") for k in keys)
    assert all((root / k).read_bytes()[4:8] == b"\0\0\0\0" for k in keys if k.endswith(".gz"))


def test_every_valid_record_parses_inside_its_partition_hour_attributed_as_truth_says(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the run read back through the pipeline's format readers
    _, truth = tiny
    start = when(truth.start)
    valid = parsed.valid()
    by_account = parsed.by_account()
    # When valid records are compared with the ground truth
    # Then exactly n_records parse inside their partition hour and the run's window, each under the customer account
    # the truth names (gateway account_id, Bedrock requestMetadata, LiteLLM team), first and last seen as it says
    assert len(valid) == truth.n_records
    assert all(start <= r.timestamp < start + timedelta(hours=truth.hours) for r in valid)
    assert {a: len(rs) for a, rs in by_account.items()} == {a: t.records for a, t in truth.accounts.items()}
    for account, account_truth in truth.accounts.items():
        assert by_account[account][0].timestamp.replace(microsecond=0) == when(account_truth.first_seen)
        assert by_account[account][-1].timestamp.replace(microsecond=0) == when(account_truth.last_seen)
        assert {r.source_format for r in by_account[account]} == {account_truth.channel}
    # and the out-of-partition records parse but sit far from the hour their key names (validation's job)
    outside = [
        (k, r) for k, r in parsed.records if r.timestamp.replace(minute=0, second=0, microsecond=0) != hour_of(k)
    ]
    assert len(outside) == truth.broken_by_kind["out_of_partition_timestamp"]
    assert all(abs(r.timestamp - hour_of(k)) > timedelta(hours=1) for k, r in outside)


def test_broken_lines_are_rejected_by_the_readers_in_realistic_proportion(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the run's ground truth about broken input
    _, truth = tiny
    kinds = truth.broken_by_kind
    # When the readers reject lines
    # Then every kind occurs, the share is about 0.5%, and each unreadable line is rejected for its own reason
    assert set(kinds) == {"truncated_json", "missing_account", "non_utf8", "out_of_partition_timestamp"}
    assert 0.003 <= truth.n_broken / truth.n_records <= 0.01
    assert parsed.rejected == Counter(
        {
            "invalid_json": kinds["truncated_json"],
            "invalid_utf8": kinds["non_utf8"],
            "schema:account_id": kinds["missing_account"],
        }
    )


# ------------------------------------------------------------------------------------------ populations and volumes
def test_tiny_scale_has_every_population_in_every_channel_with_attacks_a_minority(
    tiny: tuple[Path, GroundTruth],
) -> None:
    # Given the tiny run the tests and the demo use
    _, truth = tiny
    # When accounts and records are grouped by population and channel
    populations = Counter(t.population for t in truth.accounts.values())
    attack = sum(t.records for t in truth.accounts.values() if t.role == "attacker")
    # Then every population is there, with small clusters, about a hundred accounts and a few thousand requests
    assert set(populations) == set(BENIGN_POPULATIONS) | set(ATTACKER_POPULATIONS)
    assert (populations["hydra_cot"], populations["agentic_swarm"], populations["cover_cluster"]) == (12, 8, 5)
    assert 80 <= len(truth.accounts) <= 120
    assert 3_000 <= truth.n_records <= 5_000
    # and attacks are at most a fifth of the traffic, every channel is used, LiteLLM (one object per file) is small
    assert attack <= 0.20 * truth.n_records
    assert all(count > 0 for count in truth.records_by_channel.values())
    assert truth.records_by_channel["litellm"] < 0.05 * truth.n_records


def test_small_scale_volumes_match_the_reported_campaigns_and_hide_inside_benign_ranges(
    small: tuple[GroundTruth, list[dict[str, Any]]],
) -> None:
    # Given the small run: ~500 accounts, ~20k requests over 48 hours
    truth, rows = small
    peak = peak_day(rows)
    attack = sum(t.records for t in truth.accounts.values() if t.role == "attacker")
    assert 450 <= len(truth.accounts) <= 550 and 17_000 <= truth.n_records <= 26_000 and truth.hours == 48
    assert attack <= 0.20 * truth.n_records
    # When each population's per-account daily volumes are measured
    # Then they fall in the ranges the reports describe
    assert 50 <= len(members(truth, "hydra_cot")) <= 70 and 25 <= len(members(truth, "agentic_swarm")) <= 35
    hydra = [rate for a in members(truth, "hydra_cot") if (rate := daily_rate(truth, a)) is not None]
    assert len(hydra) >= 30 and all(18 <= rate <= 40 for rate in hydra)
    swarm = [daily_rate(truth, a) for a in members(truth, "agentic_swarm")]
    assert all(rate is not None and 8 <= rate <= 16.5 for rate in swarm)
    assert all(400 <= truth.accounts[a].records / 2 <= 2_200 for a in members(truth, "pipeline"))
    general = [peak[a] for a in members(truth, "general_user")]
    assert min(general) <= 2 and 300 <= max(general) <= 460
    assert statistics.median(general) < 15  # Zipf: most people send little
    bulk = members(truth, "lone_bulk")
    assert len(bulk) == 1 and peak[bulk[0]] >= 1_000
    # and no attacker account sends more on its busiest day than the busiest benign account
    benign_peak = max(peak[a] for a, t in truth.accounts.items() if t.role == "benign")
    assert max(peak[a] for a in truth.attackers) <= benign_peak


# ------------------------------------------------------------------------------------------ attacker shapes
def test_hydra_members_fire_together_in_short_bursts_every_hour_or_two(
    tiny: tuple[Path, GroundTruth], rows: list[dict[str, Any]]
) -> None:
    # Given the hydra cluster's requests, split where the cluster falls silent for 15 minutes
    _, truth = tiny
    hydra = sorted((when(r["timestamp"]), r["account_id"]) for r in rows if r["population"] == "hydra_cot")
    bursts: list[list[tuple[datetime, str]]] = [[hydra[0]]]
    for previous, current in zip(hydra, hydra[1:], strict=False):
        if current[0] - previous[0] > timedelta(minutes=15):
            bursts.append([])
        bursts[-1].append(current)
    # When each burst's length and the share of live members firing in it are measured
    participation = []
    for burst in bursts:
        assert burst[-1][0] - burst[0][0] <= timedelta(minutes=6)
        live = [
            m
            for m in members(truth, "hydra_cot")
            if when(truth.accounts[m].first_seen) <= burst[0][0] + timedelta(minutes=6)
            and when(truth.accounts[m].last_seen) >= burst[0][0] - timedelta(minutes=1)
        ]
        participation.append(len({account for _, account in burst}) / len(live))
    gaps = [(b[0][0] - a[0][0]).total_seconds() / 60 for a, b in zip(bursts, bursts[1:], strict=False)]
    # Then bursts last a few minutes, come every one to two hours, and most live members fire in most of them
    assert len(bursts) >= 10
    assert all(55 <= gap <= 125 for gap in gaps)
    assert statistics.median(participation) >= 0.7


def test_hydra_shares_a_few_templates_a_few_networks_and_one_client(
    tiny: tuple[Path, GroundTruth], parsed: Parsed, rows: list[dict[str, Any]]
) -> None:
    # Given the hydra cluster's records as the pipeline reads them
    _, truth = tiny
    hydra = set(members(truth, "hydra_cot"))
    records = [r for account in hydra for r in parsed.by_account()[account]]
    templates = Counter(r["variant"] for r in rows if r["population"] == "hydra_cot" and r["label"] == "cot_harvesting")
    # When templates, source networks and clients are counted
    prefixes = Counter(r.source_ip.rsplit(".", 1)[0] for r in records if r.source_ip)
    top = sum(count for _, count in prefixes.most_common(4))
    # Then the script uses three or four templates, most traffic leaves through at most four /24s (the rest through
    # scattered residential proxies), every member uses one and the same client, and some traffic is ordinary
    assert 3 <= len(templates) <= 4 and all(v.startswith("hydra_template_") for v in templates)
    assert top >= 0.7 * sum(prefixes.values())
    assert len({r.user_agent for r in records if r.user_agent}) == 1
    assert sum(truth.accounts[a].records_by_label.get("ordinary", 0) for a in hydra) > 0


def test_new_accounts_join_the_hydra_in_waves(small: tuple[GroundTruth, list[dict[str, Any]]]) -> None:
    # Given when each hydra member was first seen in the small run
    truth, _ = small
    first = sorted(when(truth.accounts[m].first_seen) for m in members(truth, "hydra_cot"))
    # When arrivals are grouped where none come for two hours
    waves: list[list[datetime]] = [[first[0]]]
    for previous, current in zip(first, first[1:], strict=False):
        if current - previous > timedelta(hours=2):
            waves.append([])
        waves[-1].append(current)
    # Then accounts arrive in several waves of many accounts each, each wave inside a few minutes
    assert len(waves) >= 3
    assert all(len(wave) >= 5 and wave[-1] - wave[0] <= timedelta(minutes=10) for wave in waves)


def test_hydra_and_the_hopper_move_to_the_new_model_soon_after_it_first_appears(
    tiny: tuple[Path, GroundTruth], rows: list[dict[str, Any]]
) -> None:
    # Given the new model's first appearance in the traffic
    _, truth = tiny
    assert truth.model_release is not None
    released = when(truth.model_release.first_seen)
    on_new = [r for r in rows if r["model"] in NEW_MODELS]
    assert min(when(r["timestamp"]) for r in on_new) == released
    # When hydra and hopper traffic is split by model and time
    hydra = [r for r in rows if r["population"] == "hydra_cot"]
    hydra_pivot = min(when(r["timestamp"]) for r in hydra if r["model"] in NEW_MODELS)
    after = [r for r in hydra if when(r["timestamp"]) > hydra_pivot + timedelta(hours=1)]
    hopper = [r for r in rows if r["population"] == "model_hopper"]
    hopper_pivot = min(when(r["timestamp"]) for r in hopper if r["model"] in NEW_MODELS)
    hopper_after = [r for r in hopper if when(r["timestamp"]) > hopper_pivot]
    # Then the hydra moves about half its traffic within a day, the hopper all of it within hours
    assert released < hydra_pivot <= released + timedelta(hours=24)
    assert 0.35 <= sum(r["model"] in NEW_MODELS for r in after) / len(after) <= 0.65
    assert released < hopper_pivot <= released + timedelta(hours=4)
    assert all(r["model"] in NEW_MODELS for r in hopper_after)
    # and the pivot is the attackers' own: benign accounts that adopt the model do it for a minority of accounts
    benign_accounts = {r["account_id"] for r in rows if r["role"] == "benign"}
    adopters = {r["account_id"] for r in on_new if r["role"] == "benign"}
    assert 0 < len(adopters) <= 0.35 * len(benign_accounts)


def test_agentic_swarm_rotates_toolsets_on_a_steady_round_robin(
    tiny: tuple[Path, GroundTruth],
    rows: list[dict[str, Any]],
    small: tuple[GroundTruth, list[dict[str, Any]]],
) -> None:
    # Given the swarm's requests in the tiny run and its ground truth in the small run
    _, truth = tiny
    swarm = sorted(when(r["timestamp"]) for r in rows if r["population"] == "agentic_swarm")
    small_truth, _ = small
    # When the gaps between its requests and its toolsets are counted
    gaps = [(b - a).total_seconds() for a, b in zip(swarm, swarm[1:], strict=False)]
    per_member = [truth.accounts[m] for m in members(truth, "agentic_swarm")]
    # Then the cluster sends one request at a time on a steady clock, and nearly every request offers a toolset
    # never seen before: hundreds of them over two days at small scale
    assert statistics.pstdev(gaps) / statistics.mean(gaps) < 0.2
    assert all(m.toolsets >= 0.7 * m.records_by_label["agentic_extraction"] for m in per_member)
    assert sum(small_truth.accounts[m].toolsets for m in members(small_truth, "agentic_swarm")) >= 300


def test_cover_cluster_mixes_ordinary_requests_with_grading_harvest_from_shared_networks(
    tiny: tuple[Path, GroundTruth], parsed: Parsed, rows: list[dict[str, Any]]
) -> None:
    # Given the cover cluster's records
    _, truth = tiny
    cover = members(truth, "cover_cluster")
    records = [r for account in cover for r in parsed.by_account()[account]]
    labels = Counter(r["label"] for r in rows if r["population"] == "cover_cluster")
    variants = {r["variant"] for r in rows if r["population"] == "cover_cluster" and r["label"] == "cot_harvesting"}
    # When labels, clients and networks are counted
    # Then about half is ordinary, the harvest is judging, rubric grading and multiple choice, each member has its
    # own SDK, and they all share two /24s
    assert 0.3 <= labels["ordinary"] / sum(labels.values()) <= 0.7
    assert {"rubric_grading", "mc_reasoning"} <= variants and any(v.startswith("judge") for v in variants)
    assert len({r.user_agent for r in records}) == len(cover)
    assert len({r.source_ip.rsplit(".", 1)[0] for r in records if r.source_ip}) == 2


# ------------------------------------------------------------------------------------------ benign hard negatives
def test_general_users_follow_their_day_across_time_zones_some_behind_shared_relays_or_an_app(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the general users' records
    _, truth = tiny
    users = {a: parsed.by_account()[a] for a in members(truth, "general_user")}
    # When their hours, networks and system prompts are examined
    hours = Counter(r.timestamp.hour for records in users.values() for r in records)
    sharing: dict[str, set[str]] = defaultdict(set)
    for account, records in users.items():
        for record in records:
            if record.source_ip:
                sharing[record.source_ip.rsplit(".", 1)[0]].add(account)
    with_app = [
        a
        for a, records in users.items()
        if len({r.prompt.split("\n\n[user]", 1)[0] for r in records}) == 1
        and records[0].prompt.startswith("[system]")
        and any(records[0].prompt.startswith(f"[system]\n{system}") for system in everyday.APP_SYSTEMS)
    ]
    # Then traffic runs around the clock but unevenly (people sleep, in many time zones), some users share relay
    # /24s, and about a third use an app that sends one fixed system prompt
    assert len(hours) >= 20 and max(hours.values()) >= 2 * min(hours.values())
    assert any(len(accounts) >= 2 for accounts in sharing.values())
    assert 0.15 <= len(with_app) / len(users) <= 0.55


def test_agent_developers_keep_one_toolset_and_replay_growing_prefixes_seconds_apart(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given each agent developer's records in time order
    _, truth = tiny
    developers_ = members(truth, "agent_developer")
    # When consecutive requests a few seconds apart are compared
    pairs = [
        (a, b)
        for developer in developers_
        for a, b in zip(parsed.by_account()[developer], parsed.by_account()[developer][1:], strict=False)
        if b.timestamp - a.timestamp <= timedelta(seconds=13)
    ]
    first_turns = Counter(
        r.prompt.split("[user]\n", 1)[1].split("\n\n[", 1)[0] for d in developers_ for r in parsed.by_account()[d]
    )
    # Then one toolset per developer, the later request replays the earlier one as its prefix, and test tasks repeat
    assert all(truth.accounts[d].toolsets == 1 for d in developers_)
    assert len(pairs) > 50
    assert sum(b.prompt.startswith(a.prompt) for a, b in pairs) >= 0.9 * len(pairs)
    assert max(first_turns.values()) >= 10


def test_pipelines_send_one_system_prompt_in_hourly_batches_from_one_cloud_network(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given each pipeline's records
    _, truth = tiny
    for pipeline in members(truth, "pipeline"):
        records = parsed.by_account()[pipeline]
        by_hour: dict[int, list[datetime]] = defaultdict(list)
        for record in records:
            by_hour[record.timestamp.hour].append(record.timestamp)
        # When they are grouped by clock hour
        # Then every hour has one batch of a few minutes, with one system prompt, from one cloud /24
        assert len(by_hour) == truth.hours
        assert all(max(times) - min(times) <= timedelta(minutes=5) for times in by_hour.values())
        assert len({r.prompt.split("\n\n[user]", 1)[0] for r in records}) == 1
        assert len({r.source_ip.rsplit(".", 1)[0] for r in records if r.source_ip}) <= 1


def test_a_company_behind_one_nat_shares_network_sdk_and_system_prompt_but_asks_ordinary_things(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the company's accounts
    _, truth = tiny
    company = members(truth, "nat_company")
    records = [r for account in company for r in parsed.by_account()[account]]
    # When their networks, clients and system prompts are counted
    # Then several accounts share one /24, one user agent and one system prompt, and every request is ordinary
    assert len(company) >= 3
    assert len({r.source_ip.rsplit(".", 1)[0] for r in records if r.source_ip}) == 1
    assert len({r.user_agent for r in records}) == 1
    assert len({r.prompt.split("\n\n[user]", 1)[0] for r in records}) == 1
    assert all(set(truth.accounts[a].records_by_label) == {"ordinary"} for a in company)


def test_students_and_the_eval_team_ask_for_reasoning_without_being_attackers(
    tiny: tuple[Path, GroundTruth], parsed: Parsed
) -> None:
    # Given the students' and the evaluation team's records
    _, truth = tiny
    students_ = [r for account in members(truth, "math_student") for r in parsed.by_account()[account]]
    (team,) = members(truth, "eval_team")
    # When their wording and timing are examined
    texts = [r.prompt.lower() for r in students_]
    span = when(truth.accounts[team].last_seen) - when(truth.accounts[team].first_seen)
    # Then students use the harvesters' phrases in many different wordings, and the evaluation team sends benchmark
    # reasoning prompts from one account for a few hours: both benign
    assert any("step by step" in t for t in texts) and any("walk me through" in t for t in texts)
    assert len({template_fingerprint(r.prompt) for r in students_}) >= 0.5 * len(students_)
    assert span <= timedelta(hours=4.5)
    assert truth.accounts[team].records_by_label == {"cot_harvesting": truth.accounts[team].records}
    assert truth.accounts[team].role == "benign" and all(
        truth.accounts[a].role == "benign" for a in truth.accounts if truth.accounts[a].population == "math_student"
    )


# ------------------------------------------------------------------------------------------ content
def test_authored_text_shares_no_phrasing_with_the_training_corpus() -> None:
    # Given the training corpus, where this machine has it
    if not CORPUS_DIR.is_dir():
        pytest.skip("training corpus not present")
    corpus = "\n".join(json.loads(line)["text"] for path in sorted(CORPUS_DIR.glob("*.jsonl")) for line in path.open())
    texts = [
        value
        for module in (harvesting, agentic, everyday, problems, students, benchmark, developers)
        for item in vars(module).values()
        for value in (item if isinstance(item, tuple) else (item,))
        for value in (value if isinstance(value, tuple) else (value,))
        if isinstance(value, str)
    ]
    texts += [text for app in agent_apps.APPS for text in (app.system, *app.user_templates)]
    texts += list(benchmark.HARNESS_HEADERS.values())
    # When every 40-character window of the templates' literal text is looked up in the corpus (a window found there
    # contains one of the corpus's 20-character chunks at multiples of 20, so only those windows are searched for)
    chunks = {corpus[i : i + 20] for i in range(0, len(corpus), 20)}
    windows = {
        window
        for text in texts
        for segment in re.split(r"\{[^}]*\}", text)
        for window in (segment[i : i + 40] for i in range(0, max(1, len(segment) - 39), 20))
        if len(window) == 40
    }
    shared = [w for w in sorted(windows) if any(w[i : i + 20] in chunks for i in range(20)) and w in corpus]
    # Then none is found: the demo tests generalisation, not memorisation
    assert shared == []


def test_label_rates_group_a_classifiers_predictions_by_population_and_variant(
    tiny: tuple[Path, GroundTruth],
) -> None:
    # Given a stand-in classifier that calls every prompt offering tools agentic and everything else ordinary
    root, truth = tiny

    def tools_rule(texts: Sequence[str]) -> list[Label]:
        return ["agentic_extraction" if "[tools]" in text else "ordinary" for text in texts]

    # When label rates are measured over the run
    rates = {(r.population, r.variant): r for r in label_rates(root, tools_rule)}
    # Then every valid record is counted once, and the groups carry the rule's verdicts
    assert sum(r.n for r in rates.values()) == truth.n_records
    assert rates[("agent_developer", "agent_dev_loop")].rates["agentic_extraction"] == 1.0
    assert rates[("general_user", "chat")].rates["ordinary"] == 1.0
    assert rates[("agentic_swarm", "synthetic_toolset")].rates["agentic_extraction"] == 1.0
