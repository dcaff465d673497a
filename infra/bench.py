"""Throughput benchmark of the in-process engine, against the floor, in one run (a benchmark: it never fails).

    python -m infra.bench [--scale small] [--seed 1101] [--json-out build/bench.json]

Simulates traffic, then times on this machine:
- the floor: gunzip + parse (orjson when installed, else json) of every line of every log object, one process;
- each stage on one core: validate (pydantic + the great-expectations suite), classify (ONNX), aggregate
  (evidence), correlate;
- the engine end to end (`run_folder`) on 1 and on 2 worker processes;
- the same gateway records re-cut into one-record and 50-record objects, end to end on one core (issue 12);
  with --emulator-objects also through `replay --emulator`, and the emulator's time for the one-record objects'
  unavoidable requests alone (each object's PUT and one GET).
Prints a table and ends with one JSON line holding every figure (the README's table is copied from it)."""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distillguard.adapters.memory import MemoryEvidenceStore
from distillguard.collection import fewer_collections, freeze_heap
from distillguard.engine.objects import FolderObjectStore
from distillguard.engine.run import batch_of, batches, correlate, run_folder, stage_settings
from distillguard.findings import PublishedFinding
from distillguard.layout import KeyLayout
from distillguard.local.pipeline import log_files
from distillguard.stages.aggregate import aggregate_objects
from distillguard.stages.classify import classify_object
from distillguard.stages.validate import validate_objects
from distillguard.validation import ValidationReport

try:
    import orjson

    def parse_line(line: bytes) -> Any:
        return orjson.loads(line)

    PARSER = f"orjson {orjson.__version__}"
except ImportError:  # pragma: no cover - orjson is optional

    def parse_line(line: bytes) -> Any:
        return json.loads(line)

    PARSER = "json"


def _lines(path: Path) -> Iterator[bytes]:
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if path.name.endswith(".json") and not data.lstrip().startswith(b'{"'):
        yield data
        return
    yield from (line for line in data.split(b"\n") if line.strip())


def floor(folder: Path) -> tuple[int, float]:
    started = time.perf_counter()
    count = 0
    for path in log_files(folder):
        for line in _lines(path):
            with contextlib.suppress(ValueError):
                parse_line(line)
            count += 1
    return count, time.perf_counter() - started


@dataclass
class StageRun:
    """What running the stages one after the other over a folder did, and how long each took."""

    seconds: dict[str, float]
    raw_objects: int
    validate_batches: int
    validated: list[str]  # the validated objects, one per batch
    records_valid: int
    findings: list[PublishedFinding]


def run_stages(
    objects: FolderObjectStore,
    store: MemoryEvidenceStore,
    *,
    aggregate_batch: int = 1,
    validate_batch: int | None = None,
) -> StageRun:
    """Validate (`validate_batch` raw objects a call; the template's ValidateBatchSize by default), classify,
    aggregate (`aggregate_batch` verdict objects a call) and correlate over the store's raw objects, each stage over
    everything before the next, on one core, timing each, with the engine's garbage collection settings
    (`distillguard.collection`)."""
    with fewer_collections():
        return _run_stages(objects, store, aggregate_batch, validate_batch)


def _run_stages(
    objects: FolderObjectStore, store: MemoryEvidenceStore, aggregate_batch: int, validate_batch: int | None
) -> StageRun:
    from distillguard.classifier import DEFAULT_MODEL_DIR, PromptClassifier
    from distillguard.validation.expectations import RecordExpectations

    settings = stage_settings()
    classifier = PromptClassifier.load(DEFAULT_MODEL_DIR, intra_op_threads=1)
    expectations = RecordExpectations(max_prompt_chars=settings.validate.max_prompt_chars)
    expectations.warm_up()
    freeze_heap()
    layout = KeyLayout(settings.validate)
    listing = objects.raw_listing()
    seconds: dict[str, float] = {}
    validated: list[str] = []
    unlogged: list[str] = []  # validate's own verdicts for redacted requests
    records = work = 0
    started = time.perf_counter()
    for batch in batches(listing, validate_batch or settings.batch_objects):
        work += 1
        outcomes = validate_objects(batch, objects=objects, settings=settings.validate, expectations=expectations)
        reports = [o for o in outcomes.values() if isinstance(o, ValidationReport)]
        records += sum(report.valid for report in reports)
        if any(report.valid for report in reports):
            validated.append(layout.validated_key(batch_of(reports)))
        if any(report.unlogged for report in reports):
            unlogged.append(layout.unlogged_key(batch_of(reports)))
    seconds["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    for key in validated:
        classify_object(key, objects=objects, settings=settings.classify, labeller=classifier)
    seconds["classify"] = time.perf_counter() - started
    started = time.perf_counter()
    verdicts = [layout.verdicts_key(key) for key in validated] + unlogged
    for start in range(0, len(verdicts), aggregate_batch):
        aggregate_objects(verdicts[start : start + aggregate_batch], objects=objects, store=store)
    seconds["aggregate"] = time.perf_counter() - started
    freeze_heap()
    started = time.perf_counter()
    findings = correlate(store, settings.correlate)
    seconds["correlate"] = time.perf_counter() - started
    return StageRun(seconds, len(listing), work, validated, records, findings)


def stages(folder: Path) -> dict[str, float]:
    """Seconds each stage takes over the whole folder on one core, run one after the other."""
    with tempfile.TemporaryDirectory(prefix="distillguard-bench-") as scratch:
        objects = FolderObjectStore(folder, stage_settings().validate.raw_prefix, Path(scratch))
        return run_stages(objects, MemoryEvidenceStore()).seconds


def recut(folder: Path, out: Path, per_object: int) -> int:
    """The gateway-format records of `folder`, rewritten `per_object` lines to an object in their hour folders."""
    count = 0
    for hour_folder in sorted({path.parent for path in (folder / "gateway").rglob("*") if path.is_file()}):
        lines = [line for path in sorted(hour_folder.iterdir()) if path.is_file() for line in _lines(path)]
        target = out / hour_folder.relative_to(folder)
        target.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(lines), per_object):
            (target / f"part-{start:06d}.jsonl").write_bytes(b"\n".join(lines[start : start + per_object]) + b"\n")
            count += 1
    return count


