"""The triage report in a real browser: headless Chromium (Debian's chromium and chromium-driver) via selenium.

Without the browser the test skips, unless CI is set (`.ci/run` installs it and sets CI=1): there it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from distillguard.report import write_report
from distillguard.report.incidents import incidents
from infra.check_reports import CHROMEDRIVER, CHROMIUM, browser_available, check_page, headless_chromium
from tests.report_fixtures import small_run

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    if not browser_available():
        reason = f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install -y chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the browser is missing: {reason}")
        pytest.skip(reason)
    with headless_chromium() as driver:
        yield driver


def test_report_pages_open_without_console_errors_and_show_accounts_and_charts(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Given the report of a real run's findings
    findings = small_run()
    write_report(findings, tmp_path)
    biggest = max(incidents(findings), key=lambda incident: incident.latest.members_total)
    # When the index and the largest incident's page are opened
    index = check_page(chromium, tmp_path / "index.html", ARTIFACTS / "report-index.png")
    page = check_page(chromium, tmp_path / biggest.page, ARTIFACTS / "report-incident.png")
    # Then neither logs an error, the page lists the incident's accounts and draws both charts
    assert index.console_errors == [] and page.console_errors == []
    assert index.title.startswith("Incidents")
    assert page.members_shown == len(biggest.latest.members) > 0
    assert page.charts == 2 and page.chart_shapes > 2 * 10
    assert (ARTIFACTS / "report-incident.png").stat().st_size > 10_000
