"""The in-process engine: the pipeline's stage code over local folders and in-memory stores (no AWS calls)."""

from distillguard.engine.run import EngineRun, run_folder

__all__ = ["EngineRun", "run_folder"]
