"""Writes the triage report: `index.html` and one self-contained page per incident (inline CSS and SVG, no
script, nothing fetched). Every value from the logs (account ids, user agents, model ids) is attacker-controlled
and goes through Jinja's autoescaping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from distillguard import __version__
from distillguard.findings import PublishedFinding
from distillguard.report.charts import activity_chart, hourly_chart
from distillguard.report.incidents import SIGNAL_MEANINGS, Incident, incidents
from distillguard.suppression.model import AuditEntry


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("distillguard.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = lambda moment: f"{moment:%Y-%m-%d %H:%M}Z" if moment else "—"
    environment.filters["share"] = lambda value: f"{value:.0%}"
    return environment


def read_findings(path: Path) -> list[PublishedFinding]:
    """Findings as JSON lines, one SNS message (an OCSF Detection Finding) a line."""
    with path.open(encoding="utf-8") as lines:
        return [PublishedFinding.from_message(line) for line in lines if line.strip()]


def read_audit(path: Path) -> list[AuditEntry]:
    """Suppression changes as `distillguard suppressions --audit --jsonl` writes them."""
    with path.open(encoding="utf-8") as lines:
        return [AuditEntry.model_validate_json(line) for line in lines if line.strip()]


def touching(incident: Incident, audit: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The suppression changes whose scope names this incident, one of its accounts, networks or templates."""
    scoped = {
        "finding": {incident.uid},
        "account": {member.account for member in incident.members},
        "network": set(incident.networks),
        "fingerprint": {template.fingerprint for template in incident.templates},
    }
    return [entry for entry in audit if entry.scope.value in scoped[entry.scope.kind]]


def write_report(findings: Iterable[PublishedFinding], out: Path, audit: Sequence[AuditEntry] = ()) -> list[Path]:
    """Writes the index and one page per incident under `out`; returns the pages written, index first. `audit`
    (every suppression change) is listed on the index, and on each incident page the changes that touch it."""
    out.mkdir(parents=True, exist_ok=True)
    environment = _environment()
    built = incidents(findings)
    generated = datetime.now(UTC)
    common = {"version": __version__, "generated": generated}
    index = out / "index.html"
    changes = sorted(audit, key=lambda entry: entry.at)
    index.write_text(
        environment.get_template("index.html.j2").render(incidents=built, audit=changes, **common), encoding="utf-8"
    )
    pages = [index]
    page = environment.get_template("incident.html.j2")
    for incident in built:
        path = out / incident.page
        charts = _charts(incident)
        path.write_text(page.render(incident=incident, audit=touching(incident, changes), **charts, **common), "utf-8")
        pages.append(path)
    return pages


def _charts(incident: Incident) -> dict[str, object]:
    return {
        "hourly": hourly_chart(incident.hourly),
        "activity": activity_chart(incident.members),
        "meanings": SIGNAL_MEANINGS,
    }
