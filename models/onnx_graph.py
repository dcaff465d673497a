"""The ONNX graph, built by hand: sparse tf-idf + L2 norm + linear layer + softmax.

Inputs  ``indices`` int64 [B, L] (0 = padding) and ``counts`` float32 [B, L] from ``Featurizer.transform``.
Output  ``probabilities`` float32 [B, C].

    w      = log1p(counts) * idf[indices]          (sublinear tf-idf; padding has idf 0)
    w      = w / max(||w||_2, 1e-12)
    logits = sum_l w[:, l] * W[indices[:, l]] + b  (a batched MatMul of [B,1,L] x [B,L,C])
    probs  = softmax(logits)

Memory is B * L * C floats for the gathered weights: L is bounded by the truncation, so a batch of 256
prompts of any length stays at a few MB.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # readable by every onnxruntime >= 1.10


def build_model(idf: np.ndarray, weights: np.ndarray, bias: np.ndarray, doc_string: str = "") -> onnx.ModelProto:
    """``idf`` [F], ``weights`` [F, C], ``bias`` [C]; row 0 is padding and must be zero."""
    idf = np.asarray(idf, dtype=np.float32)
    weights = np.asarray(weights, dtype=np.float32)
    bias = np.asarray(bias, dtype=np.float32)
    if idf[0] != 0 or np.any(weights[0] != 0):
        raise ValueError("feature 0 is padding: its idf and weights must be 0")
    n_classes = weights.shape[1]
    inits = [
        numpy_helper.from_array(idf, "idf"),
        numpy_helper.from_array(weights, "W"),
        numpy_helper.from_array(bias, "b"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "eps"),
    ]
    nodes = [
        # log1p(counts): counts >= 0, exact enough in float32 for integer counts.
        helper.make_node("Constant", [], ["one"], value=numpy_helper.from_array(np.array(1.0, np.float32))),
        helper.make_node("Add", ["counts", "one"], ["counts_p1"]),
        helper.make_node("Log", ["counts_p1"], ["tf"]),
        helper.make_node("Gather", ["idf", "indices"], ["idf_g"], axis=0),
        helper.make_node("Mul", ["tf", "idf_g"], ["w_raw"]),
        helper.make_node("Mul", ["w_raw", "w_raw"], ["w_sq"]),
        helper.make_node("ReduceSum", ["w_sq", "axis1"], ["sq_norm"], keepdims=1),
        helper.make_node("Sqrt", ["sq_norm"], ["norm"]),
        helper.make_node("Max", ["norm", "eps"], ["norm_c"]),
        helper.make_node("Div", ["w_raw", "norm_c"], ["w"]),
        helper.make_node("Unsqueeze", ["w", "axis1"], ["w_row"]),  # [B, 1, L]
        helper.make_node("Gather", ["W", "indices"], ["W_g"], axis=0),  # [B, L, C]
        helper.make_node("MatMul", ["w_row", "W_g"], ["logits_3d"]),  # [B, 1, C]
        helper.make_node("Squeeze", ["logits_3d", "axis1"], ["logits_nb"]),
        helper.make_node("Add", ["logits_nb", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "distillguard_clf",
        [
            helper.make_tensor_value_info("indices", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("counts", TensorProto.FLOAT, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", n_classes])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="distillguard")
    model.ir_version = IR_VERSION
    model.doc_string = doc_string
    onnx.checker.check_model(model)
    return model


def numpy_forward(
    idf: np.ndarray, weights: np.ndarray, bias: np.ndarray, indices: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """The same computation in numpy (float64), to check the graph against."""
    w = np.log1p(counts.astype(np.float64)) * idf.astype(np.float64)[indices]
    norm = np.maximum(np.sqrt((w * w).sum(axis=1, keepdims=True)), 1e-12)
    w = w / norm
    logits = np.einsum("bl,blc->bc", w, weights.astype(np.float64)[indices]) + bias
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)
