"""Speed, start-up, size and memory of the shipped classifier.

    python -m models.benchmark [--model-dir models/distillguard-clf-commercial] [--data ../shared/data/prompts]
                               [--records /tmp/sim] [--write]

- throughput: prompts/s through the classifier (featurisation, then the ONNX graph, timed apart) with one
  intra-op thread (``make benchmark`` also sets OMP_NUM_THREADS=1), batches of 256, in the CPU time of the one
  process (best of 5 passes; the machine is shared and noisy, wall-clock figures are reported beside it), with
  the per-batch p50/p99: over every corpus prompt in a fixed shuffled order (the corpus's length mix), over the
  longest 10% of them, and over the prompts of simulated log records (``--records``, the output of
  ``distillguard simulate``);
- cold start: a fresh Python process imports the package, loads the model and classifies one prompt; and the
  classify function itself (``functions/classify/app.py`` imported as Lambda's init phase does);
- artefact size: the files in the model folder;
- peak memory: a fresh process classifies one batch of 256 prompts of 20,000 characters each (peak RSS).
GPU throughput is not measured here (no GPU on the build machine).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from distillguard.classifier import PromptClassifier
from distillguard.classifier.runtime import length_sorted_batches
from models.data import DEFAULT_DATA_DIR, load_corpus

DEFAULT_MODEL_DIR = Path("models/distillguard-clf-commercial")

_COLD_START = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from distillguard.classifier import PromptClassifier
t1 = time.perf_counter()
clf = PromptClassifier.load(Path(sys.argv[1]), intra_op_threads=1)
t2 = time.perf_counter()
clf.predict(["[user]\nWhat is the capital of France?"])
t3 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3, "first_result_ms": (t3 - t0) * 1e3,
                  "first_result_cpu_ms": time.process_time() * 1e3}))
"""

_MEMORY = r"""
import json, resource, sys
from pathlib import Path
from distillguard.classifier import PromptClassifier
clf = PromptClassifier.load(Path(sys.argv[1]), intra_op_threads=1)
clf.predict(["[user]\nwarm up"])
def rss_mb():
    # VmHWM (peak resident set of this process image), in MB. Unlike ru_maxrss it is reset by exec, so a
    # child of a large parent process does not inherit the parent's peak.
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
words = "the quick brown fox jumps over 13 lazy dogs while reasoning about <think> tools and answers".split()
def filler(n, seed):
    out, i, size = [], seed, 0
    while size <= n:
        out.append(words[i % len(words)] + str(i % 97))
        size += len(out[-1]) + 1
        i = (i * 31 + 7) % 1009
    return " ".join(out)[:n]
prompts = []
for k in range(256):
    if k % 3 == 0:
        text = filler(20000, k)
    else:
        text = "[system]\n" + filler(6000, k) + "\n\n[tools]\n" + filler(4000, k + 1) + "\n\n[user]\n"
        text += filler(20000 - len(text), k + 2)
    assert len(text) == 20000, len(text)
    prompts.append(text)
import tracemalloc
before = rss_mb()
tracemalloc.start()
preds = clf.predict(prompts, batch_size=256)
_, traced_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
after = rss_mb()
print(json.dumps({"n_prompts": len(preds), "prompt_chars": 20000, "peak_rss_mb_before_batch": round(before, 1),
                  "peak_rss_mb": round(after, 1), "python_numpy_peak_during_batch_mb": round(traced_peak / 2**20, 1)}))
"""


_CLASSIFY_FUNCTION = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, "functions/classify")
import app  # the Lambda's module: settings, S3 client, model load
t1 = time.perf_counter()
app.classifier.predict(["[user]\nWhat is the capital of France?"])
t2 = time.perf_counter()
with open("/proc/self/status") as fh:
    rss = next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))
print(json.dumps({"import_and_load_ms": (t1 - t0) * 1e3, "first_result_ms": (t2 - t0) * 1e3,
                  "first_result_cpu_ms": time.process_time() * 1e3, "peak_rss_mb": rss}))
