"""Training, evaluation and benchmarking of the DistillGuard prompt classifier (run from the repo root)."""
