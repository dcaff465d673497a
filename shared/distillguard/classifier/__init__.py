"""The prompt classifier: cot_harvesting / agentic_extraction / ordinary.

Serving needs numpy and onnxruntime only. The artefact folder (``models/distillguard-clf/``) holds the ONNX
graph, the vocabulary and ``metadata.json``; ``python -m models.train`` writes it.
"""

from __future__ import annotations

from pathlib import Path

import distillguard
from distillguard.classifier.runtime import Prediction, PromptClassifier

DEFAULT_MODEL_DIR: Path = Path(distillguard.__file__).resolve().parents[2] / "models" / "distillguard-clf"

__all__ = ["DEFAULT_MODEL_DIR", "Prediction", "PromptClassifier"]
