"""DistillGuard: detect distillation attacks in LLM API request logs."""

__version__ = "0.1.0"
