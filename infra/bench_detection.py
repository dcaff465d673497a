"""Detection benchmark: simulate traffic for several seeds, run parse -> classify -> evidence -> correlation
in-process (the same domain code as the Lambdas, over the in-memory adapters), and score the findings against
the ground truth with `distillguard.evaluation`. Prints one table per seed and a final JSON line.

    python -m infra.bench_detection --scale small --seeds 101 102 103
    python -m infra.bench_detection --scale full --seeds 201
    python -m infra.bench_detection --scale full --seeds 1201 --suppressions infra/suppressions-full-1201.jsonl

`--suppressions` loads suppressions (one JSON object a line, as `distillguard suppressions --jsonl` prints them)
into the in-memory store the correlator reads, to measure what suppressing benign look-alikes does to a run.
`--rule NAME=VALUE` (repeatable) runs with a detection threshold other than its default, to measure a change of
a template parameter (`AccountMinShare` is `account_min_share`) before deploying it. `--plan NAME=VALUE`
(repeatable, value as JSON) simulates traffic shaped otherwise (a field of `simulate/scales.py` Plan), to judge the
rules on attack families they were not measured on:

    python -m infra.bench_detection --scale small --seeds 2701 2702 --plan 'hydra_daily=[18,18]'

`distillguard replay` + `distillguard evaluate` give the same figures through the emulator (slower)."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from distillguard.adapters.memory import (
    MemoryEvidenceStore,
    MemoryIncidentStore,
    MemoryPublisher,
    MemorySuppressionStore,
)
from distillguard.aggregation.service import record_evidence
from distillguard.classification.stage import verdicts_for
from distillguard.classifier import DEFAULT_MODEL_DIR, PromptClassifier
from distillguard.cli import assignments
from distillguard.correlation.detect import DetectionRules
from distillguard.correlation.incidents import NotificationRules
from distillguard.correlation.service import Correlator
from distillguard.evaluation import Evaluation, Truth, evaluate, table
from distillguard.findings import PublishedFinding
from distillguard.formats import FormatSettings
from distillguard.jsonl import read_models
from distillguard.local.pipeline import log_files
from distillguard.records import CanonicalRecord
from distillguard.simulate.scales import plan_for
from distillguard.suppression import Suppression
from distillguard.validation import ValidationRun
from distillguard.validation.expectations import RecordExpectations

NOW = datetime.now(UTC)


def canonical_records(folder: Path) -> Iterator[CanonicalRecord]:
    """The records the validate stage would pass (pydantic, the expectation suite, partition time bounds)."""
    run = ValidationRun(
        format_settings=FormatSettings(),
        expectations=RecordExpectations(max_prompt_chars=200_000),
        tolerance=timedelta(hours=6),
        batch_records=5_000,
    )
    try:
        for path in log_files(folder):
            with path.open("rb") as body:
                run.add_object(body, source_key="raw/" + path.relative_to(folder).as_posix(), last_modified=NOW)
        for _, outputs in run.finish():
            if (valid := outputs.valid).count:
                with open(valid.path, "rb") as body:
                    yield from read_models(body, CanonicalRecord)
    finally:
        run.close()


def load_suppressions(path: Path) -> MemorySuppressionStore:
    store = MemorySuppressionStore()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            suppression = Suppression.model_validate_json(line)
            store.suppressions[suppression.scope.key] = suppression
    return store


def findings_for(
    folder: Path,
    classifier: PromptClassifier,
    rules: DetectionRules,
    suppressions: MemorySuppressionStore | None = None,
) -> list[PublishedFinding]:
    records = list(canonical_records(folder))
    verdicts = verdicts_for(records, classifier, 512)
    evidence = MemoryEvidenceStore()
    by_object: dict[str, list] = {}
    for verdict in verdicts:
        by_object.setdefault(verdict.source_key, []).append(verdict)
    record_evidence(by_object, evidence)
    publisher = MemoryPublisher()
    # Suppressions are judged as of the latest one's creation (the analyst's decision), not the day of the rerun:
    # the figures stay the same after they lapse.
    decided = max((s.created for s in suppressions.all()), default=NOW) if suppressions else NOW
    correlator = Correlator(
        evidence,
        MemoryIncidentStore(),
        publisher,
        rules,
        NotificationRules(),
        timedelta(0),
        suppressions,
        lambda: decided,
    )
    correlator.run(flush=True)
    return [PublishedFinding.from_message(entry.message) for entry in publisher.messages]


def run_seed(
    seed: int,
    scale: str,
    classifier: PromptClassifier,
    rules: DetectionRules,
    findings_out: Path | None = None,
    suppressions: MemorySuppressionStore | None = None,
    plan_changes: dict[str, Any] | None = None,
) -> Evaluation:
    from distillguard.simulate import simulate

    with tempfile.TemporaryDirectory(prefix="distillguard-bench-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        truth = simulate(folder, seed=seed, scale=scale, plan_changes=plan_changes)
        findings = findings_for(folder, classifier, rules, suppressions)
        elapsed = time.perf_counter() - started
        if findings_out is not None:
            findings_out.mkdir(parents=True, exist_ok=True)
            (findings_out / f"truth-{scale}-{seed}.json").write_text(truth.model_dump_json())
            with (findings_out / f"findings-{scale}-{seed}.jsonl").open("w", encoding="utf-8") as handle:
                handle.writelines(finding.message + "\n" for finding in findings)
    scored = evaluate(Truth.model_validate_json(truth.model_dump_json()), findings)
    accounts = len(truth.accounts)
    print(f"\n== seed {seed}, scale {scale}: {truth.n_records} records, {accounts} accounts ({elapsed:.0f} s)")
    print(table(scored))
    return scored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103])
    parser.add_argument("--findings-out", type=Path, help="keep findings and truth per seed here")
    parser.add_argument("--suppressions", type=Path, help="suppressions JSONL for the correlator to honour")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a detection threshold other than its default (a DetectionRules field, e.g. account_min_share=0.1)",
    )
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="simulate with a field of the scale's plan changed, value as JSON (e.g. hydra_daily=[18,18])",
    )
    args = parser.parse_args()
    try:
        changed = assignments(args.rule)
    except ValueError as error:
        parser.error(f"--rule: {error}")
    try:
        plan_changes = assignments(args.plan)
        plan_for(args.scale, plan_changes)
    except ValueError as error:
        parser.error(f"--plan: {error}")
    if unknown := sorted(set(changed) - set(DetectionRules.model_fields)):
        parser.error(f"no such detection rule: {', '.join(unknown)} (see correlation/detect.py DetectionRules)")
    try:
        rules = DetectionRules.model_validate(changed)
    except ValidationError as error:
        parser.error(f"--rule: {error.errors()[0]['loc'][0]}: {error.errors()[0]['msg']}")
    suppressions = load_suppressions(args.suppressions) if args.suppressions else None
    classifier = PromptClassifier.load(DEFAULT_MODEL_DIR)
    results = {
        seed: run_seed(seed, args.scale, classifier, rules, args.findings_out, suppressions, plan_changes)
        for seed in args.seeds
    }
    summary = {
        "scale": args.scale,
        "rules": changed,
        "plan": plan_changes,
        "seeds": {
            str(seed): {
                "attacker_recall": r.attacker_recall,
                "benign_fpr": r.benign_fpr,
                "precision": r.precision,
                "clusters_detected": sum(c.detected for c in r.clusters),
                "clusters": len(r.clusters),
                "max_findings_per_incident": max((c.findings for c in r.clusters), default=0),
                "most_campaigns_in_one_incident": r.most_campaigns_in_one_incident,
                "worst_first_finding_hours": max((c.first_finding_hours or 99.0 for c in r.clusters), default=0),
                "worst_half_members_hours": max((c.half_members_hours or 99.0 for c in r.clusters), default=0),
                "worst_median_member_hours": max((c.median_member_hours or 99.0 for c in r.clusters), default=0),
                "goals": r.goals,
            }
            for seed, r in results.items()
        },
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
