"""Simulated LLM-API traffic shaped after reported distillation attacks, with ground truth, for the demo, tests and
benchmarks.

`simulate(out_dir, seed=..., scale="tiny" | "small" | "full")` writes, under out_dir, the objects as they would land
in the bucket:

- `AWSLogs/<payer>/BedrockModelInvocationLogs/us-east-1/YYYY/MM/DD/HH/<payer>_..._<YYYYMMDDTHHMM>Z_<hex>.json.gz`
  (Bedrock invocation logs, InvokeModel and Converse, customer in `requestMetadata.customer_account`);
- `gateway/YYYY/MM/DD/HH/<uuid>.jsonl.gz` and `.jsonl` (the gateway's own log, customer in `account_id`);
- `litellm/YYYY-MM-DD/<HH-MM-SS>_<call id>.json` (one LiteLLM StandardLoggingPayload per object, customer = team);
- `_ground_truth.json` (`GroundTruth`) and `_records.jsonl.gz` (per-request truth); replay skips `_` files.

Six benign populations (general users, pipelines, a company behind one NAT, agent developers, math students, an
evaluation team) and five attacker ones (hydra chain-of-thought clusters, agentic swarms, cover clusters, a lone bulk
harvester, a model hopper), each with its own timing, networks, clients, templates and models; see `scales.py` for
their sizes. About 0.5% more lines are hostile or broken (`GroundTruth.n_broken`). Everything derives from the seed.
"""

from distillguard.simulate.engine import simulate
from distillguard.simulate.model import AccountTruth, ClusterTruth, GroundTruth, ModelRelease

__all__ = ["AccountTruth", "ClusterTruth", "GroundTruth", "ModelRelease", "simulate"]
