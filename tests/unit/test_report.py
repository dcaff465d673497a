"""The triage report: one page per incident and an index, escaped, with its charts drawn at build time."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markupsafe import escape

from distillguard.correlation.evidence import HourEvidence
from distillguard.correlation.finding import detection_finding, finding_json
from distillguard.correlation.incidents import Incident, IncidentEvidence
from distillguard.correlation.profile import (
    ACTIVITY_MAX_MEMBERS,
    activity_timeline,
    combined_timelines,
    profiles,
)
from distillguard.report import write_report
from distillguard.report.incidents import _buckets, incidents
from tests.report_fixtures import small_run, with_hostile_strings

SNS_LIMIT_BYTES = 256 * 1024
HOUR = timedelta(hours=1)
START = datetime(2026, 3, 2, tzinfo=UTC)


def test_one_page_per_incident_and_an_index_most_severe_first(tmp_path: Path) -> None:
    # Given the findings of a real run, several revisions per incident
    findings = small_run()
    uids = Counter(finding.uid for finding in findings)
    assert max(uids.values()) > 1
    # When the report is written
    pages = write_report(findings, tmp_path)
    # Then there is an index and one page per incident, and the index links them in order of severity
    assert [page.name for page in pages][0] == "index.html"
    assert len(pages) == 1 + len(uids)
    index = (tmp_path / "index.html").read_text()
    linked = re.findall(r'href="(dg-[0-9a-f]+)\.html"', index)
    assert sorted(linked) == sorted(uids)
    ranks = [incident.severity_rank for incident in incidents(findings)]
    assert ranks == sorted(ranks, reverse=True)


def test_an_incident_page_shows_latest_revision_members_history_and_charts(tmp_path: Path) -> None:
    findings = small_run()
    write_report(findings, tmp_path)
    biggest = max(incidents(findings), key=lambda incident: incident.latest.members_total)
    page = (tmp_path / biggest.page).read_text()
    # every member of the latest revision, with first and last seen
    for account in biggest.latest.members:
        assert f'<td class="mono member">{account}</td>' in page
    assert all(member.first_seen and member.last_seen for member in biggest.members)
    # the revision history, every revision once
    assert page.count('<tr><td class="num">') >= len(biggest.revisions)
    assert biggest.latest.revision == max(f.revision for f in findings if f.uid == biggest.uid)
    # two charts with shapes in them, no script, nothing fetched
    charts = re.findall(r'<svg class="chart".*?</svg>', page, flags=re.S)
    assert len(charts) == 2 and all(chart.count("<rect") > 10 for chart in charts)
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_attacker_controlled_strings_are_escaped(tmp_path: Path) -> None:
    # Given a finding whose account id and user agent carry markup
    hostile = with_hostile_strings(small_run()[0], "<script>alert(1)</script>", '"><img src=x onerror=alert(2)>')
    # When its report is written
    write_report([hostile], tmp_path)
    page = next(p for p in tmp_path.glob("dg-*.html")).read_text()
    # Then the strings show as text, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page and "<img" not in page


def test_the_score_is_explained_by_terms_that_add_up_to_it() -> None:
    for incident in incidents(small_run()):
        total = sum(term.points for term in incident.score_terms)
        assert incident.confidence == min(99, int(total))


def _worst_case_evidence(accounts: int, hours: int) -> list[HourEvidence]:
    """Every account busy in every minute of every hour, with every bounded field full."""
    full = HourEvidence(
        account="",
        hour=START,
        source="s" * 16,
        prompts=60,
        by_label={"cot_harvesting": 60, "agentic_extraction": 0, "ordinary": 0},
        suspicious_fingerprints={f"{n:016x}": 5 for n in range(12)},
        networks={f"10.0.{n}.0/24": 15 for n in range(4)},
        user_agents={f"agent-{n}-" + "u" * 110: 15 for n in range(4)},
        minutes=(1 << 60) - 1,
        toolsets=[f"{n:016x}" for n in range(16)],
    )
    return [
        full.model_copy(
            update={
                "account": f"arn:aws:sts::123456789012:assumed-role/tenant-{index:05d}/session-{'x' * 40}",
                "hour": START + HOUR * hour,
                "first_seen": START + HOUR * hour,
                "last_seen": START + HOUR * hour + timedelta(minutes=59),
            }
        )
        for index in range(accounts)
        for hour in range(hours)
    ]


def test_a_200_member_finding_with_its_timeline_stays_under_the_sns_limit() -> None:
    # Given a 200-member incident whose members were busy in every minute of the horizon
    merged = profiles(_worst_case_evidence(200, 24))
    timeline = activity_timeline(list(merged.values()))
    incident = Incident(
        uid="dg-0000000000000000",
        kind="cluster",
        category="cot_harvesting",
        created_at=START,
        updated_at=START + 24 * HOUR,
        first_seen=START,
        last_seen=START + 24 * HOUR,
        members=set(merged),
        member_reasons={account: "r" * 160 for account in merged},
        evidence=IncidentEvidence(
            suspicious=288_000,
            prompts=288_000,
            templates={f"{n:016x}": 100 for n in range(8)},
            networks={f"10.0.{n}.0/24": 100 for n in range(8)},
            user_agents={"u" * 120: 100},
            timeline=timeline,
        ),
    )
    # When it is published
    message = finding_json(detection_finding(incident, "create"))
    # Then the message fits in SNS, timeline included, and the timeline names at most its bounded members
    assert len(message.encode()) < SNS_LIMIT_BYTES
    assert len(timeline.members) == min(200, ACTIVITY_MAX_MEMBERS) and timeline.hours == 24
    assert '"timeline"' in message


def test_timelines_of_two_groups_in_one_hour_merge_without_moving_anyones_minutes() -> None:
    early = profiles(_worst_case_evidence(1, 6)[:6])  # hours 0-5
    late_items = _worst_case_evidence(1, 6)[3:]  # hours 3-5
    for item in late_items:
        item.account, item.minutes = "late", 1 << 7
    first, second = activity_timeline(list(early.values())), activity_timeline(list(profiles(late_items).values()))
    merged = combined_timelines(first, second)
    assert merged.start == START and merged.hours == 6
    assert merged.by_label["cot_harvesting"] == [60, 60, 60, 120, 120, 120]
    assert second.start is not None and merged.start is not None
    assert _buckets(merged.members["late"].buckets, merged.start) == _buckets(
        second.members["late"].buckets, second.start
    )
    assert min(_buckets(merged.members["late"].buckets, merged.start)) == START + 3 * HOUR + timedelta(minutes=5)


def test_template_fingerprints_show_share_and_a_redacted_example(tmp_path: Path) -> None:
    findings = small_run()
    write_report(findings, tmp_path)
    clusters = [incident for incident in incidents(findings) if incident.latest.kind == "cluster"]
    for incident in clusters:
        page = (tmp_path / incident.page).read_text()
        assert incident.templates and all(template.example for template in incident.templates)
        assert all(0 < template.share <= 1 for template in incident.templates)
        for template in incident.templates:
            assert template.fingerprint in page
            assert str(escape(template.example)) in page


def test_suppression_changes_are_listed_on_the_index_and_on_the_pages_they_touch(tmp_path: Path) -> None:
    from distillguard.suppression.model import AuditEntry, Scope, Suppression

    # Given the findings of a real run and an audit trail: one member suppressed, then lifted, and an unrelated
    # network suppressed
    findings = small_run()
    biggest = max(incidents(findings), key=lambda incident: incident.latest.members_total)
    member = biggest.latest.members[0]
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    account = Scope(kind="account", value=member)
    held = Suppression(scope=account, reason="eval vendor <b>", author="ana", created=at, expires=at + 10 * HOUR)
    campus = Scope(kind="network", value="192.0.2.0/24")
    audit = [
        AuditEntry(at=at, author="ana", action="suppress", scope=account, reason="eval vendor <b>", after=held),
        AuditEntry(at=at + HOUR, author="bo", action="unsuppress", scope=account, reason="the hydra", before=held),
        AuditEntry(
            at=at, author="ana", action="suppress", scope=campus, reason="campus NAT",
            after=held.model_copy(update={"scope": campus}),
        ),
    ]  # fmt: skip
    # When the report is written with it
    write_report(findings, tmp_path, audit)
    # Then the index lists all three changes, escaped, in time order, and the incident page the two that touch it
    index = (tmp_path / "index.html").read_text()
    assert index.count("<tr><td>2026-11-30") == 3 and "eval vendor &lt;b&gt;" in index and "<b>" not in index
    page = (tmp_path / biggest.page).read_text()
    listed = re.search(r'<table id="suppressions">.*?</table>', page, flags=re.S)
    assert listed is not None and listed.group().count("<tr><td>") == 2 and "campus NAT" not in listed.group()
    # And an incident no change touches says so
    other = next(i for i in incidents(findings) if member not in i.latest.members)
    assert "No suppression changes touch this incident" in (tmp_path / other.page).read_text()
