"""Cold start of each Lambda function: ``python -m infra.bench_coldstart``.

Each function's ``app.py`` is imported in a fresh interpreter, with the environment the local pipeline gives it
(the template's variables, resolved against the embedded emulator: ``distillguard.local``). Importing it is the
function's initialisation: it builds its boto3 clients, reads its settings, loads the ONNX model or builds the
expectation suite. Per function, over ``--runs`` fresh interpreters (median): the seconds the import takes, the
seconds from launching the interpreter to the handler being ready (the probe reports it as soon as the import is
done: the interpreter's exit, which tears down the model and the modules, is not counted), the peak RSS after the
import, and which heavy modules got imported. Ends with one JSON line holding every figure.

The interpreter start itself is Python's, not Lambda's runtime, and this machine is not Lambda's: the figures rank
the functions and show what each one pays for, they are not Lambda's INIT duration. By default the probe runs in
this environment (the dev venv, which holds packages no function ships, such as awscrt, which boto3 imports when
present); ``--python`` runs it in another interpreter instead, with the repository's ``shared/`` first on its path
as the layer is in Lambda: `make bench-coldstart-lambda` builds one from the functions' own lock files.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

HEAVY_MODULES = ("onnxruntime", "numpy", "great_expectations", "pandas")
FUNCTIONS = ("ValidateFunction", "ClassifyFunction", "AggregateFunction", "CorrelateFunction")

# Runs in the fresh interpreter: imports app.py the way the Lambda runtime does (its folder first on sys.path).
_PROBE = """
import importlib.util, json, re, sys, time
started = time.perf_counter()
code_dir, module_name, heavy, launched = sys.argv[1], sys.argv[2], sys.argv[3].split(","), float(sys.argv[4])
sys.path.insert(0, code_dir)
spec = importlib.util.spec_from_file_location(module_name, f"{code_dir}/{module_name}.py")
module = importlib.util.module_from_spec(spec)
sys.modules[module_name] = module
spec.loader.exec_module(module)
seconds = time.perf_counter() - started
ready = time.time() - launched  # from the parent's launch: exec and interpreter start included, exit not
print(json.dumps({
    "import_seconds": seconds,
    "ready_seconds": ready,
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent (the emulator's process here)
    "peak_rss_mb": int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) / 1024,
    "heavy_modules": sorted(name for name in heavy if name in sys.modules),
    "modules": len(sys.modules),
    "distillguard_modules": sorted(name for name in sys.modules if name.startswith("distillguard")),
}))
"""


@dataclass(frozen=True)
class FunctionCode:
    logical_id: str
    code_dir: Path
    module: str


@contextmanager
def function_environments() -> Iterator[tuple[dict[str, FunctionCode], dict[str, str]]]:
    """The functions of template.yaml and the environment the local pipeline runs them with, while the embedded
    emulator (or AWS_ENDPOINT_URL) is up: the process environment (endpoint, credentials) plus every function's
    variables."""
    from distillguard.adapters.clients import client
    from distillguard.local.emulator import aws_endpoint
    from distillguard.local.pipeline import TEMPLATE, local_environment
    from distillguard.local.provision import Provisioner

    with aws_endpoint():
        deployment = Provisioner(client, TEMPLATE, "distillguard-coldstart").deploy()
        functions = {
            logical_id: FunctionCode(logical_id, spec.code_dir, spec.handler.rsplit(".", 1)[0])
            for logical_id, spec in deployment.functions.items()
        }
        yield functions, dict(os.environ) | local_environment(deployment)


def import_profile(function: FunctionCode, environment: dict[str, str], python: str = sys.executable) -> dict[str, Any]:
    """Imports one function's module in a fresh interpreter; its import time, peak RSS and heavy modules, and the
    wall time from starting the interpreter to the handler being ready."""
    heavy = ",".join(HEAVY_MODULES)
    command = [python, "-c", _PROBE, str(function.code_dir), function.module, heavy, repr(time.time())]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise RuntimeError(f"{function.logical_id} failed to import: {done.stderr.strip()[-1500:]}")
    profile: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return profile


def bench(
    functions: dict[str, FunctionCode],
    environment: dict[str, str],
    runs: int,
    names: tuple[str, ...] = FUNCTIONS,
    python: str = sys.executable,
) -> dict[str, Any]:
    results = {}
    for logical_id in names:
        profiles = [import_profile(functions[logical_id], environment, python) for _ in range(runs)]
        results[logical_id] = {
            "import_seconds_median": round(statistics.median(p["import_seconds"] for p in profiles), 3),
            "ready_seconds_median": round(statistics.median(p["ready_seconds"] for p in profiles), 3),
            "peak_rss_mb_median": round(statistics.median(p["peak_rss_mb"] for p in profiles), 1),
            "heavy_modules": profiles[-1]["heavy_modules"],
            "modules_imported": profiles[-1]["modules"],
            "runs": runs,
        }
        print(json.dumps({"function": logical_id} | results[logical_id]), file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per function (median)")
    parser.add_argument("--python", help="the interpreter that imports each function (default: this one)")
    parser.add_argument("--functions", nargs="+", choices=FUNCTIONS, default=list(FUNCTIONS))
    args = parser.parse_args(argv)
    with function_environments() as (functions, environment):
        if args.python:
            environment = environment | {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "shared")}
        python = args.python or sys.executable
        results = bench(functions, environment, args.runs, tuple(args.functions), python)
    print(json.dumps({"benchmark": "coldstart", "date": formatdate(usegmt=True), "functions": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
