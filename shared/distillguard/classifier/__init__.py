"""The prompt classifier: cot_harvesting / agentic_extraction / ordinary.

Serving needs numpy and onnxruntime only. The shipped artefact folder (``models/distillguard-clf-commercial/``,
trained without the corpus's non-commercial sources; ``models/distillguard-clf/`` is the same pipeline on all of
them) holds the ONNX graph, the vocabulary and ``metadata.json``; ``python -m models.train`` writes both.
"""

from __future__ import annotations

from distillguard.classifier.runtime import DEFAULT_MODEL_DIR, Prediction, PromptClassifier

__all__ = ["DEFAULT_MODEL_DIR", "Prediction", "PromptClassifier"]
