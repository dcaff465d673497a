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


def leave_one_family_out(
    corpus_families: Sequence[str],
    corpus_labels: Sequence[str],
    authored_families: Sequence[str],
    authored_labels: Sequence[str],
    folds: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict:
    """Assemble the judge from per-family folds.

    ``folds[family] = (probs of the family's corpus prompts, probs of its authored prompts)``, each predicted by
    a model trained without the family (neither its corpus prompts nor any authored template of it). The
    headline figures are over corpus prompts (every one predicted once, by a model that never saw its family);
    families that exist only as authored templates are reported apart, since we wrote both their training and
    their test examples."""
    cf, cl = np.asarray(corpus_families), np.asarray(corpus_labels)
    af, al = np.asarray(authored_families), np.asarray(authored_labels)
    probs = np.zeros((cf.size, len(LABELS)))
    aprobs = np.zeros((af.size, len(LABELS)))
    for family, (p_corpus, p_authored) in folds.items():
        probs[cf == family] = p_corpus
        aprobs[af == family] = p_authored
    labels = np.asarray(LABELS)
    pred, apred = labels[probs.argmax(1)], labels[aprobs.argmax(1)]
    result = metrics(cl, pred)
    per_family = {}
    for family in sorted(folds):
        m, am = cf == family, af == family
        row: dict = {"label": str((cl[m] if m.any() else al[am])[0])}
        if m.any():
            row |= {
                "n_corpus": int(m.sum()),
                "accuracy": round(float((pred[m] == cl[m]).mean()), 4),
                "predicted_as": {lab: int((pred[m] == lab).sum()) for lab in LABELS},
            }
        if am.any():
            row |= {
                "n_authored": int(am.sum()),
                "authored_accuracy": round(float((apred[am] == al[am]).mean()), 4),
                "authored_predicted_as": {lab: int((apred[am] == lab).sum()) for lab in LABELS},
            }
        per_family[family] = row
    result["per_family"] = per_family
    corpus_rows = {k: v for k, v in per_family.items() if "accuracy" in v}
    worst = min(corpus_rows.items(), key=lambda kv: kv[1]["accuracy"])
    result["worst_family"] = {"family": worst[0], **worst[1]}
    authored_only = {k: v for k, v in per_family.items() if "accuracy" not in v}
    if authored_only:
        worst_a = min(authored_only.items(), key=lambda kv: kv[1]["authored_accuracy"])
        only = np.isin(af, list(authored_only))
        result["authored_only_families"] = metrics(al[only], apred[only]) | {
            "families": sorted(authored_only),
            "worst_family": {"family": worst_a[0], **worst_a[1]},
        }
    return {"summary": result, "probs": probs, "pred": pred, "authored_probs": aprobs}


# --- calibration ----------------------------------------------------------------------------------------------
def calibration_metrics(probs: np.ndarray, labels: Sequence[str], n_bins: int = 15) -> dict:
    """Top-label expected calibration error (equal-width bins), multi-class Brier score and log loss."""
    y = np.array([LABELS.index(lab) for lab in labels])
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-12, 1.0)
    conf, top = p.max(1), p.argmax(1)
    correct = (top == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(conf, edges[1:-1]), 0, n_bins - 1)
    ece, table = 0.0, []
    for b in range(n_bins):
        m = bins == b
        if not m.any():
            continue
        gap = abs(conf[m].mean() - correct[m].mean())
        ece += m.mean() * gap
        table.append(
            {
                "bin": f"{edges[b]:.2f}-{edges[b + 1]:.2f}",
                "n": int(m.sum()),
                "mean_confidence": round(float(conf[m].mean()), 4),
                "accuracy": round(float(correct[m].mean()), 4),
            }
        )
    onehot = np.eye(len(LABELS))[y]
    return {
        "n": int(y.size),
        "ece": round(float(ece), 4),
        "brier": round(float(((p - onehot) ** 2).sum(1).mean()), 4),
        "log_loss": round(float(-np.log(p[np.arange(y.size), y]).mean()), 4),
        "reliability": table,
    }


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log(p) / T): the same as dividing the model's logits by T."""
    logits = np.log(np.clip(probs, 1e-12, 1.0)) / temperature
    logits -= logits.max(1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(1, keepdims=True)


def fit_temperature(probs: np.ndarray, labels: Sequence[str]) -> float:
    """The temperature minimising the log loss of held-out probabilities (a 1-D search over log T)."""
    from scipy.optimize import minimize_scalar

    y = np.array([LABELS.index(lab) for lab in labels])

    def nll(log_t: float) -> float:
        q = apply_temperature(probs, float(np.exp(log_t)))
        return float(-np.log(np.clip(q[np.arange(y.size), y], 1e-12, 1.0)).mean())

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(res.x))


def cross_fitted_calibration(probs: np.ndarray, labels: Sequence[str], groups: Sequence[str]) -> dict:
    """Honest calibration figures: each family's held-out probabilities are rescaled by a temperature fitted on
    the *other* families' held-out probabilities, then measured; compared with no calibration."""
    g, yl = np.asarray(groups), np.asarray(labels)
    calibrated = np.zeros_like(probs)
    temps = {}
    for family in sorted(set(groups)):
        m = g == family
        t = fit_temperature(probs[~m], yl[~m])
        temps[family] = round(t, 3)
        calibrated[m] = apply_temperature(probs[m], t)
    return {
        "uncalibrated": calibration_metrics(probs, labels),
        "temperature_cross_fitted": calibration_metrics(calibrated, labels),
        "temperature_per_fold": temps,
        "calibrated_probs": calibrated,
    }
