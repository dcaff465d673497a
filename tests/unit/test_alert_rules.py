"""When an account's window becomes an alert, and how severe it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from distillguard.aggregation.rules import AlertRules, WindowCounts, evaluate, severity
from distillguard.aggregation.windows import merged, network_prefix, window_deltas, window_start
from distillguard.records import LABELS, Label, Verdict

RULES = AlertRules(min_prompts=10, min_share=0.3, min_distinct_toolsets=4, high_severity_windows=3)
WINDOW = datetime(2026, 2, 3, 8, tzinfo=UTC)


def counts(cot: int = 0, agentic: int = 0, ordinary: int = 0, toolsets: int = 0) -> WindowCounts:
    return WindowCounts(
        customer_account="acct-1",
        window_start=WINDOW,
        prompts=cot + agentic + ordinary,
        by_label={"cot_harvesting": cot, "agentic_extraction": agentic, "ordinary": ordinary},
        distinct_toolsets=toolsets,
    )


def verdict(label: Label, minute: int, account: str = "acct-1", toolset: str | None = None, ip: str = "") -> Verdict:
    return Verdict(
        request_id=f"{account}-{label}-{minute}-{toolset}",
        timestamp=WINDOW + timedelta(minutes=minute),
        customer_account=account,
        source_ip=ip or None,
        source_format="gateway",
        toolset_fingerprint=toolset,
        source_key="verdicts/x",
        line_number=1,
        template_fingerprint="t",
        label=label,
        scores=dict.fromkeys(LABELS, 1 / 3),
        model_version="m",
    )


def test_harvesting_volume_and_share_together_raise_a_finding() -> None:
    assert [f.category for f in evaluate(counts(cot=12, ordinary=20), RULES)] == ["cot_harvesting"]


def test_a_busy_account_with_a_few_harvesting_prompts_is_not_flagged() -> None:
    assert evaluate(counts(cot=12, ordinary=200), RULES) == []  # 6% share
    assert evaluate(counts(cot=9, ordinary=0), RULES) == []  # below the volume floor


def test_an_agent_product_with_one_toolset_is_not_agentic_extraction() -> None:
    assert evaluate(counts(agentic=500, toolsets=1), RULES) == []
    assert [f.category for f in evaluate(counts(agentic=50, toolsets=12), RULES)] == ["agentic_extraction"]


def test_severity_rises_with_repeated_windows_or_heavy_volume() -> None:
    assert severity(flagged_windows=1, peak_window_suspicious=12, rules=RULES) == "medium"
    assert severity(flagged_windows=3, peak_window_suspicious=12, rules=RULES) == "high"
    assert severity(flagged_windows=1, peak_window_suspicious=50, rules=RULES) == "high"


def test_windows_follow_the_records_own_timestamps() -> None:
    # Given verdicts from 2026 replayed today, across two hours
    verdicts = [verdict("cot_harvesting", minute) for minute in (5, 50, 65)]
    # Then they fall in the windows of their own timestamps
    deltas = window_deltas(verdicts, window_seconds=3600)
    assert [(d.window_start, d.prompts) for d in deltas] == [(WINDOW, 2), (WINDOW + timedelta(hours=1), 1)]
    assert window_start(WINDOW + timedelta(minutes=59, seconds=59), 3600) == WINDOW


def test_deltas_collect_toolsets_networks_and_a_few_request_ids_as_evidence() -> None:
    verdicts = [verdict("agentic_extraction", m, toolset=f"ts{m % 5}", ip=f"203.0.113.{m}") for m in range(20)]
    verdicts.append(verdict("ordinary", 30, toolset="ignored"))
    (delta,) = window_deltas(verdicts, window_seconds=3600)
    assert delta.toolsets == {"ts0", "ts1", "ts2", "ts3", "ts4"}
    assert delta.network_prefixes == {"203.0.113.0/24"}
    assert len(delta.evidence["agentic_extraction"]) == 3
    assert delta.by_label == {"cot_harvesting": 0, "agentic_extraction": 20, "ordinary": 1}


def test_network_prefixes_group_addresses_by_subnet() -> None:
    assert network_prefix("198.51.100.77") == "198.51.100.0/24"
    assert network_prefix("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert network_prefix(None) is None


def test_deltas_of_several_objects_merge_into_one_window_update() -> None:
    # Given two objects' deltas for the same account and window
    first = window_deltas([verdict("cot_harvesting", m, ip="203.0.113.5") for m in range(4)], 3600)[0]
    second = window_deltas([verdict("ordinary", m, ip="198.51.100.5") for m in range(6)], 3600)[0]
    # When merged
    total = merged([first, second])
    # Then counts add and evidence stays bounded
    assert (total.prompts, total.by_label["cot_harvesting"], total.by_label["ordinary"]) == (10, 4, 6)
    assert total.network_prefixes == {"203.0.113.0/24", "198.51.100.0/24"}
    assert total.suspicious == 4 and len(total.evidence["cot_harvesting"]) == 3
