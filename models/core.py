"""Vocabulary building and model fitting (scikit-learn), shared by training and evaluation."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from distillguard.classifier.preprocessing import Featurizer, text_and_struct_tokens
from distillguard.records import LABELS


class TokenIndex:
    """Tokenises every document once; per-fold vocabularies are then cheap document-frequency counts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.uni: dict[str, int] = {}
        self.bi: dict[str, int] = {}
        self.doc_uni: list[np.ndarray] = []
        self.doc_bi: list[np.ndarray] = []
        for text in texts:
            words, struct = text_and_struct_tokens(text)
            u = {self.uni.setdefault(t, len(self.uni)) for t in words}
            u.update(self.uni.setdefault(t, len(self.uni)) for t in struct)
            b = {self.bi.setdefault(f"{a} {c}", len(self.bi)) for a, c in zip(words, words[1:], strict=False)}
            self.doc_uni.append(np.fromiter(u, dtype=np.int64, count=len(u)))
            self.doc_bi.append(np.fromiter(b, dtype=np.int64, count=len(b)))
        self.uni_strings = np.array(list(self.uni), dtype=object)
        self.bi_strings = np.array(list(self.bi), dtype=object)

    def featurizer(self, doc_ids: Sequence[int], min_df: int = 2, max_df_ratio: float = 1.0) -> Featurizer:
        """A vocabulary from the given documents only: unigrams and bigrams with document frequency >= min_df."""
        doc_ids = list(doc_ids)
        n = len(doc_ids)
        u_df = np.bincount(np.concatenate([self.doc_uni[i] for i in doc_ids]), minlength=len(self.uni))
        b_df = np.bincount(np.concatenate([self.doc_bi[i] for i in doc_ids]), minlength=len(self.bi))
        max_df = max_df_ratio * n
        uni_keep = np.flatnonzero((u_df >= min_df) & (u_df <= max_df))
        bi_keep = np.flatnonzero((b_df >= min_df) & (b_df <= max_df))
        unigrams = sorted(self.uni_strings[uni_keep].tolist())
        return Featurizer.from_strings(unigrams, self.bi_strings[bi_keep].tolist())


@dataclass
class LinearModel:
    featurizer: Featurizer
    idf: np.ndarray  # [F] float64, idf[0] = 0
    weights: np.ndarray  # [F, C] in LABELS order, row 0 = 0
    bias: np.ndarray  # [C]
    sk: LogisticRegression
    class_order: np.ndarray  # column permutation from sklearn's classes_ to LABELS

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return tfidf_matrix(self.featurizer, texts, self.idf)

    def with_temperature(self, temperature: float) -> LinearModel:
        """Logits divided by ``temperature`` (calibration), in the scikit-learn model and the exported weights."""
        sk = copy.deepcopy(self.sk)
        sk.coef_ = sk.coef_ / temperature
        sk.intercept_ = sk.intercept_ / temperature
        return LinearModel(
            self.featurizer, self.idf, self.weights / temperature, self.bias / temperature, sk, self.class_order
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities from scikit-learn (the training framework), columns in LABELS order."""
        return self.sk.predict_proba(self.matrix(texts))[:, self.class_order]


def tfidf_matrix(featurizer: Featurizer, texts: Sequence[str], idf: np.ndarray) -> sparse.csr_matrix:
    d, f, c = featurizer.transform_coo(texts)
    vals = np.log1p(c.astype(np.float64)) * idf[f]
    x = sparse.csr_matrix((vals, (d, f)), shape=(len(texts), featurizer.n_features))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


def fit(
    featurizer: Featurizer,
    texts: Sequence[str],
    labels: Sequence[str],
    c: float = 10.0,
    sample_weight: np.ndarray | None = None,
) -> LinearModel:
    d, f, _ = featurizer.transform_coo(texts)
    n = len(texts)
    df = np.bincount(f, minlength=featurizer.n_features).astype(np.float64)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    idf[0] = 0.0
    x = tfidf_matrix(featurizer, texts, idf)
    y = np.asarray(labels)
    if sample_weight is None:
        # Balanced classes.
        classes, counts = np.unique(y, return_counts=True)
        per_class = {k: n / (len(classes) * v) for k, v in zip(classes, counts, strict=True)}
        sample_weight = np.array([per_class[v] for v in y])
    sk = LogisticRegression(C=c, max_iter=1000, tol=1e-4)
    sk.fit(x, y, sample_weight=sample_weight)
    order = np.array([list(sk.classes_).index(lab) for lab in LABELS])
    weights = sk.coef_[order].T.copy()
    weights[0] = 0.0
    return LinearModel(featurizer, idf, weights, sk.intercept_[order].copy(), sk, order)
