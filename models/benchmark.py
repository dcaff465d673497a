"""Speed, start-up, size and memory of the shipped classifier.

    python -m models.benchmark [--model-dir models/distillguard-clf] [--data ../shared/data/prompts] [--write]

- throughput: prompts/s through ``PromptClassifier.predict`` (featurisation + ONNX) with one intra-op thread,
  over every corpus prompt in a fixed shuffled order (the corpus's length mix), batches of 256; best of 3
  passes (the machine is shared and noisy);
- cold start: a fresh Python process imports the package, loads the model and classifies one prompt;
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

from models.data import DEFAULT_DATA_DIR, load_corpus

DEFAULT_MODEL_DIR = Path("models/distillguard-clf")

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
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "load_ms": (t2 - t1) * 1e3, "first_result_ms": (t3 - t0) * 1e3}))
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


def _subprocess_json(code: str, model_dir: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run(
        [sys.executable, "-c", code, str(model_dir)], capture_output=True, text=True, env=env, timeout=300
    )
    if res.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def throughput(model_dir: Path, texts: list[str], passes: int = 3, batch_size: int = 256) -> dict:
    from distillguard.classifier import PromptClassifier

    clf = PromptClassifier.load(model_dir, intra_op_threads=1)
    clf.predict(texts[:batch_size])  # warm-up
    rates = []
    for _ in range(passes):
        t = time.perf_counter()
        clf.predict(texts, batch_size=batch_size)
        rates.append(len(texts) / (time.perf_counter() - t))
    return {
        "prompts_per_s": round(max(rates)),
        "prompts_per_s_all_passes": [round(r) for r in rates],
        "n_prompts": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "median_chars": round(statistics.median(len(t) for t in texts)),
        "batch_size": batch_size,
        "intra_op_threads": 1,
        "providers": clf.providers,
    }


def run_benchmark(
    model_dir: Path = DEFAULT_MODEL_DIR, data_dir: Path = DEFAULT_DATA_DIR, exclude_noncommercial: bool = False
) -> dict:
    texts = [e.text for e in load_corpus(data_dir, exclude_noncommercial=exclude_noncommercial)]
    random.Random(0).shuffle(texts)
    result = {"throughput_cpu": throughput(model_dir, texts)}
    cold = [_subprocess_json(_COLD_START, model_dir) for _ in range(3)]
    result["cold_start"] = {
        k: round(statistics.median(c[k] for c in cold), 1) for k in ("import_ms", "load_ms", "first_result_ms")
    } | {"runs": 3, "definition": "fresh process: import + load + first prediction (first_result_ms)"}
    files = {p.name: p.stat().st_size for p in sorted(model_dir.iterdir()) if p.is_file()}
    served = ("model.onnx", "unigrams.txt", "bigram_keys.npy", "metadata.json")
    result["artefact"] = {
        "served_files_mb": round(sum(files.get(n, 0) for n in served) / 1e6, 2),
        "folder_mb": round(sum(files.values()) / 1e6, 2),
        "files_bytes": files,
    }
    result["memory_256x20000_chars"] = _subprocess_json(_MEMORY, model_dir)
    result["gpu"] = "not measured: no GPU on the build machine (CUDAExecutionProvider path untested here)"
    result["machine"] = {"cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--write", action="store_true", help="store the figures in the folder's EVALUATION.json and regenerate its card"
    )
    args = parser.parse_args(argv)
    evaluation_file = args.model_dir / "EVALUATION.json"
    evaluation = json.loads(evaluation_file.read_text(encoding="utf-8")) if evaluation_file.exists() else {}
    exclude = bool(evaluation.get("data", {}).get("exclude_noncommercial", False))
    speed = run_benchmark(args.model_dir, args.data, exclude_noncommercial=exclude)
    print(json.dumps(speed, indent=1))
    if args.write:
        from models.card import write_model_card

        evaluation["speed"] = speed
        evaluation_file.write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
        write_model_card(args.model_dir, evaluation)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
