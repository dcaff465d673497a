"""Small, explicit traffic scenarios as verdicts (the aggregate stage's real input), and a runner that takes them
through evidence, correlation and the outbox over the in-memory adapters."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from distillguard.adapters.memory import MemoryEvidenceStore, MemoryIncidentStore, MemoryPublisher
from distillguard.aggregation.service import record_evidence
from distillguard.correlation.detect import DetectionRules
from distillguard.correlation.incidents import NotificationRules
from distillguard.correlation.service import Correlator
from distillguard.findings import PublishedFinding
from distillguard.records import Label, RequestFacts, Verdict, unlogged

START = datetime(2026, 2, 3, 0, tzinfo=UTC)


def verdict(
    account: str,
    at: datetime,
    label: Label,
    *,
    template: str,
    ip: str,
    agent: str = "python-httpx/0.27",
    model: str = "model-a",
    toolset: str | None = None,
    source: str = "raw/a.jsonl",
    line: int = 1,
    opening: str | None = None,
) -> Verdict:
    scores = {"cot_harvesting": 0.02, "agentic_extraction": 0.02, "ordinary": 0.02}
    scores[label] = 0.96
    return Verdict(
        request_id=f"{account}-{at.timestamp():.0f}-{line}",
        timestamp=at,
        customer_account=account,
        source_ip=ip,
        user_agent=agent,
        model=model,
        source_format="gateway",
        toolset_fingerprint=toolset,
        source_key=source,
        line_number=line + 1,
        template_fingerprint=template,
        opening_fingerprint=opening,
        label=label,
        scores=scores,
        model_version="test",
    )


def unlogged_verdict(account: str, at: datetime, *, ip: str = "203.0.113.50", line: int = 1) -> Verdict:
    """A request whose prompt the log does not carry, as validate passes it on (no label, no scores)."""
    return unlogged(
        RequestFacts(
            request_id=f"{account}-unlogged-{at.timestamp():.0f}-{line}",
            timestamp=at,
            customer_account=account,
            source_ip=ip,
            source_format="litellm",
            source_key="raw/a.jsonl",
            line_number=line + 1,
        )
    )


@dataclass
class Traffic:
    verdicts: list[Verdict] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def add(self, *verdicts: Verdict) -> None:
        self.verdicts.extend(verdicts)

    def hydra(self, members: int, hours: int = 12, prefix: str = "hydra", every: int = 2) -> list[str]:
        """Members fire the same templates inside the same three minutes every `every` hours, from three /24s."""
        accounts = [f"{prefix}-{i:03d}" for i in range(members)]
        for hour in range(0, hours, every):
            burst = START + timedelta(hours=hour, minutes=17)
            for index, account in enumerate(accounts):
                for shot in range(2):
                    self.add(
                        verdict(
                            account,
                            burst + timedelta(seconds=self.rng.uniform(0, 170)),
                            "cot_harvesting",
                            template=f"{prefix}-template-{(index + shot) % 3}",
                            ip=f"198.51.{index % 3}.{10 + index}",
                            line=shot,
                        )
                    )
        return accounts

    def logging_off(self, account: str, hours: int = 12, per_hour: int = 4) -> str:
        """A team whose gateway logs no prompts (message logging turned off): every request is unlogged."""
        for hour in range(hours):
            for shot in range(per_hour):
                at = START + timedelta(hours=hour, minutes=self.rng.randrange(60))
                self.add(unlogged_verdict(account, at, line=shot))
        return account

    def ordinary_users(self, users: int, hours: int = 12, prefix: str = "user") -> list[str]:
        accounts = [f"{prefix}-{i:03d}" for i in range(users)]
        for index, account in enumerate(accounts):
            for hour in range(hours):
                at = START + timedelta(hours=hour, minutes=self.rng.randrange(60))
                self.add(verdict(account, at, "ordinary", template=f"free-{account}-{hour}", ip=f"203.0.{index}.9"))
        return accounts

    def nat_company(self, accounts: int, hours: int = 12) -> list[str]:
        """One office /24, one SDK, one system prompt, ordinary prompts, cron-like synchrony."""
        names = [f"corp-{i:02d}" for i in range(accounts)]
        for hour in range(hours):
            for name in names:
                for shot in range(3):
                    at = START + timedelta(hours=hour, minutes=0, seconds=shot * 7)
                    self.add(verdict(name, at, "ordinary", template="corp-system", ip="192.0.2.40", agent="corp-sdk/2"))
        return names

    def students(self, accounts: int, hours: int = 12) -> list[str]:
        """A class on one campus /24 asking for step-by-step help, misread as harvesting half of the time,
        in their own words (no shared scaffold) and spread over their evening sessions."""
        names = [f"student-{i:02d}" for i in range(accounts)]
        for name in names:
            session = START + timedelta(hours=self.rng.randrange(hours), minutes=self.rng.randrange(20))
            for shot in range(6):
                at = session + timedelta(minutes=shot * 7 + self.rng.randrange(4))
                label: Label = "cot_harvesting" if shot % 2 else "ordinary"
                self.add(verdict(name, at, label, template=f"{name}-question-{shot}", ip=f"192.0.2.{shot + 100}"))
        return names

    def agent_developers(self, accounts: int, hours: int = 12, steps: int = 4) -> list[str]:
        """Each developer loops over one fixed toolset (`steps` requests an hour), from one office /24."""
        names = [f"agentdev-{i:02d}" for i in range(accounts)]
        for name in names:
            for hour in range(hours):
                loop = START + timedelta(hours=hour, minutes=self.rng.randrange(50))
                for step in range(steps):
                    self.add(
                        verdict(
                            name,
                            loop + timedelta(seconds=step * 5),
                            "agentic_extraction",
                            template=f"{name}-loop-{step}",
                            ip="192.0.2.77",
                            toolset=f"{name}-tools",
                        )
                    )
        return names

    def swarm(self, accounts: int, hours: int = 12, prefix: str = "swarm") -> list[str]:
        """Round-robin agentic requests, a new synthetic toolset each time, from two cloud /24s."""
        names = [f"{prefix}-{i:02d}" for i in range(accounts)]
        minutes = hours * 60
        step = minutes // (accounts * hours // 2)
        for slot, minute in enumerate(range(0, minutes, step)):
            name = names[slot % accounts]
            self.add(
                verdict(
                    name,
                    START + timedelta(minutes=minute),
                    "agentic_extraction",
                    template="swarm-scaffold",
                    ip=f"100.64.{(slot // accounts) % 2}.{slot % 200}",  # a NAT pool over two /24s
                    toolset=f"synthetic-{slot}",
                    line=slot,
                )
            )
        return names

    def lone_bulk(
        self, account: str = "bulk-001", hours: int = 12, per_hour: int = 40, templates: str = "bulk", start: int = 0
    ) -> str:
        """One account harvesting around the clock, a request every 80 seconds: half through two shared templates,
        half with skeletons of their own (the problem filled in on short lines), opening in a dozen ways."""
        for hour in range(start, start + hours):
            for shot in range(per_hour):
                at = START + timedelta(hours=hour, seconds=shot * 80)
                template = f"{templates}-{shot % 2}" if shot % 4 < 2 else f"{account}-problem-{hour}-{shot}"
                opening = f"o{account}-opening-{shot % 12}"
                self.add(
                    verdict(
                        account, at, "cot_harvesting", template=template, ip="198.18.0.5", line=shot, opening=opening
                    )
                )
        return account

    def hopper(
        self, account: str = "hopper-001", hours: int = 12, start: int = 0, *, plain_agentic: bool = False
    ) -> str:
        """An account sending both kinds of harvesting, four requests an hour, each agentic one with a new toolset
        (`plain_agentic`: every other agentic request declares no tools, a plan-the-steps prompt)."""
        for hour in range(start, start + hours):
            for shot in range(4):
                at = START + timedelta(hours=hour, minutes=5 + 14 * shot)
                agentic = shot % 2 == 1
                self.add(
                    verdict(
                        account,
                        at,
                        "agentic_extraction" if agentic else "cot_harvesting",
                        template=f"{account}-{hour}-{shot}",
                        ip=f"198.18.{hour}.{shot + 1}",
                        toolset=f"{account}-tools-{hour}-{shot}"
                        if agentic and not (plain_agentic and shot == 3)
                        else None,
                        line=shot,
                    )
                )
        return account

    def pipeline(self, account: str = "cron-001", hours: int = 12, per_hour: int = 60, shapes: int = 1) -> str:
        """A cron job sending a fixed prompt (in `shapes` variants) around changing data at the top of every hour,
        misread as harvesting by the classifier two times in three."""
        for hour in range(hours):
            for shot in range(per_hour):
                at = START + timedelta(hours=hour, seconds=shot * 3)
                label: Label = "ordinary" if shapes > 1 and shot % 3 == 2 else "cot_harvesting"
                shape = f"cron-prompt-{shot % shapes}"
                self.add(verdict(account, at, label, template=shape, ip="198.18.7.5", line=shot, opening=f"o{shape}"))
        return account

    def eval_team(self, account: str = "eval-001", hours: int = 3, per_hour: int = 120) -> str:
        """A public benchmark harness from one account for a few hours: one harness prompt opening every request,
        a different question each time."""
        for hour in range(hours):
            for shot in range(per_hour):
                at = START + timedelta(hours=2 + hour, seconds=shot * 30)
                question = f"benchmark-question-{hour}-{shot}"
                self.add(
                    verdict(
                        account, at, "cot_harvesting", template=question, ip="198.18.9.5", line=shot, opening="oharness"
                    )
                )
        return account


def objects_of(verdicts: Iterable[Verdict], per_object: int = 50) -> dict[str, list[Verdict]]:
    """Verdicts grouped into log objects as a source writes them: by event hour, up to `per_object` lines."""
    by_hour: dict[str, list[Verdict]] = defaultdict(list)
    for item in sorted(verdicts, key=lambda v: (v.timestamp, v.customer_account, v.line_number)):
        by_hour[f"{item.timestamp:%Y/%m/%d/%H}"].append(item)
    objects: dict[str, list[Verdict]] = {}
    for hour, items in by_hour.items():
        for index in range(0, len(items), per_object):
            key = f"raw/{hour}/part-{index // per_object:04d}.jsonl"
            objects[key] = [v.model_copy(update={"source_key": key}) for v in items[index : index + per_object]]
    return objects


@dataclass
class Run:
    evidence: MemoryEvidenceStore = field(default_factory=MemoryEvidenceStore)
    incidents: MemoryIncidentStore = field(default_factory=MemoryIncidentStore)
    publisher: MemoryPublisher = field(default_factory=MemoryPublisher)
    rules: DetectionRules = field(default_factory=DetectionRules)
    lateness: timedelta = timedelta(0)

    def correlator(self) -> Correlator:
        return Correlator(
            self.evidence, self.incidents, self.publisher, self.rules, NotificationRules(), lateness=self.lateness
        )

    def aggregate(self, objects: dict[str, list[Verdict]]) -> None:
        record_evidence(objects, self.evidence)

    def correlate(self, *, flush: bool = True) -> None:
        self.correlator().run(flush=flush)

    @property
    def findings(self) -> list[PublishedFinding]:
        return [PublishedFinding.from_message(entry.message) for entry in self.publisher.messages]

    def flagged(self) -> set[str]:
        return {m for f in self.findings if f.activity != "close" for m in f.members}


def run_all(traffic: Traffic, rules: DetectionRules | None = None) -> Run:
    run = Run(rules=rules or DetectionRules())
    run.aggregate(objects_of(traffic.verdicts))
    run.correlate()
    return run
