"""A finding's indicators as a STIX 2.1 bundle, to share with other providers.

Per incident (its latest revision): one Indicator per egress network (/24 or /64), user agent, template
fingerprint and member account, and a Grouping named after the finding uid that ties them together, all
created by one Identity for the producer. Accounts are never shared raw: the indicator holds the SHA-256 of
the account id, so a provider can match its own accounts without learning anyone else's. Ids are derived from
the content (a digest laid out as a UUIDv4, the form STIX asks for), so exporting the same findings twice gives the
same objects."""

from __future__ import annotations

import hashlib
import ipaddress
import uuid
from collections.abc import Iterable

import stix2
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from distillguard.findings import PublishedFinding
from distillguard.report.incidents import incidents


def stable_id(kind: str, content: str) -> str:
    digest = hashlib.sha256(f"distillguard|{kind}|{content}".encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


PRODUCER = stix2.Identity(
    id=stable_id("identity", "producer"),
    created="2026-01-01T00:00:00Z",
    modified="2026-01-01T00:00:00Z",
    name="DistillGuard",
    identity_class="system",
    description="Detects distillation attacks (chain-of-thought and agentic harvesting) in LLM API request logs.",
)


def account_digest(account: str) -> str:
    return hashlib.sha256(account.encode("utf-8")).hexdigest()


def _literal(value: str) -> str:
    """A STIX pattern string literal: backslashes and quotes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _network_pattern(network: str) -> str | None:
    try:
        parsed = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return None
    kind = "ipv4-addr" if parsed.version == 4 else "ipv6-addr"
    return f"[{kind}:value = {_literal(str(parsed))}]"


def _indicators(finding: PublishedFinding, members: list[str]) -> list[tuple[str, str, str]]:
    """(name, pattern, description) for each indicator of one finding."""
    found: list[tuple[str, str, str]] = []
    for network, count in finding.evidence.get("networks", {}).items():
        if pattern := _network_pattern(network):
            found.append((f"egress network {network}", pattern, f"{count} harvesting requests from this network"))
    for agent, count in finding.evidence.get("user_agents", {}).items():
        pattern = f"[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = {_literal(agent)}]"
        found.append((f"user agent {agent[:60]}", pattern, f"{count} harvesting requests with this user agent"))
    detail = DetectionFinding.model_validate_json(finding.message)
    for artefact in detail.evidences or []:
        if artefact.name == "template_fingerprint":
            data = dict(artefact.data or {})
            fingerprint = str(data.get("fingerprint", ""))
            found.append(
                (
                    f"prompt template {fingerprint}",
                    f"[x-distillguard-template:fingerprint = {_literal(fingerprint)}]",
                    f"{data.get('requests', 0)} harvesting requests built from this template (DistillGuard "
                    "template fingerprint: BLAKE2b-64 of the masked prompt skeleton)",
                )
            )
    for account in members:
        digest = account_digest(account)
        found.append(
            (
                f"member account sha256:{digest[:12]}",
                f"[user-account:x_account_id_sha256 = {_literal(digest)}]",
                "SHA-256 of a member account's id (UTF-8); hash your own account ids to match",
            )
        )
    return found


def bundle(findings: Iterable[PublishedFinding]) -> stix2.Bundle:
    """One bundle for every incident in the findings, from each incident's latest revision."""
    objects: list[object] = [PRODUCER]
    built = incidents(finding for finding in findings if finding.about_harvesting)
    for incident in built:
        finding = incident.latest
        when = finding.time
        labels = ["distillation", finding.category, finding.kind]
        refs = []
        for name, pattern, description in _indicators(finding, [member.account for member in incident.members]):
            indicator = stix2.Indicator(
                id=stable_id("indicator", f"{finding.uid}|{pattern}"),
                created=when,
                modified=when,
                name=name,
                description=description,
                pattern=pattern,
                pattern_type="stix",
                valid_from=finding.first_seen,
                indicator_types=["malicious-activity"],
                labels=labels,
                confidence=incident.confidence,
                created_by_ref=PRODUCER.id,
            )
            objects.append(indicator)
            refs.append(indicator.id)
        objects.append(
            stix2.Grouping(
                id=stable_id("grouping", finding.uid),
                created=when,
                modified=when,
                name=finding.uid,
                description=f"{finding.title} (revision {finding.revision}, severity {finding.severity})",
                context="suspicious-activity",
                object_refs=refs or [PRODUCER.id],
                labels=labels,
                created_by_ref=PRODUCER.id,
            )
        )
    uids = "|".join(sorted(incident.uid for incident in built))
    return stix2.Bundle(id=stable_id("bundle", uids), objects=objects, allow_custom=False)
