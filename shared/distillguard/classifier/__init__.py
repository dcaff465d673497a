"""The prompt classifier: cot_harvesting / agentic_extraction / ordinary.

Serving needs numpy and onnxruntime only. The artefact folder (``models/distillguard-clf/``) holds the ONNX
graph, the vocabulary and ``metadata.json``; ``python -m models.train`` writes it.
"""

from __future__ import annotations

from distillguard.classifier.runtime import DEFAULT_MODEL_DIR, Prediction, PromptClassifier

__all__ = ["DEFAULT_MODEL_DIR", "Prediction", "PromptClassifier"]
