"""The `distillguard` command: demo, replay, evaluate, classify, simulate."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from distillguard.suppression.cli import add_commands as add_feedback_commands

DEMO_SEED = 7
CLASSIFY_CHUNK = 4_096


def assignments(pairs: Iterable[str]) -> dict[str, Any]:
    """NAME=VALUE pairs as a mapping, each value read as JSON (`18`, `[18, 40]`, `0.1`) or else kept as text; a pair
    without `=` is a ValueError."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals or not name:
            raise ValueError(f"expected NAME=VALUE, not {pair!r}")
        try:
            changes[name] = json.loads(text)
        except ValueError:
            changes[name] = text
    return changes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="distillguard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the pipeline end to end on the embedded emulator and print findings")
    demo.add_argument("--logs", type=Path, help="a folder of log files to drop (default: simulated sample logs)")
    demo.add_argument("--seed", type=int, default=DEMO_SEED)

    replay = commands.add_parser(
        "replay", help="run a folder of log files through the pipeline (in-process by default, or on the emulator)"
    )
    replay.add_argument("path", type=Path)
    replay.add_argument(
        "--emulator",
        action="store_true",
        help="drop the logs in the embedded AWS emulator (or AWS_ENDPOINT_URL) and drive the real handlers",
    )
    replay.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (in-process engine)")
    replay.add_argument(
        "--findings-out",
        "--alerts-out",
        dest="findings_out",
        type=Path,
        required=True,
        help="one JSON message per line",
    )
    replay.add_argument("--summary-out", type=Path, required=True)
    replay.add_argument("--raw-prefix", default=None, help="the bucket prefix logs land under (default: template's)")

    backfill = commands.add_parser(
        "backfill", help="score months of logs in process: a folder or s3://bucket/prefix (read only), with progress"
    )
    backfill.add_argument("source", help="a folder of log files, or s3://bucket/prefix (under the raw log prefix)")
    backfill.add_argument("--findings-out", type=Path, required=True, help="one JSON message per line")
    backfill.add_argument("--summary-out", type=Path, required=True)
    backfill.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    backfill.add_argument("--raw-prefix", default=None, help="the bucket prefix logs land under (default: template's)")

    evaluate = commands.add_parser("evaluate", help="score published findings against a simulation's ground truth")
    evaluate.add_argument("--truth", type=Path, required=True, help="_ground_truth.json")
    evaluate.add_argument("--alerts", "--findings", dest="findings", type=Path, required=True, help="findings JSONL")
    evaluate.add_argument("--json-out", type=Path, default=None, help="also write the figures as JSON")

    classify = commands.add_parser("classify", help="label prompts from a JSON-lines file")
    classify.add_argument("--input", type=Path, required=True)
    classify.add_argument("--output", type=Path, required=True)
    classify.add_argument("--model-dir", type=Path, default=None)
    classify.add_argument("--providers", default="CPUExecutionProvider", help="comma-separated, in order of preference")
    classify.add_argument("--batch-size", type=int, default=256)

    simulate = commands.add_parser("simulate", help="write realistic traffic with ground truth")
    simulate.add_argument("--out", type=Path, required=True)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--scale", choices=("tiny", "small", "full"), default="small")
    simulate.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a field of the scale's plan, value as JSON (e.g. hydra_daily=[18,18]; see simulate/scales.py)",
    )

    report = commands.add_parser("report", help="write the triage report: one HTML page per incident and an index")
    report.add_argument("findings", type=Path, help="findings JSONL, one SNS message a line")
    report.add_argument("--out", type=Path, required=True, help="folder for index.html and the incident pages")
    report.add_argument(
        "--audit", type=Path, help="suppression changes to list (`distillguard suppressions --audit --jsonl`)"
    )

    indicators = commands.add_parser("indicators", help="export the findings' indicators as a STIX 2.1 bundle")
    indicators.add_argument("findings", type=Path, help="findings JSONL, one SNS message a line")
    indicators.add_argument("--out", type=Path, required=True, help="the bundle's JSON file")

    feedback = add_feedback_commands(commands)  # suppress, unsuppress, suppressions, false-positive

    args = parser.parse_args(argv)
    handlers = {
        "demo": _demo,
        "replay": _replay,
        "backfill": _backfill,
        "evaluate": _evaluate,
        "classify": _classify,
        "simulate": _simulate,
    }
    handlers |= feedback
    handlers |= {"report": _report, "indicators": _indicators}
    return handlers[args.command](args)


