"""The `distillguard` command: demo, replay, classify, simulate."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DEMO_SEED = 7
DEMO_RECORDS = 4_000
CLASSIFY_CHUNK = 4_096


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="distillguard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the pipeline end to end on the embedded emulator and print alerts")
    demo.add_argument("--logs", type=Path, help="a folder of log files to drop (default: simulated sample logs)")
    demo.add_argument("--seed", type=int, default=DEMO_SEED)
    demo.add_argument("--records", type=int, default=DEMO_RECORDS)

    replay = commands.add_parser("replay", help="drop a folder of log files through the pipeline")
    replay.add_argument("path", type=Path)
    replay.add_argument("--alerts-out", type=Path, required=True)
    replay.add_argument("--summary-out", type=Path, required=True)
    replay.add_argument("--raw-prefix", default=None, help="the bucket prefix logs land under (default: template's)")

    classify = commands.add_parser("classify", help="label prompts from a JSON-lines file")
    classify.add_argument("--input", type=Path, required=True)
    classify.add_argument("--output", type=Path, required=True)
    classify.add_argument("--model-dir", type=Path, default=None)
    classify.add_argument("--providers", default="CPUExecutionProvider", help="comma-separated, in order of preference")
    classify.add_argument("--batch-size", type=int, default=256)

    simulate = commands.add_parser("simulate", help="write realistic traffic with ground truth")
    simulate.add_argument("--out", type=Path, required=True)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--records", type=int, default=12_000)
    simulate.add_argument("--hours", type=int, default=6)

    args = parser.parse_args(argv)
    handlers = {"demo": _demo, "replay": _replay, "classify": _classify, "simulate": _simulate}
    return handlers[args.command](args)


def _simulate(args: argparse.Namespace) -> int:
    from distillguard.simulate import simulate

    truth = simulate(args.out, seed=args.seed, n_records=args.records, hours=args.hours)
    attackers = sorted(truth.attackers)
    print(f"wrote {truth.n_records} records ({truth.n_broken} deliberately broken) to {args.out}")
    print(f"{len(truth.accounts)} accounts, {len(attackers)} attackers: {', '.join(attackers)}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from distillguard.local.pipeline import local_pipeline

    truth = None
    with tempfile.TemporaryDirectory(prefix="distillguard-demo-") as scratch:
        logs = args.logs
        if logs is None:
            from distillguard.simulate import simulate

            logs = Path(scratch) / "logs"
            truth = simulate(logs, seed=args.seed, n_records=args.records, hours=6)
            print(f"Simulated {truth.n_records} requests from {len(truth.accounts)} accounts (seed {args.seed}).")
        with local_pipeline() as (endpoint, pipeline):
            where = "embedded emulator" if endpoint.embedded else "endpoint"
            print(f"AWS resources from template.yaml on the {where} at {endpoint.url}")
            started = time.perf_counter()
            objects = pipeline.drop(logs)
            print(
                f"Dropped {objects} log objects under s3://{pipeline.deployment.bucket}/{pipeline.deployment.raw_prefix}"
            )
            alerts = pipeline.run()
            summary = pipeline.summary(time.perf_counter() - started)
    _print_summary(summary)
    _print_alerts(alerts)
    if truth is not None:
        attackers = truth.attackers
        alerted = {alert.customer_account for alert in alerts}
        print(
            f"\nAgainst the simulation's ground truth: {len(alerted & attackers)} of {len(attackers)} attacker "
            f"accounts alerted; {len(alerted - attackers)} of {len(truth.accounts) - len(attackers)} ordinary "
            "accounts alerted."
        )
    return 0


def _replay(args: argparse.Namespace) -> int:
    from distillguard.local.pipeline import local_pipeline, write_alerts

    if not args.path.is_dir():
        print(f"error: {args.path} is not a folder", file=sys.stderr)
        return 2
    overrides = {"RawLogPrefix": args.raw_prefix.rstrip("/") + "/"} if args.raw_prefix else None
    with local_pipeline(parameter_overrides=overrides) as (_, pipeline):
        started = time.perf_counter()
        pipeline.drop(args.path)
        alerts = pipeline.run()
        summary = pipeline.summary(time.perf_counter() - started)
    write_alerts(alerts, args.alerts_out)
    args.summary_out.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    _print_summary(summary)
    _print_alerts(alerts)
    return 0 if summary.adds_up and summary.dead_lettered_messages == 0 else 1


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
    from distillguard.local.pipeline import ReplaySummary

    assert isinstance(summary, ReplaySummary)
    print()
    print(
        f"Records: {summary.records_total} in = {summary.records_valid} valid + {summary.records_quarantined} "
        f"quarantined ({'adds up' if summary.adds_up else 'DOES NOT ADD UP'}); "
        f"{summary.dead_lettered_messages} messages dead-lettered"
    )
    if summary.quarantine_reasons:
        reasons = ", ".join(f"{reason} {count}" for reason, count in summary.quarantine_reasons.items())
        print(f"Quarantined for: {reasons}")
    labels = ", ".join(f"{label} {count}" for label, count in summary.by_label.items())
    print(f"Classified {summary.prompts_classified} prompts: {labels}")
    print(f"Pipeline time: {summary.elapsed_seconds:.1f} s for {summary.objects} objects")


def _print_alerts(alerts: Sequence[object]) -> None:
    from distillguard.aggregation.alerts import AlertMessage

    print(f"\n{len(alerts)} alert message(s) published to SNS:")
    for alert in alerts:
        assert isinstance(alert, AlertMessage)
        print(f"  {alert.headline()}")
        details = [f"alert {alert.alert_id} {alert.event}"]
        if alert.latest_window.distinct_toolsets:
            details.append(f"{alert.latest_window.distinct_toolsets} distinct toolsets")
        if alert.network_prefixes:
            details.append("networks " + ", ".join(alert.network_prefixes))
        if alert.user_agents:
            details.append("user agents " + ", ".join(alert.user_agents))
        print(f"      {'; '.join(details)}")
    return None


if __name__ == "__main__":
    raise SystemExit(main())
