"""Writing the shipped artefact folder and checking the ONNX graph against the training framework."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import onnxruntime as ort

from distillguard.classifier.runtime import BIGRAMS_FILE, METADATA_FILE, MODEL_FILE, UNIGRAMS_FILE
from distillguard.records import LABELS
from models.core import LinearModel
from models.onnx_graph import build_model

DEFAULT_OUT = Path("models/distillguard-clf")


def to_onnx_bytes(model: LinearModel) -> bytes:
    onnx_model = build_model(model.idf, model.weights, model.bias, doc_string="DistillGuard prompt classifier")
    return onnx_model.SerializeToString()


def onnx_proba(onnx_bytes: bytes, model: LinearModel, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sess = ort.InferenceSession(onnx_bytes, sess_options=options, providers=["CPUExecutionProvider"])
    out = []
    for s in range(0, len(texts), batch_size):
        indices, counts = model.featurizer.transform(texts[s : s + batch_size])
        out.append(sess.run(["probabilities"], {"indices": indices, "counts": counts})[0])
    return np.concatenate(out) if out else np.zeros((0, len(LABELS)), np.float32)


def parity(onnx_bytes: bytes, model: LinearModel, texts: Sequence[str]) -> dict:
    """Max absolute difference between ONNX (serving featurizer + graph) and scikit-learn probabilities."""
    p_onnx = onnx_proba(onnx_bytes, model, texts)
    p_sk = model.predict_proba(texts)
    diff = np.abs(p_onnx.astype(np.float64) - p_sk)
    return {
        "n": len(texts),
        "max_abs_diff": float(diff.max()),
        "mean_abs_diff": float(diff.mean()),
        "argmax_disagreements": int((p_onnx.argmax(1) != p_sk.argmax(1)).sum()),
        "tolerance": 1e-4,
        "passed": bool(diff.max() <= 1e-4),
    }


def write_artefact(out_dir: Path, model: LinearModel, onnx_bytes: bytes, extra_metadata: dict) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_FILE).write_bytes(onnx_bytes)
    (out_dir / UNIGRAMS_FILE).write_text("\n".join(model.featurizer.unigrams), encoding="utf-8")
    np.save(out_dir / BIGRAMS_FILE, model.featurizer.bigram_keys, allow_pickle=False)
    digest = hashlib.sha256()
    for name in (MODEL_FILE, UNIGRAMS_FILE, BIGRAMS_FILE):
        digest.update((out_dir / name).read_bytes())
    now = datetime.now(UTC)
    metadata = {
        "version": f"distillguard-clf-{now:%Y.%m.%d}-{digest.hexdigest()[:8]}",
        "labels": list(LABELS),
        "created_utc": now.isoformat(timespec="seconds"),
        "inputs": {"indices": "int64 [batch, length]", "counts": "float32 [batch, length]"},
        "outputs": {"probabilities": "float32 [batch, 3], columns in 'labels' order"},
        "n_features": int(model.featurizer.n_features),
        "n_unigrams": len(model.featurizer.unigrams),
        "n_bigrams": int(model.featurizer.bigram_keys.size),
        **extra_metadata,
    }
    (out_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    return metadata