def _simulate(args: argparse.Namespace) -> int:
    from distillguard.simulate import simulate
    from distillguard.simulate.engine import GROUND_TRUTH_FILE
    from distillguard.simulate.scales import plan_for

    try:
        changes = assignments(args.plan)
        plan_for(args.scale, changes)  # refused before anything is written
    except ValueError as error:
        print(f"error: --plan: {error}", file=sys.stderr)
        return 2
    truth = simulate(args.out, seed=args.seed, scale=args.scale, plan_changes=changes)
    print(f"wrote {truth.n_records} records ({truth.n_broken} deliberately broken) to {args.out}")
    by_population = truth.attackers_by_population()
    campaigns = ", ".join(f"{population} {len(accounts)}" for population, accounts in sorted(by_population.items()))
    print(f"{len(truth.accounts)} accounts, {len(truth.attackers)} attackers ({campaigns}); who is who:")
    print(f"  {args.out / GROUND_TRUTH_FILE}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from distillguard.local.pipeline import local_pipeline

    truth = None
    with tempfile.TemporaryDirectory(prefix="distillguard-demo-") as scratch:
        logs = args.logs
        if logs is None:
            from distillguard.simulate import simulate

            logs = Path(scratch) / "logs"
            truth = simulate(logs, seed=args.seed, scale="tiny")
            print(f"Simulated {truth.n_records} requests from {len(truth.accounts)} accounts (seed {args.seed}).")
        with local_pipeline() as (endpoint, pipeline):
            where = "embedded emulator" if endpoint.embedded else "endpoint"
            print(f"AWS resources from template.yaml on the {where} at {endpoint.url}")
            started = time.perf_counter()
            objects = pipeline.drop(logs)
            print(
                f"Dropped {objects} log objects under s3://{pipeline.deployment.bucket}/{pipeline.deployment.raw_prefix}"
            )
            findings = pipeline.run()
            summary = pipeline.summary(time.perf_counter() - started)
        _print_summary(summary)
        _print_findings(findings)
        if truth is not None:
            from distillguard.evaluation import Truth, evaluate, table

            scored = evaluate(Truth.model_validate_json(truth.model_dump_json()), findings)
            print("\nAgainst the simulation's ground truth:")
            print(table(scored))
    return 0


def _replay(args: argparse.Namespace) -> int:
    from distillguard.local.pipeline import local_pipeline, write_findings

    if not args.path.is_dir():
        print(f"error: {args.path} is not a folder", file=sys.stderr)
        return 2
    overrides = {"RawLogPrefix": args.raw_prefix.rstrip("/") + "/"} if args.raw_prefix else None
    if args.emulator:
        with local_pipeline(parameter_overrides=overrides) as (_, pipeline):
            started = time.perf_counter()
            pipeline.drop(args.path)
            findings = pipeline.run()
            summary = pipeline.summary(time.perf_counter() - started)
    else:
        from distillguard.engine import run_folder

        run = run_folder(args.path, workers=max(1, args.workers), overrides=overrides)
        findings, summary = run.findings, run.summary
        for key, error in sorted(run.failed.items()):
            print(f"failed: {key}: {error}", file=sys.stderr)
    write_findings(findings, args.findings_out)
    args.summary_out.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    _print_summary(summary)
    _print_findings(findings)
    return 0 if summary.adds_up and summary.dead_lettered_messages == 0 else 1


def _backfill(args: argparse.Namespace) -> int:
    import onnxruntime

    from distillguard.engine.run import run_folder, run_prefix
    from distillguard.local.pipeline import write_findings

    # ONNX Runtime's CUDA provider when this machine has one (onnxruntime-gpu and a GPU), the CPU otherwise.
    providers = [p for p in ("CUDAExecutionProvider",) if p in onnxruntime.get_available_providers()]
    providers.append("CPUExecutionProvider")
    overrides = {"RawLogPrefix": args.raw_prefix.rstrip("/") + "/"} if args.raw_prefix else None
    started = time.perf_counter()

    def progress(done: int, total: int, records: int) -> None:
        rate = records / max(time.perf_counter() - started, 1e-9)
        bar = "#" * (30 * done // total)
        print(
            f"\r[{bar:<30}] {done}/{total} batches, {records:,} records, {rate:,.0f} records/s",
            end="",
            file=sys.stderr,
            flush=True,
        )

    options = {"workers": max(1, args.workers), "providers": providers, "progress": progress, "overrides": overrides}
    if args.source.startswith("s3://"):
        bucket, _, prefix = args.source.removeprefix("s3://").partition("/")
        run = run_prefix(bucket, prefix, **options)  # type: ignore[arg-type]
    else:
        folder = Path(args.source)
        if not folder.is_dir():
            print(f"error: {folder} is not a folder", file=sys.stderr)
            return 2
        run = run_folder(folder, **options)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    summary = run.summary
    write_findings(run.findings, args.findings_out)
    args.summary_out.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    print(
        f"backfill: {summary.records_total:,} records in {summary.objects:,} objects, {elapsed:.1f} s, "
        f"{summary.records_total / max(elapsed, 1e-9):,.0f} records/s on {args.workers} worker(s), "
        f"ONNX Runtime on {providers[0]}; {summary.findings} findings, {len(run.failed)} objects failed"
    )
    for key, error in sorted(run.failed.items()):
        print(f"failed: {key}: {error}", file=sys.stderr)
    return 0 if summary.adds_up and not run.failed else 1


def _evaluate(args: argparse.Namespace) -> int:
    from distillguard.evaluation import Truth, evaluate, table
    from distillguard.findings import PublishedFinding

    truth = Truth.model_validate_json(args.truth.read_text(encoding="utf-8"))
    lines = args.findings.read_text(encoding="utf-8").splitlines()
    scored = evaluate(truth, [PublishedFinding.from_message(line) for line in lines if line.strip()])
    print(table(scored))
    if args.json_out:
        args.json_out.write_text(scored.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return 0


def _report(args: argparse.Namespace) -> int:
    from distillguard.report import read_findings, write_report
    from distillguard.report.render import read_audit

    audit = read_audit(args.audit) if args.audit else []
    pages = write_report(read_findings(args.findings), args.out, audit)
    print(f"wrote {pages[0]} and {len(pages) - 1} incident page(s)")
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from distillguard.indicators import bundle
    from distillguard.report import read_findings

    exported = bundle(read_findings(args.findings))
    args.out.write_text(exported.serialize(pretty=True) + "\n", encoding="utf-8")
    print(f"wrote {len(exported.objects)} STIX objects to {args.out}")
    return 0


class ClassifyInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str
    id: str | int | None = Field(default=None)


def _read_inputs(path: Path) -> Iterator[ClassifyInput]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield ClassifyInput.model_validate_json(line)
            except ValueError as error:
                raise SystemExit(f"error: {path}:{number}: not a JSON object with a 'text' string ({error})") from None


def _classify(args: argparse.Namespace) -> int:
    from distillguard.classifier import DEFAULT_MODEL_DIR, PromptClassifier

    providers = tuple(part.strip() for part in args.providers.split(",") if part.strip())
    classifier = PromptClassifier.load(args.model_dir or DEFAULT_MODEL_DIR, providers=providers)
    print(f"model {classifier.version} on {', '.join(classifier.providers)}", file=sys.stderr)
    inputs = _read_inputs(args.input)
    count = 0
    with args.output.open("w", encoding="utf-8") as out:
        while chunk := list(islice(inputs, CLASSIFY_CHUNK)):
            predictions = classifier.predict([item.text for item in chunk], batch_size=args.batch_size)
            for item, prediction in zip(chunk, predictions, strict=True):
                row = {"id": item.id, "label": prediction.label, "scores": prediction.scores}
                out.write(json.dumps(row) + "\n")
            count += len(chunk)
    print(f"classified {count} prompts -> {args.output}", file=sys.stderr)
    return 0


def _print_summary(summary: object) -> None:
    from distillguard.summary import ReplaySummary

    assert isinstance(summary, ReplaySummary)
    print()
    print(
        f"Records: {summary.records_total} in = {summary.records_valid} valid + {summary.records_quarantined} "
        f"quarantined + {summary.records_redacted} redacted + {summary.records_skipped} skipped "
        f"({'adds up' if summary.adds_up else 'DOES NOT ADD UP'}); "
        f"{summary.dead_lettered_messages} messages dead-lettered"
    )
    if summary.mostly_redacted_accounts:
        blind = ", ".join(f"{account} {share:.0%}" for account, share in summary.mostly_redacted_accounts.items())
        print(f"Mostly redacted (no prompt to judge): {blind}")
    if summary.quarantine_reasons:
        reasons = ", ".join(f"{reason} {count}" for reason, count in summary.quarantine_reasons.items())
        print(f"Quarantined for: {reasons}")
    labels = ", ".join(f"{label} {count}" for label, count in summary.by_label.items())
    print(f"Classified {summary.prompts_classified} prompts: {labels}")
    print(f"Pipeline time: {summary.elapsed_seconds:.1f} s for {summary.objects} objects")
    print(f"Findings: {summary.findings} messages about {summary.incidents} incident(s)")


def _print_findings(findings: Sequence[object]) -> None:
    from distillguard.findings import PublishedFinding

    print(f"\n{len(findings)} finding message(s) published to SNS (OCSF Detection Finding):")
    for finding in findings:
        assert isinstance(finding, PublishedFinding)
        print(f"  {finding.headline()}")
        networks = ", ".join(list(finding.evidence.get("networks", {}))[:3])
        agents = ", ".join(list(finding.evidence.get("user_agents", {}))[:2])
        shown = ", ".join(finding.members[:6]) + (" …" if finding.members_total > 6 else "")
        print(f"      {finding.members_total} account(s): {shown}")
        if networks or agents:
            print(f"      networks {networks or '-'}; user agents {agents or '-'}")


if __name__ == "__main__":
    raise SystemExit(main())
