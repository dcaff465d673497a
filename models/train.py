"""One command: train, evaluate (leave-one-family-out is the judge), calibrate, export to ONNX, check parity,
benchmark, and write the artefact with its model card.

    python -m models.train --data ../shared/data/prompts [--exclude-noncommercial] [--out DIR] [--jobs N]
    python -m models.train --judge-only [--c 10]     # the judge's figures only, nothing written

Writes DIR/model.onnx, unigrams.txt, bigram_keys.npy, metadata.json, reference_predictions.json,
EVALUATION.json and MODEL_CARD.md. Default DIR: models/distillguard-clf (models/distillguard-clf-commercial
with --exclude-noncommercial).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from distillguard.records import LABELS
from models import augment
from models.artefact import onnx_proba, parity, to_onnx_bytes, write_artefact
from models.card import write_model_card
from models.core import LinearModel, TokenIndex, fit
from models.data import DEFAULT_DATA_DIR, Example, load_corpus
from models.evaluate import (
    cross_fitted_calibration,
    fit_temperature,
    leave_one_family_out,
    leave_one_source_out,
    metrics,
    per_key,
    random_split,
)
from models.families import FAMILIES, corpus_family

logger = logging.getLogger("models.train")

DEFAULT_C = 10.0
MIN_DF = 2
AUGMENT_WEIGHT = 1.0
# Each family's share of the training weight grows as n ** FAMILY_POWER (1: every prompt counts the same;
# 0.5: a family of 2,000 prompts weighs as much as ~1,400). 0.5 was tried and measured worse by the judge (the
# big function-calling family then no longer teaches that tool schemas mean an agent): 1 is the default.
DEFAULT_FAMILY_POWER = 1.0

# Authored prompts whose reference probabilities are stored with the artefact; the unit tests check the
# shipped ONNX model against them (no corpus needed in CI).
REFERENCE_PROMPTS = [
    "[user]\nWhat's a good recipe for banana bread?",
    "[user]\nPlease reason step by step, and put your final answer within \\boxed{}. A farmer has 12 cows and "
    "buys 7 more. How many cows does he have?",
    "[system]\nYou are a helpful assistant.\n\n[user]\nWrite a haiku about winter.",
    '[tools]\n[{"type": "function", "function": {"name": "get_time", "description": "Current time in a city",'
    ' "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]'
    "\n\n[user]\nWhat time is it in Tokyo?",
    "[system]\nThink carefully and write your reasoning in <think></think> tags before answering.\n\n[user]\n"
    "Is 221 a prime number?",
    "[user]\nPlease act as a judge and rate the assistant's answer from 1 to 10.\n\nQuestion: What is 3+4?\nAnswer: 7",
    "Answer the question with Thought, Action, Observation steps. Actions: Search[x], Finish[x].\n"
    "Question: Who wrote Hamlet?\nThought 1:",
    "[user]\nCan you explain step by step how to change a bike tyre?",
]


@dataclass
class Dataset:
    examples: list[Example]
    augmented: list[augment.Augmented]
    texts: list[str] = field(init=False)
    labels: np.ndarray = field(init=False)
    n_corpus: int = field(init=False)

    def __post_init__(self) -> None:
        self.texts = [e.text for e in self.examples] + [a.text for a in self.augmented]
        self.labels = np.array([e.label for e in self.examples] + [a.label for a in self.augmented])
        self.n_corpus = len(self.examples)
        self.groups = [e.group for e in self.examples]
        self.families = np.array([corpus_family(e) for e in self.examples] + [a.family for a in self.augmented])
        self.aug_fill_groups = [set(a.fill_groups) for a in self.augmented]
        self.aug_fill_ids = [set(a.fill_ids) for a in self.augmented]

    @property
    def corpus_labels(self) -> np.ndarray:
        return self.labels[: self.n_corpus]

    @property
    def corpus_families(self) -> np.ndarray:
        return self.families[: self.n_corpus]


@dataclass(frozen=True)
class Settings:
    c: float = DEFAULT_C
    family_power: float = DEFAULT_FAMILY_POWER
    min_df: int = MIN_DF


class Trainer:
    def __init__(self, data: Dataset, settings: Settings = Settings()) -> None:
        self.data = data
        self.settings = settings
        self.index = TokenIndex(data.texts)

    def weights(self, train_ids: list[int]) -> np.ndarray:
        """Balanced classes; inside a class, each family weighs n_family ** family_power in total."""
        d = self.data
        ids = np.asarray(train_ids)
        fam, y = d.families[ids], d.labels[ids]
        w = np.ones(ids.size)
        fams, inverse, counts = np.unique(fam, return_inverse=True, return_counts=True)
        w *= (counts**self.settings.family_power / counts)[inverse]
        w *= np.where(ids >= d.n_corpus, AUGMENT_WEIGHT, 1.0)
        for lab in LABELS:
            m = y == lab
            if m.any():
                w[m] *= (ids.size / len(LABELS)) / w[m].sum()
        return w

    def fit_ids(self, train_ids: list[int]) -> LinearModel:
        d = self.data
        featurizer = self.index.featurizer(train_ids, min_df=self.settings.min_df)
        y = d.labels[train_ids]
        texts = [d.texts[i] for i in train_ids]
        return fit(featurizer, texts, y, c=self.settings.c, sample_weight=self.weights(train_ids))

    def augmented_ids(
        self,
        exclude_groups: set[str] = frozenset(),
        exclude_ids: set[int] = frozenset(),
        exclude_family: str | None = None,
    ) -> list[int]:
        """Augmented examples none of whose fillers come from the excluded groups or corpus examples."""
        d = self.data
        return [
            d.n_corpus + j
            for j, (groups, ids) in enumerate(zip(d.aug_fill_groups, d.aug_fill_ids, strict=True))
            if not (groups & exclude_groups)
            and not (ids & exclude_ids)
            and d.families[d.n_corpus + j] != exclude_family
        ]

    def family_fold(self, family: str) -> tuple[np.ndarray, np.ndarray]:
        """Train without the family (its corpus prompts, every authored template of it, and every authored prompt
        filled with one of its corpus prompts); predict its corpus and its authored prompts."""
        d = self.data
        fam = d.families
        test_corpus = np.flatnonzero(fam[: d.n_corpus] == family).tolist()
        test_aug = (d.n_corpus + np.flatnonzero(fam[d.n_corpus :] == family)).tolist()
        train = np.flatnonzero(fam[: d.n_corpus] != family).tolist()
        train += self.augmented_ids(exclude_ids=set(test_corpus), exclude_family=family)
        model = self.fit_ids(train)
        empty = np.zeros((0, len(LABELS)))
        p_corpus = model.predict_proba([d.texts[i] for i in test_corpus]) if test_corpus else empty
        p_aug = model.predict_proba([d.texts[i] for i in test_aug]) if test_aug else empty
        return p_corpus, p_aug

    def source_fold(self, train: list[int], test: list[int]) -> np.ndarray:
        """Leave-one-source-out (secondary): without the held-out repository and any augmentation filled from
        it; every authored family stays in."""
        held_out = {self.data.groups[i] for i in test}
        ids = list(train) + self.augmented_ids(exclude_groups=held_out)
        return self.fit_ids(ids).predict_proba([self.data.texts[i] for i in test])

    def random_fit_predict(self, train: list[int], test: list[int]) -> np.ndarray:
        ids = train + self.augmented_ids(exclude_ids=set(test))
        return self.fit_ids(ids).predict_proba([self.data.texts[i] for i in test])


# Fold-level parallelism: workers are forked after the Trainer is built, so they share its token index.
_TRAINER: Trainer | None = None


def _call(args: tuple[str, tuple]) -> object:
    assert _TRAINER is not None
    method, params = args
    return getattr(_TRAINER, method)(*params)


def _map(trainer: Trainer, method: str, params: list[tuple], jobs: int) -> list:
    global _TRAINER
    _TRAINER = trainer
    if jobs <= 1:
        return [_call((method, p)) for p in params]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
        return list(pool.map(_call, [(method, p) for p in params]))


def run_lofo(trainer: Trainer, jobs: int) -> dict:
    d = trainer.data
    families = sorted(set(d.families.tolist()))
    folds = dict(zip(families, _map(trainer, "family_fold", [(f,) for f in families], jobs), strict=True))
    return leave_one_family_out(
        d.corpus_families, d.corpus_labels, d.families[d.n_corpus :], d.labels[d.n_corpus :], folds
    )


def run_loso(trainer: Trainer, jobs: int) -> dict:
    groups = np.asarray(trainer.data.groups)
    order = sorted(set(groups.tolist()))
    params = [(np.flatnonzero(groups != g).tolist(), np.flatnonzero(groups == g).tolist()) for g in order]
    results = _map(trainer, "source_fold", params, jobs)
    by_test = {tuple(te): p for (_, te), p in zip(params, results, strict=True)}

    def precomputed(train: list[int], test: list[int]) -> np.ndarray:
        return by_test[tuple(test)]

    return leave_one_source_out(groups.tolist(), trainer.data.corpus_labels, precomputed)


def judge_figures(trainer: Trainer, jobs: int) -> tuple[dict, float, np.ndarray]:
    """The judge (LOFO summary), its calibration figures, the temperature fitted on all held-out folds, and the
    held-out probabilities."""
    d = trainer.data
    lofo = run_lofo(trainer, jobs)
    summary = lofo["summary"]
    cal = cross_fitted_calibration(lofo["probs"], d.corpus_labels, d.corpus_families)
    fitted = fit_temperature(lofo["probs"], d.corpus_labels)
    cal.pop("calibrated_probs")
    # Ship the temperature only where it makes held-out families better calibrated, as measured cross-fitted.
    helps = cal["temperature_cross_fitted"]["ece"] < cal["uncalibrated"]["ece"]
    temperature = fitted if helps else 1.0
    summary["calibration"] = cal | {
        "temperature_fitted": round(fitted, 4),
        "temperature_shipped": round(temperature, 4),
        "method": "temperature scaling of the logits, fitted by log loss on the leave-one-family-out "
        "probabilities; the cross-fitted figures rescale each family with a temperature fitted on the others; "
        "the temperature ships only if it lowers the cross-fitted ECE (otherwise T = 1)",
    }
    return summary, temperature, lofo["probs"]


def _short(summary: dict) -> dict:
    keys = ("macro_f1", "ordinary_precision", "cot_recall", "agentic_recall")
    out = {k: summary[k] for k in keys} | {
        "worst": (summary["worst_family"]["family"], summary["worst_family"]["accuracy"])
    }
    if "calibration" in summary:
        c = summary["calibration"]
        out["ece"] = (c["uncalibrated"]["ece"], c["temperature_cross_fitted"]["ece"], c["temperature_shipped"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="corpus folder (read-only)")
    parser.add_argument("--out", type=Path, default=None, help="artefact folder to write")
    parser.add_argument("--exclude-noncommercial", action="store_true", help="drop CC BY-NC(-SA) sources")
    parser.add_argument("--skip-eval", action="store_true", help="no evaluation, no calibration (quick retrain)")
    parser.add_argument("--judge-only", action="store_true", help="print the judge's figures; write nothing")
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2 regularisation strength")
    parser.add_argument("--family-power", type=float, default=DEFAULT_FAMILY_POWER, help="see DEFAULT_FAMILY_POWER")
    parser.add_argument("--min-df", type=int, default=MIN_DF, help="minimum document frequency of an n-gram")
    parser.add_argument("--jobs", type=int, default=1, help="parallel folds (processes of one thread each)")
    parser.add_argument("--save-predictions", type=Path, default=None, help="write LOFO predictions (JSONL) here")
    parser.add_argument(
        "--hard-negatives",
        type=Path,
        action="append",
        default=[],
        help="a JSONL of `distillguard false-positive` hard negatives to add to the corpus (repeatable)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    out = args.out or Path(
        "models/distillguard-clf-commercial" if args.exclude_noncommercial else "models/distillguard-clf"
    )
    t_start = time.perf_counter()
    settings = Settings(c=args.c, family_power=args.family_power, min_df=args.min_df)

    examples = load_corpus(args.data, exclude_noncommercial=args.exclude_noncommercial)
    for path in args.hard_negatives:  # the corpus's schema; family `ord-feedback` (models/families.py)
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        examples += [Example(r["text"], r["label"], r["source"], r.get("license", ""), path.name) for r in rows]
    augmented = augment.generate(examples)
    data = Dataset(examples, augmented)
    logger.info("corpus %d examples, %d authored augmentation examples", len(examples), len(augmented))
    trainer = Trainer(data, settings)
    logger.info("tokenised in %.1fs", time.perf_counter() - t_start)

    def count(values: np.ndarray) -> dict[str, int]:
        keys, n = np.unique(values, return_counts=True)
        return {str(k): int(v) for k, v in zip(keys, n, strict=True)}

    evaluation: dict = {
        "data": {
            "path": str(args.data),
            "exclude_noncommercial": args.exclude_noncommercial,
            "n_examples": len(examples),
            "per_label": {lab: int((data.corpus_labels == lab).sum()) for lab in LABELS},
            "per_file": {f: sum(e.file == f for e in examples) for f in sorted({e.file for e in examples})},
            "per_family": count(data.corpus_families),
            "augmentation": {
                "n": len(augmented),
                "per_family": count(data.families[data.n_corpus :]),
                "per_label": {lab: sum(a.label == lab for a in augmented) for lab in LABELS},
            },
            "families": {k: {"label": v.label, "description": v.description} for k, v in FAMILIES.items()},
        },
        "model": {
            "type": "tf-idf (word 1-2 grams + structural tokens, sublinear tf, L2) + multinomial logistic "
            "regression, temperature-scaled",
            "c": args.c,
            "min_df": args.min_df,
            "family_power": args.family_power,
            "augment_weight": AUGMENT_WEIGHT,
        },
    }

    temperature = 1.0
    if not args.skip_eval:
        t = time.perf_counter()
        summary, temperature, lofo_probs = judge_figures(trainer, args.jobs)
        evaluation["leave_one_family_out"] = summary
        logger.info("LOFO in %.0fs: %s", time.perf_counter() - t, _short(summary))
        if args.save_predictions:
            with args.save_predictions.open("w", encoding="utf-8") as fh:
                for ex, fam, probs in zip(examples, data.corpus_families, lofo_probs, strict=True):
                    row = {"family": str(fam), "source": ex.source, "label": ex.label}
                    row |= {"pred": LABELS[int(probs.argmax())], "probs": probs.round(4).tolist(), "text": ex.text}
                    fh.write(json.dumps(row) + "\n")
        if args.judge_only:
            print(json.dumps({k: v for k, v in summary.items() if k != "calibration"} | {"short": _short(summary)}))
            return 0
        t = time.perf_counter()
        loso = run_loso(trainer, args.jobs)
        loso_summary = loso["summary"]
        loso_summary["per_file"] = per_key([e.file for e in examples], data.corpus_labels, loso["pred"])
        evaluation["leave_one_source_out"] = loso_summary
        logger.info("LOSO in %.0fs: macro-F1 %.3f", time.perf_counter() - t, loso_summary["macro_f1"])
        t = time.perf_counter()
        rs = random_split(data.corpus_labels, trainer.random_fit_predict)
        evaluation["random_split"] = rs["summary"] | {"test_fraction": 0.2, "seed": 0}
        logger.info("random split in %.0fs: macro-F1 %.3f", time.perf_counter() - t, rs["summary"]["macro_f1"])

    t = time.perf_counter()
    all_ids = list(range(len(data.texts)))
    model = trainer.fit_ids(all_ids).with_temperature(temperature)
    onnx_bytes = to_onnx_bytes(model)
    check = parity(onnx_bytes, model, data.texts)
    evaluation["parity"] = check
    logger.info("final fit + export + parity in %.0fs: %s", time.perf_counter() - t, check)
    if not check["passed"]:
        raise SystemExit(f"ONNX parity check failed: {check}")
    train_pred = np.asarray(LABELS)[onnx_proba(onnx_bytes, model, data.texts[: data.n_corpus]).argmax(1)]
    evaluation["training_set_fit"] = {
        k: v for k, v in metrics(data.corpus_labels, train_pred).items() if k in ("macro_f1", "accuracy", "confusion")
    }

    reference = {
        "prompts": REFERENCE_PROMPTS,
        "probabilities": model.predict_proba(REFERENCE_PROMPTS).round(7).tolist(),
        "labels": list(LABELS),
        "source": "scikit-learn predict_proba at training time (temperature applied)",
    }
    metadata = write_artefact(
        out,
        model,
        onnx_bytes,
        {
            "training": {
                "n_examples": len(examples),
                "n_augmented": len(augmented),
                "exclude_noncommercial": args.exclude_noncommercial,
                "c": args.c,
                "min_df": args.min_df,
                "family_power": args.family_power,
                "temperature": round(temperature, 4),
            },
        },
    )
    (out / "reference_predictions.json").write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")
    evaluation = {"model_version": metadata["version"], "created_utc": metadata["created_utc"]} | evaluation

    from models.benchmark import run_benchmark

    evaluation["speed"] = run_benchmark(out, args.data, exclude_noncommercial=args.exclude_noncommercial)
    evaluation["train_command_seconds"] = round(time.perf_counter() - t_start, 1)
    (out / "EVALUATION.json").write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
    write_model_card(out, evaluation)
    logger.info("wrote %s (%s) in %.0fs", out, metadata["version"], time.perf_counter() - t_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
