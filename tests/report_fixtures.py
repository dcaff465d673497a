"""Findings of a real run, for the report and indicator tests: the in-process detection path of
`infra.bench_detection` on the simulator's small scale, seed 1101 (regenerate with
`python -m infra.bench_detection --scale small --seeds 1101 --findings-out DIR`)."""

from __future__ import annotations

import json
from pathlib import Path

from distillguard.findings import PublishedFinding
from distillguard.report import read_findings

SMALL_RUN = Path(__file__).parent / "events" / "findings-small-1101.jsonl"


def small_run() -> list[PublishedFinding]:
    return read_findings(SMALL_RUN)


def with_hostile_strings(finding: PublishedFinding, account: str, user_agent: str) -> PublishedFinding:
    """The finding as an attacker could shape it: its first member and its user agents replaced."""
    message = json.loads(finding.message)
    original = message["resources"][0]["uid"]
    message["resources"][0]["uid"] = message["resources"][0]["name"] = account
    for evidence in message["evidences"]:
        if evidence["name"] == "user_agents":
            evidence["data"] = {user_agent: 7}
        if evidence["name"] == "timeline" and original in evidence["data"]["members"]:
            evidence["data"]["members"][account] = evidence["data"]["members"].pop(original)
    return PublishedFinding.from_message(json.dumps(message))