def timed_run(folder: Path, workers: int) -> tuple[int, float]:
    started = time.perf_counter()
    run = run_folder(folder, workers=workers)
    return run.summary.records_total, time.perf_counter() - started


def timed_emulator_run(folder: Path) -> tuple[int, float]:
    """`replay --emulator`: the files dropped in the embedded emulator, the real handlers driven through the
    queues (full batches, as Lambda's poller delivers them under load), then the correlator."""
    from distillguard.local.pipeline import local_pipeline

    with local_pipeline(stack_name=f"bench-{folder.name}") as (_, pipeline):
        started = time.perf_counter()
        pipeline.drop(folder)
        pipeline.run()
        summary = pipeline.summary(time.perf_counter() - started)
    return summary.records_total, summary.elapsed_seconds


def emulator_request_floor(folder: Path) -> float:
    """Seconds the emulator takes for the two requests no pipeline can avoid per object: the producer's PUT (with
    its notification to the queue) and one GET of it, one after the other as the drop makes them, and nothing else."""
    from distillguard.adapters.clients import client
    from distillguard.local.pipeline import local_pipeline

    with local_pipeline(stack_name=f"floor-{folder.name}") as (_, pipeline):
        bucket, s3 = pipeline.deployment.bucket, client("s3")
        keys = [pipeline.raw_key(folder, path) for path in log_files(folder)]
        started = time.perf_counter()
        pipeline.drop(folder)
        for key in keys:
            s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--seed", type=int, default=1101)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--emulator-objects", action="store_true", help="also time 1- vs 50-record objects through replay --emulator"
    )
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from distillguard.simulate import simulate

    figures: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "parser": PARSER}
    with tempfile.TemporaryDirectory(prefix="distillguard-bench-") as scratch:
        folder = Path(scratch) / "logs"
        simulate(folder, seed=args.seed, scale=args.scale)
        records, floor_seconds = floor(folder)
        figures |= {
            "scale": args.scale,
            "seed": args.seed,
            "records": records,
            "floor_seconds": round(floor_seconds, 2),
        }
        figures["floor_records_per_second"] = round(records / floor_seconds)
        for stage, seconds in stages(folder).items():
            figures[f"{stage}_records_per_second"] = round(records / seconds)
        for workers in (1, 2):
            total, seconds = timed_run(folder, workers)
            figures[f"end_to_end_{workers}_core_records_per_second"] = round(total / seconds)
            figures[f"end_to_end_{workers}_core_seconds"] = round(seconds, 1)
        figures["times_the_floor_1_core"] = round(figures["end_to_end_1_core_seconds"] / floor_seconds, 1)
        figures["speedup_2_cores"] = round(
            figures["end_to_end_1_core_seconds"] / figures["end_to_end_2_core_seconds"], 2
        )
        engines = {"": lambda cut: timed_run(cut, 1)}
        if args.emulator_objects:
            engines["emulator_"] = timed_emulator_run
        for engine, timed in engines.items():
            for per_object in (1, 50):
                cut = Path(scratch) / f"cut-{per_object}"
                objects = recut(folder, cut, per_object)
                total, seconds = timed(cut)
                figures[f"{engine}gateway_{per_object}_per_object"] = {
                    "objects": objects,
                    "records": total,
                    "seconds": round(seconds, 1),
                    "records_per_second": round(total / seconds),
                }
                if engine == "emulator_" and per_object == 1:
                    figures[f"{engine}gateway_1_per_object"]["put_and_get_only_seconds"] = round(
                        emulator_request_floor(cut), 1
                    )
                shutil.rmtree(cut)
            one, fifty = figures[f"{engine}gateway_1_per_object"], figures[f"{engine}gateway_50_per_object"]
            figures[f"{engine}one_record_objects_slowdown"] = round(one["seconds"] / fifty["seconds"], 2)
            if "put_and_get_only_seconds" in one:  # what the emulator's requests alone cost, against the goal of 2
                figures[f"{engine}one_record_put_and_get_vs_50"] = round(
                    one["put_and_get_only_seconds"] / fifty["seconds"], 2
                )
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["peak_rss_workers_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    for name, value in figures.items():
        print(f"{name:42} {value}")
    line = json.dumps(figures)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(line + "\n", encoding="utf-8")
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
