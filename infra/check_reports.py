"""Opens every page of a triage report in headless Chromium and reports what a reader would hit: pages that fail
to load, console errors (level SEVERE), pages without charts.

    python -m infra.check_reports build/report [--screenshots build/test-artifacts]

Uses Debian's /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver) through
selenium. Prints one line per page with a problem and a final JSON line; exits 1 when any page has one."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MAX_SCREENSHOT_HEIGHT = 6000


def browser_available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


@contextmanager
def headless_chromium() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1600")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@dataclass
class PageCheck:
    page: str
    title: str
    console_errors: list[str] = field(default_factory=list)
    charts: int = 0
    chart_shapes: int = 0
    members_shown: int = 0


def check_page(driver: object, page: Path, screenshot: Path | None = None) -> PageCheck:
    from selenium.webdriver.common.by import By

    driver.get(page.resolve().as_uri())  # type: ignore[attr-defined]
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")  # type: ignore[attr-defined]
    check = PageCheck(
        page=page.name,
        title=driver.title,  # type: ignore[attr-defined]
        console_errors=[
            entry["message"]
            for entry in driver.get_log("browser")  # type: ignore[attr-defined]
            if entry.get("level") == "SEVERE"
        ],
        charts=len(charts),
        chart_shapes=sum(len(chart.find_elements(By.CSS_SELECTOR, "rect")) for chart in charts),
        members_shown=len(driver.find_elements(By.CSS_SELECTOR, "#members td.member")),  # type: ignore[attr-defined]
    )
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
        driver.set_window_size(1280, min(int(height) + 40, MAX_SCREENSHOT_HEIGHT))  # type: ignore[attr-defined]
        driver.save_screenshot(str(screenshot))  # type: ignore[attr-defined]
    return check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="a folder written by `distillguard report`")
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each page here")
    args = parser.parse_args()
    pages = [args.report / "index.html", *sorted(p for p in args.report.glob("*.html") if p.name != "index.html")]
    checks = []
    with headless_chromium() as driver:
        for page in pages:
            shot = args.screenshots / f"{page.stem}.png" if args.screenshots else None
            checks.append(check_page(driver, page, shot))
    incident_pages = [check for check in checks if check.page != "index.html"]
    problems = [
        check
        for check in checks
        if check.console_errors or (check in incident_pages and (not check.charts or not check.members_shown))
    ]
    for check in problems:
        print(f"PROBLEM {check.page}: {json.dumps(asdict(check))}")
    summary = {
        "pages_opened": len(checks),
        "incident_pages": len(incident_pages),
        "console_errors": sum(len(check.console_errors) for check in checks),
        "pages_with_problems": len(problems),
        "pages_with_charts": sum(1 for check in incident_pages if check.charts),
        "chart_shapes": sum(check.chart_shapes for check in checks),
    }
    print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
