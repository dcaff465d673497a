"""Realistic simulated LLM-API traffic with ground truth, for the demo, tests and benchmarks.

`simulate(out_dir, seed=...)` writes, under out_dir, the objects as they would land in the bucket:

- `AWSLogs/<payer>/BedrockModelInvocationLogs/us-east-1/YYYY/MM/DD/HH/<payer>_..._<YYYYMMDDTHHMM>Z_<hex>.json.gz`
  (Bedrock invocation logs, InvokeModel and Converse, customer in `requestMetadata.customer_account`);
- `gateway/YYYY/MM/DD/HH/<uuid>.jsonl.gz` and `.jsonl` (the gateway's own log);
- `litellm/YYYY-MM-DD/<HH-MM-SS>_<call id>.json` (one LiteLLM StandardLoggingPayload per object);
- `_ground_truth.json` (`GroundTruth`) and `_records.jsonl.gz` (per-request truth); replay skips `_` files.

`n_records` counts valid requests; about 0.5% more lines are hostile or broken (`GroundTruth.n_broken`).
Everything derives from the seed: the same seed gives byte-identical output.
"""

from distillguard.simulate.engine import simulate
from distillguard.simulate.model import AccountTruth, ExpectedAlert, GroundTruth

__all__ = ["AccountTruth", "ExpectedAlert", "GroundTruth", "simulate"]
