"""Optional forwarding of findings to AWS Security Hub (template parameter ForwardToSecurityHub, off by default).

Security Hub's import API takes the AWS Security Finding Format (ASFF), so each OCSF finding is mapped: the
incident uid is the ASFF Id (a re-import updates the same finding in place), member accounts become `Other`
resources, the OCSF severity its label, and a merged or closed incident is archived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from distillguard.correlation.service import OutboxEntry

ASFF_SEVERITY = {1: "INFORMATIONAL", 2: "LOW", 3: "MEDIUM", 4: "HIGH", 5: "CRITICAL", 6: "CRITICAL"}
MAX_RESOURCES = 32  # ASFF's limit on Resources per finding
ATTACK_TYPE = "TTPs/Exfiltration/Model Extraction"
COVERAGE_TYPE = "Software and Configuration Checks/AWS Security Best Practices/Prompt logging off"


def _iso(milliseconds: int | None) -> str:
    moment = datetime.fromtimestamp((milliseconds or 0) / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def asff_finding(message: str, *, product_arn: str, account_id: str) -> dict[str, Any]:
    finding = DetectionFinding.model_validate_json(message)
    info = finding.finding_info
    closed = int(finding.activity_id) == 3
    members = [resource.uid for resource in finding.resources or [] if resource.uid]
    return {
        "SchemaVersion": "2018-10-08",
        "Id": info.uid,
        "ProductArn": product_arn,
        "GeneratorId": info.analytic.uid if info.analytic else "distillguard",
        "AwsAccountId": account_id,
        "Types": [COVERAGE_TYPE if "coverage" in (info.types or []) else ATTACK_TYPE],
        "CreatedAt": _iso(info.created_time or finding.time),
        "UpdatedAt": _iso(finding.time),
        "FirstObservedAt": _iso(info.first_seen_time),
        "LastObservedAt": _iso(info.last_seen_time),
        "Severity": {"Label": ASFF_SEVERITY.get(int(finding.severity_id), "MEDIUM")},
        "Confidence": finding.confidence_score or 0,
        "Title": info.title[:256],
        "Description": (info.desc or info.title)[:1024],
        "Resources": [{"Type": "Other", "Id": f"customer-account/{member}"} for member in members[:MAX_RESOURCES]],
        "RecordState": "ARCHIVED" if closed else "ACTIVE",
        "Workflow": {"Status": "RESOLVED" if closed else "NEW"},
        "ProductFields": {"distillguard/members_total": str(len(members)), "distillguard/ocsf_uid": info.uid},
    }


@dataclass(frozen=True)
class SecurityHubForwarder:
    client: Any
    product_arn: str
    account_id: str

    def publish(self, entry: OutboxEntry) -> None:
        response = self.client.batch_import_findings(
            Findings=[asff_finding(entry.message, product_arn=self.product_arn, account_id=self.account_id)]
        )
        if response.get("FailedCount"):
            raise RuntimeError(f"Security Hub refused finding {entry.incident_uid}: {response.get('FailedFindings')}")
