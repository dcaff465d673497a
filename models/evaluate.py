"""Metrics, leave-one-source-out and random-split evaluation."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from distillguard.records import LABELS

ORD, COT, AGE = "ordinary", "cot_harvesting", "agentic_extraction"

GOALS = {"macro_f1": 0.95, "ordinary_precision": 0.97, "cot_recall": 0.93, "agentic_recall": 0.98}


def metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    per = {}
    f1s = []
    for lab in LABELS:
        tp = int(((yt == lab) & (yp == lab)).sum())
        fp = int(((yt != lab) & (yp == lab)).sum())
        fn = int(((yt == lab) & (yp != lab)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
        if tp + fn:
            f1s.append(f1)
    confusion = {t: {p: int(((yt == t) & (yp == p)).sum()) for p in LABELS} for t in LABELS}
    out = {
        "n": int(yt.size),
        "accuracy": round(float((yt == yp).mean()), 4) if yt.size else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "ordinary_precision": per[ORD]["precision"],
        "cot_recall": per[COT]["recall"],
        "agentic_recall": per[AGE]["recall"],
        "per_class": per,
        "confusion": confusion,
    }
    out["goals_met"] = {k: bool(out[k] >= v) for k, v in GOALS.items()}
    return out


def per_key(keys: Sequence[str], y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Accuracy (= recall of its class for single-class sources) and error counts per key."""
    keys_a, yt, yp = np.asarray(keys), np.asarray(y_true), np.asarray(y_pred)
    out = {}
    for k in sorted(set(keys_a.tolist())):
        m = keys_a == k
        errs = {lab: int(((yp == lab) & (yt != lab) & m).sum()) for lab in LABELS}
        out[k] = {
            "n": int(m.sum()),
            "labels": sorted(set(yt[m].tolist())),
            "accuracy": round(float((yt[m] == yp[m]).mean()), 4),
            "predicted_as": {lab: int(((yp == lab) & m).sum()) for lab in LABELS},
            "errors_predicted_as": {k2: v for k2, v in errs.items() if v},
        }
    return out


FitPredict = Callable[[list[int], list[int]], np.ndarray]


def leave_one_source_out(groups: Sequence[str], labels: Sequence[str], fit_predict: FitPredict) -> dict:
    """Train without each source group in turn and predict it; every example is predicted once, by a model
    that never saw its source repository. ``fit_predict(train_ids, test_ids)`` returns test probabilities."""
    groups_a = np.asarray(groups)
    n = len(groups)
    probs = np.zeros((n, len(LABELS)))
    for g in sorted(set(groups)):
        test = np.flatnonzero(groups_a == g).tolist()
        train = np.flatnonzero(groups_a != g).tolist()
        probs[test] = fit_predict(train, test)
    pred = np.asarray(LABELS)[probs.argmax(1)]
    result = metrics(labels, pred)
    result["per_source"] = per_key(groups, labels, pred)
    worst = min(result["per_source"].items(), key=lambda kv: kv[1]["accuracy"])
    result["worst_source"] = {"source": worst[0], **worst[1]}
    return {"summary": result, "probs": probs, "pred": pred}


def random_split(labels: Sequence[str], fit_predict: FitPredict, test_fraction: float = 0.2, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    n = len(labels)
    perm = rng.permutation(n)
    n_test = int(round(n * test_fraction))
    test, train = sorted(perm[:n_test].tolist()), sorted(perm[n_test:].tolist())
    probs = fit_predict(train, test)
    pred = np.asarray(LABELS)[probs.argmax(1)]
    return {"summary": metrics(np.asarray(labels)[test], pred), "test_ids": test, "pred": pred}
