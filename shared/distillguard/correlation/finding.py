"""Incidents as OCSF 1.x Detection Findings (class_uid 2004), built with py-ocsf-models.

A finding names every member account in `resources` (up to `MAX_LISTED_MEMBERS`, fewer if that is what keeps
the message under SNS's 256 KB; `unmapped.distillguard.members_total` gives the full count). It carries no prompt
text and no API key: templates appear as fingerprints with a short redacted example of their masked skeleton,
networks as /24 or /64 prefixes. Subscribers de-duplicate on `finding_info.uid` + `unmapped.distillguard.revision`.
A `coverage` finding names the accounts whose prompts the logs do not carry (where detection is blind), at Low
severity and with no attack technique."""

from __future__ import annotations

from datetime import datetime

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from py_ocsf_models.events.findings.detection_finding_type_id import DetectionFindingTypeID
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.analytic import Analytic
from py_ocsf_models.objects.evidence_artifacts import EvidenceArtifacts
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.mitre_attack import MITREAttack, SubTechnique, Tactic, Technique
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.resource_details import ResourceDetails

from distillguard import __version__
from distillguard.correlation.incidents import Activity, Incident

OCSF_VERSION = "1.5.0"
ANALYTIC_UID = "distillguard.campaign-correlation/v1"
MAX_LISTED_MEMBERS = 1500
MAX_MESSAGE_BYTES = 240 * 1024  # SNS takes 256 KiB, message attributes included
ACTIVITY = {"create": ActivityID.Create, "update": ActivityID.Update, "close": ActivityID.Close}
TYPE = {
    "create": DetectionFindingTypeID.Create,
    "update": DetectionFindingTypeID.Update,
    "close": DetectionFindingTypeID.Close,
}
STATUS = {"create": StatusID.New, "update": StatusID.InProgress, "close": StatusID.Resolved}
TITLES = {
    "cot_harvesting": "Chain-of-thought harvesting",
    "agentic_extraction": "Agentic behaviour harvesting",
    "ordinary": "Harvesting",
}
# MITRE ATLAS: model extraction through an inference API.
ATLAS = [
    MITREAttack(
        version="ATLAS 4",
        tactic=Tactic(uid="AML.TA0010", name="Exfiltration"),
        technique=Technique(uid="AML.T0024", name="Exfiltration via AI Inference API"),
        sub_technique=SubTechnique(uid="AML.T0024.002", name="Extract AI Model"),
    ),
    MITREAttack(
        version="ATLAS 4",
        tactic=Tactic(uid="AML.TA0000", name="AI Model Access"),
        technique=Technique(uid="AML.T0040", name="AI Model Inference API Access"),
    ),
]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def title(incident: Incident) -> str:
    if incident.kind == "coverage":
        return f"Prompts not logged for {len(incident.members)} account(s): detection is blind there"
    what = TITLES[incident.category]
    if incident.kind == "cluster":
        return f"{what} campaign across {len(incident.members)} accounts"
    return f"{what} by one account"


def _template(fingerprint: str, requests: int, example: str | None) -> dict[str, object]:
    """A template's evidence: its fingerprint, its harvesting requests and a short redacted example."""
    return {"fingerprint": fingerprint, "requests": requests} | ({"example": example} if example else {})


def _evidences(incident: Incident) -> list[EvidenceArtifacts]:
    evidence = incident.evidence
    artefacts = [
        EvidenceArtifacts(
            name="requests_by_label",
            data={"by_label": evidence.by_label, "suspicious": evidence.suspicious, "prompts": evidence.prompts},
        ),
        EvidenceArtifacts(name="signals", data=dict(evidence.signals)),
    ]
    artefacts += [
        EvidenceArtifacts(name="template_fingerprint", data=_template(fp, count, evidence.examples.get(fp)))
        for fp, count in evidence.templates.items()
    ]
    if evidence.networks:
        artefacts.append(EvidenceArtifacts(name="networks", data=dict(evidence.networks)))
    if evidence.user_agents:
        artefacts.append(EvidenceArtifacts(name="user_agents", data=dict(evidence.user_agents)))
    if evidence.models:
        artefacts.append(
            EvidenceArtifacts(name="models", data={"requests": evidence.models, "newly_released": evidence.new_models})
        )
    if evidence.unlogged:
        artefacts.append(
            EvidenceArtifacts(
                name="unlogged_requests",
                data={"requests": evidence.unlogged, "by_member": dict(evidence.unlogged_members)},
            )
        )
    if evidence.timeline.start is not None:
        artefacts.append(EvidenceArtifacts(name="timeline", data=evidence.timeline.model_dump(mode="json")))
    return artefacts


