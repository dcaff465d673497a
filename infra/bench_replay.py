"""Times `distillguard replay --emulator` over simulated traffic: python -m infra.bench_replay --scale small."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from distillguard.cli import main as distillguard


def run(scale: str, seed: int) -> dict[str, object]:
    from distillguard.simulate import simulate

    with tempfile.TemporaryDirectory(prefix="distillguard-bench-") as scratch:
        logs = Path(scratch) / "logs"
        truth = simulate(logs, seed=seed, scale=scale)
        started = time.perf_counter()
        code = distillguard(
            [
                "replay",
                str(logs),
                "--emulator",
                "--alerts-out",
                f"{scratch}/alerts.jsonl",
                "--summary-out",
                f"{scratch}/summary.json",
            ]
        )
        elapsed = time.perf_counter() - started
        summary = json.loads(Path(scratch, "summary.json").read_text())
        alerted = {
            json.loads(line)["customer_account"] for line in Path(scratch, "alerts.jsonl").read_text().splitlines()
        }
    attackers = truth.attackers
    return {
        "records_written": truth.n_records + truth.n_broken,
        "replay_exit_code": code,
        "replay_wall_seconds": round(elapsed, 1),
        "records_per_second": round(summary["records_total"] / elapsed),
        "summary": summary,
        "attackers": len(attackers),
        "attackers_alerted": len(attackers & alerted),
        "benign_accounts_alerted": sorted(alerted - attackers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=("tiny", "small", "full"), default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(run(args.scale, args.seed), indent=2))


if __name__ == "__main__":
    main()