"""


def _classify_function_cold_start(model_dir: Path, runs: int = 3) -> dict:
    """A fresh process imports functions/classify/app.py (what Lambda's init phase runs) and classifies one
    prompt; no AWS call is made (the S3 client is only created)."""
    env = {
        "BUCKET_NAME": "benchmark-bucket",
        "MODEL_DIR": str(model_dir.resolve()),
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_METRICS_NAMESPACE": "DistillGuardBenchmark",
    }
    cold = [_subprocess_json(_CLASSIFY_FUNCTION, model_dir, env) for _ in range(runs)]
    return {k: round(statistics.median(c[k] for c in cold), 1) for k in cold[0]} | {"runs": runs}


def _subprocess_json(code: str, model_dir: Path, extra_env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1") | (extra_env or {})
    res = subprocess.run(
        [sys.executable, "-c", code, str(model_dir)], capture_output=True, text=True, env=env, timeout=300
    )
    if res.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def throughput(clf: PromptClassifier, texts: list[str], passes: int = 5, batch_size: int = 256) -> dict:
    """Featurisation and ONNX timed apart (batched as ``predict`` batches them), per batch, in CPU time of
    this single-threaded process and in wall-clock time. CPU time is the one-core figure on a shared machine:
    other processes do not inflate it."""
    clf.predict(texts[:batch_size])  # warm-up
    best: dict | None = None
    batch_wall_ms: list[float] = []
    batch_cpu_ms: list[float] = []
    for _ in range(passes):
        feat_cpu = onnx_cpu = wall = 0.0
        for batch in length_sorted_batches(texts, batch_size):  # as predict() batches
            chunk = [texts[i] for i in batch]
            w0, c0 = time.perf_counter(), time.process_time()
            features = clf.featurize(chunk)
            c1 = time.process_time()
            clf.score_features(*features)
            w2, c2 = time.perf_counter(), time.process_time()
            feat_cpu, onnx_cpu, wall = feat_cpu + c1 - c0, onnx_cpu + c2 - c1, wall + w2 - w0
            batch_wall_ms.append((w2 - w0) * 1e3)
            batch_cpu_ms.append((c2 - c0) * 1e3)
        run = {"cpu_s": feat_cpu + onnx_cpu, "featurisation_cpu_s": feat_cpu, "onnx_cpu_s": onnx_cpu, "wall_s": wall}
        if best is None or run["cpu_s"] < best["cpu_s"]:
            best = run
    assert best is not None
    n = len(texts)
    return {
        "prompts_per_s": round(n / best["cpu_s"]),
        "prompts_per_s_wall_clock": round(n / best["wall_s"]),
        "featurisation_share": round(best["featurisation_cpu_s"] / best["cpu_s"], 3),
        "onnx_share": round(best["onnx_cpu_s"] / best["cpu_s"], 3),
        "featurisation_prompts_per_s": round(n / best["featurisation_cpu_s"]),
        "onnx_prompts_per_s": round(n / best["onnx_cpu_s"]),
        "batch_ms_p50": round(_percentile(batch_cpu_ms, 50), 2),
        "batch_ms_p99": round(_percentile(batch_cpu_ms, 99), 2),
        "batch_wall_ms_p50": round(_percentile(batch_wall_ms, 50), 2),
        "batch_wall_ms_p99": round(_percentile(batch_wall_ms, 99), 2),
        "definition": f"CPU time of one process, best of {passes} passes (wall-clock figures beside it)",
        "n_prompts": n,
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "median_chars": round(statistics.median(len(t) for t in texts)),
        "batch_size": batch_size,
        "intra_op_threads": 1,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
        "providers": clf.providers,
    }


def simulated_prompts(records_dir: Path) -> list[str]:
    """The prompts of every log record under ``records_dir`` (``distillguard simulate --out DIR``), as the
    validate stage reads them."""
    from distillguard.formats import FormatSettings, RecordRejected, parse_record, read_raw_lines

    settings = FormatSettings()
    prompts: list[str] = []
    for path in sorted(p for p in records_dir.rglob("*") if p.is_file()):
        with path.open("rb") as fh:
            for line in read_raw_lines(fh):
                if line.data is None:
                    continue
                try:
                    record = parse_record(
                        line.data, source_key=str(path), line_number=line.line_number, settings=settings
                    )
                except RecordRejected:
                    continue
                prompts.append(record.prompt)
    return prompts


def run_benchmark(
    model_dir: Path = DEFAULT_MODEL_DIR,
    data_dir: Path = DEFAULT_DATA_DIR,
    exclude_noncommercial: bool = False,
    records_dir: Path | None = None,
) -> dict:
    texts = [e.text for e in load_corpus(data_dir, exclude_noncommercial=exclude_noncommercial)]
    random.Random(0).shuffle(texts)
    longest = sorted(texts, key=len)[-max(1, len(texts) // 10) :]
    random.Random(0).shuffle(longest)
    clf = PromptClassifier.load(model_dir, intra_op_threads=1)
    result = {"throughput_cpu": throughput(clf, texts), "throughput_cpu_longest_10pct": throughput(clf, longest)}
    if records_dir is not None:
        result["throughput_cpu_simulated"] = throughput(clf, simulated_prompts(records_dir)) | {
            "records_dir": str(records_dir)
        }
    cold = [_subprocess_json(_COLD_START, model_dir) for _ in range(3)]
    result["cold_start"] = {
        k: round(statistics.median(c[k] for c in cold), 1)
        for k in ("import_ms", "load_ms", "first_result_ms", "first_result_cpu_ms")
    } | {
        "runs": 3,
        "definition": "fresh process: import + load + first prediction (first_result_ms, wall clock from the "
        "first import; first_result_cpu_ms: the process's CPU time, interpreter start included)",
    }
    files = {p.name: p.stat().st_size for p in sorted(model_dir.iterdir()) if p.is_file()}
    served = ("model.onnx", "unigrams.txt", "bigram_keys.npy", "metadata.json")
    result["artefact"] = {
        "served_files_mb": round(sum(files.get(n, 0) for n in served) / 1e6, 2),
        "folder_mb": round(sum(files.values()) / 1e6, 2),
        "files_bytes": files,
    }
    result["memory_256x20000_chars"] = _subprocess_json(_MEMORY, model_dir)
    result["cold_start_classify_function"] = _classify_function_cold_start(model_dir)
    result["gpu"] = "not measured: no GPU on the build machine (CUDAExecutionProvider path untested here)"
    result["machine"] = {"cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--records", type=Path, default=None, help="also time the prompts of these log records (simulate --out DIR)"
    )
    parser.add_argument(
        "--write", action="store_true", help="store the figures in the folder's EVALUATION.json and regenerate its card"
    )
    args = parser.parse_args(argv)
    evaluation_file = args.model_dir / "EVALUATION.json"
    evaluation = json.loads(evaluation_file.read_text(encoding="utf-8")) if evaluation_file.exists() else {}
    exclude = bool(evaluation.get("data", {}).get("exclude_noncommercial", False))
    speed = run_benchmark(args.model_dir, args.data, exclude_noncommercial=exclude, records_dir=args.records)
    print(json.dumps(speed, indent=1))
    if args.write:
        from models.card import write_model_card

        evaluation["speed"] = speed
        evaluation_file.write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
        write_model_card(args.model_dir, evaluation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