def _description(incident: Incident, signals: str) -> str:
    evidence = incident.evidence
    if incident.kind == "coverage":
        return (
            f"{len(incident.members)} account(s) whose recent requests mostly carry no prompt (message logging off "
            f"or redacted): {evidence.unlogged} of {evidence.unlogged + evidence.prompts} requests could not be "
            "classified. Turn prompt logging on for them, or accept that harvesting there goes unseen."
        )
    return (
        f"{len(incident.members)} account(s); {evidence.suspicious} of {evidence.prompts} recent requests "
        f"classified {incident.category}; signals: {signals}."
    )


def _resource_data(incident: Incident, account: str) -> dict[str, object]:
    data: dict[str, object] = {"reason": incident.member_reasons.get(account, "")}
    if unlogged := incident.evidence.unlogged_members.get(account):
        data["unlogged_requests"] = unlogged
    return data


def detection_finding(incident: Incident, activity: Activity, model_version: str = "") -> DetectionFinding:
    """The incident as a finding that fits in one SNS message: members are listed up to `MAX_LISTED_MEMBERS`,
    fewer when long account ids (role ARNs) would pass `MAX_MESSAGE_BYTES`."""
    limit = MAX_LISTED_MEMBERS
    while True:
        finding = _finding(incident, activity, model_version, sorted(incident.members)[:limit])
        if limit == 0 or len(finding_json(finding).encode()) <= MAX_MESSAGE_BYTES:
            return finding
        limit //= 2


def _finding(incident: Incident, activity: Activity, model_version: str, listed: list[str]) -> DetectionFinding:
    coverage = incident.kind == "coverage"
    signals = ", ".join(incident.evidence.signals) or "volume"
    return DetectionFinding(
        metadata=Metadata(
            version=OCSF_VERSION,
            product=Product(name="DistillGuard", vendor_name="DistillGuard", version=__version__),
            uid=f"{incident.uid}:{incident.revision}",
            correlation_uid=incident.uid,
        ),
        activity_id=ACTIVITY[activity],
        activity_name=activity.capitalize(),
        type_uid=TYPE[activity],
        type_name=f"Detection Finding: {activity.capitalize()}",
        severity_id=SeverityID(incident.severity_id),
        severity=SeverityID(incident.severity_id).name,
        status_id=STATUS[activity],
        status_detail=f"merged into {incident.merged_into}" if incident.merged_into else None,
        confidence_score=incident.confidence,
        time=_ms(incident.updated_at),
        time_dt=incident.updated_at,
        start_time=_ms(incident.first_seen),
        end_time=_ms(incident.last_seen),
        count=incident.evidence.suspicious,
        message=title(incident) if coverage else f"{title(incident)}: {signals}",
        finding_info=FindingInformation(
            uid=incident.uid,
            title=title(incident),
            desc=_description(incident, signals),
            analytic=Analytic(
                name="DistillGuard campaign correlation",
                uid=ANALYTIC_UID,
                type_id=2,
                type="Behavioral",
                version=model_version or None,
            ),
            types=[incident.category, incident.kind],
            created_time=_ms(incident.created_at),
            modified_time=_ms(incident.updated_at),
            first_seen_time=_ms(incident.first_seen),
            first_seen_time_dt=incident.first_seen,
            last_seen_time=_ms(incident.last_seen),
            last_seen_time_dt=incident.last_seen,
            attacks=None if coverage else ATLAS,
        ),
        resources=[
            ResourceDetails(
                uid=account,
                name=account,
                type="customer_account",
                data=_resource_data(incident, account),
            )
            for account in listed
        ],
        evidences=_evidences(incident),
        unmapped={
            "distillguard": {
                "kind": incident.kind,
                "revision": incident.revision,
                "members_total": len(incident.members),
                "members_listed": len(listed),
                "merged_into": incident.merged_into,
            }
        },
    )


def finding_json(finding: DetectionFinding) -> str:
    return finding.model_dump_json(exclude_none=True)


def message_attributes(incident: Incident, activity: Activity) -> dict[str, dict[str, str]]:
    """SNS attributes for subscription filter policies."""
    return {
        "severity": {"DataType": "String", "StringValue": SeverityID(incident.severity_id).name.lower()},
        "category": {"DataType": "String", "StringValue": incident.category},
        "finding_type": {"DataType": "String", "StringValue": incident.kind},
        "activity": {"DataType": "String", "StringValue": activity},
        "finding_uid": {"DataType": "String", "StringValue": incident.uid},
    }
