"""The serving side: load the artefact folder once per process and classify batches of prompts."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import distillguard
from distillguard.classifier.preprocessing import Featurizer
from distillguard.records import LABELS, Label

logger = logging.getLogger(__name__)

# The shipped artefact folder in the repository (the package is installed editable from shared/): the model
# trained without the corpus's non-commercial sources, so that the default is free to deploy commercially.
DEFAULT_MODEL_DIR: Path = Path(distillguard.__file__).resolve().parents[2] / "models" / "distillguard-clf-commercial"

MODEL_FILE = "model.onnx"
UNIGRAMS_FILE = "unigrams.txt"
BIGRAMS_FILE = "bigram_keys.npy"
METADATA_FILE = "metadata.json"


@dataclass(frozen=True, slots=True)
class Prediction:
    label: Label
    scores: dict[Label, float]


def load_featurizer(model_dir: Path) -> Featurizer:
    unigrams = (model_dir / UNIGRAMS_FILE).read_text(encoding="utf-8").split("\n")
    bigram_keys = np.load(model_dir / BIGRAMS_FILE, allow_pickle=False)
    return Featurizer(unigrams, bigram_keys)


def _order_providers(providers: Sequence[str]) -> list[str]:
    """CUDA first when asked for, and the CPU always last as the fallback."""
    ordered = list(dict.fromkeys(providers))
    if "CUDAExecutionProvider" in ordered:
        ordered.remove("CUDAExecutionProvider")
        ordered.insert(0, "CUDAExecutionProvider")
    if "CPUExecutionProvider" in ordered:
        ordered.remove("CPUExecutionProvider")
    ordered.append("CPUExecutionProvider")
    return ordered


def length_sorted_batches(texts: Sequence[str], batch_size: int) -> list[np.ndarray]:
    """Indices of ``texts`` in batches of similar lengths: every prompt of a batch is padded to the batch's
    longest, so batching short with short and long with long spares the graph most of its padding (about
    2.5 times less work on the corpus's length mix). Each prompt's result does not depend on its batch."""
    order = np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), kind="stable")
    return [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]


class PromptClassifier:
    """A prompt classifier: numpy featurisation, then one ONNX graph (idf, L2 norm, linear, softmax)."""

    def __init__(self, session, featurizer: Featurizer, metadata: dict) -> None:  # noqa: ANN001
        self._session = session
        self._featurizer = featurizer
        self.metadata = metadata
        self.version: str = metadata["version"]
        self.labels: tuple[Label, ...] = tuple(metadata["labels"])
        if set(self.labels) != set(LABELS):
            raise ValueError(f"model labels {self.labels} do not match {LABELS}")
        self.providers: list[str] = list(session.get_providers())

    @classmethod
    def load(
        cls,
        model_dir: Path = DEFAULT_MODEL_DIR,
        providers: Sequence[str] = ("CPUExecutionProvider",),
        intra_op_threads: int = 1,
    ) -> PromptClassifier:
        """Load the artefact folder once per process. ``providers`` come from configuration; CUDA is asked for
        first when listed, the CPU is always the fallback, and ``self.providers`` says what really runs."""
        import onnxruntime as ort  # imported here so that importing the package stays cheap

        model_dir = Path(model_dir)
        metadata = json.loads((model_dir / METADATA_FILE).read_text(encoding="utf-8"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(
            str(model_dir / MODEL_FILE), sess_options=options, providers=_order_providers(providers)
        )
        clf = cls(session, load_featurizer(model_dir), metadata)
        if "CUDAExecutionProvider" in providers and "CUDAExecutionProvider" not in clf.providers:
            logger.warning("CUDAExecutionProvider was asked for but is not in use; running on %s", clf.providers)
        logger.info(
            "prompt classifier loaded",
            extra={"model_version": clf.version, "providers_requested": list(providers), "providers": clf.providers},
        )
        return clf

    def predict_proba(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Probabilities, float32 [N, 3], columns in ``self.labels`` order (the order of ``texts``)."""
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        for batch in length_sorted_batches(texts, batch_size):
            out[batch] = self.score_features(*self.featurize([texts[i] for i in batch]))
        return out

    def featurize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The graph's inputs for one batch: padded feature ids and counts (the numpy half of the work)."""
        return self._featurizer.transform(texts)

    def score_features(self, indices: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Probabilities for one batch of features (the ONNX half of the work)."""
        (probs,) = self._session.run(["probabilities"], {"indices": indices, "counts": counts})
        return probs

    def predict(self, texts: Sequence[str], batch_size: int = 256) -> list[Prediction]:
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of prompts, not one string")
        probs = self.predict_proba(list(texts), batch_size=batch_size)
        labels = self.labels
        best = probs.argmax(axis=1)
        return [
            Prediction(label=labels[int(b)], scores={lab: float(p) for lab, p in zip(labels, row, strict=True)})
            for b, row in zip(best, probs, strict=True)
        ]
