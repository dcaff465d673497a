"""Times `distillguard replay --emulator` over simulated traffic: python -m infra.bench_replay --scale small."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from distillguard.cli import main as distillguard
from distillguard.findings import PublishedFinding


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
                "--findings-out",
                f"{scratch}/findings.jsonl",
                "--summary-out",
                f"{scratch}/summary.json",
            ]
        )
        elapsed = time.perf_counter() - started
        summary = json.loads(Path(scratch, "summary.json").read_text())
        findings = [
            PublishedFinding.from_message(line)
            for line in Path(scratch, "findings.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        alerted = {member for finding in findings if finding.about_harvesting for member in finding.members}
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
