"""A published finding as a subscriber reads it: the OCSF message, validated, with the fields people act on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from pydantic import BaseModel


class PublishedFinding(BaseModel):
    message: str
    uid: str
    revision: int
    activity: str
    time: datetime
    first_seen: datetime
    severity: str
    category: str
    kind: str
    title: str
    members: list[str]
    members_total: int
    evidence: dict[str, dict[str, Any]]

    @classmethod
    def from_message(cls, message: str) -> PublishedFinding:
        finding = DetectionFinding.model_validate_json(message)  # refuses anything that is not OCSF 2004
        unmapped: dict[str, Any] = dict(finding.unmapped or {}).get("distillguard", {})  # type: ignore[call-overload]
        info = finding.finding_info
        types = info.types or ["", ""]
        return cls(
            message=message,
            uid=info.uid,
            revision=int(unmapped.get("revision", 0)),
            activity=(finding.activity_name or str(finding.activity_id)).lower(),
            time=datetime.fromtimestamp(finding.time / 1000, tz=UTC),
            first_seen=datetime.fromtimestamp((info.first_seen_time or finding.time) / 1000, tz=UTC),
            severity=finding.severity or str(finding.severity_id),
            category=types[0],
            kind=types[1] if len(types) > 1 else "",
            title=info.title,
            members=[resource.uid for resource in finding.resources or [] if resource.uid],
            members_total=int(unmapped.get("members_total", 0)),
            evidence={artefact.name or "": dict(artefact.data or {}) for artefact in finding.evidences or []},
        )

    @property
    def about_harvesting(self) -> bool:
        """Whether the finding names suspected harvesters; a `coverage` finding names accounts whose prompts the
        logs do not carry (where the product is blind), not attackers."""
        return self.kind != "coverage"

    def headline(self) -> str:
        counts = self.evidence.get("requests_by_label", {})
        if self.about_harvesting:
            signals = ", ".join(self.evidence.get("signals", {})) or "sustained volume"
            why = f"why: {signals}; {counts.get('suspicious', 0)}/{counts.get('prompts', 0)} recent requests harvesting"
        else:
            unlogged = self.evidence.get("unlogged_requests", {}).get("requests", 0)
            why = f"{unlogged} recent requests logged without a prompt, {counts.get('prompts', 0)} with one"
        return (
            f"[{self.severity.upper()}] {self.activity} {self.uid} rev {self.revision}: {self.title}; {why}; "
            f"since {self.first_seen:%Y-%m-%d %H:%M}Z (event time {self.time:%Y-%m-%d %H:%M}Z)"
        )
