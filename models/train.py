"""One command: train, export to ONNX, check parity, evaluate, benchmark, write the artefact and its model card.

    python -m models.train --data ../shared/data/prompts [--exclude-noncommercial] [--out DIR]

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
from models.evaluate import leave_one_source_out, metrics, per_key, random_split

logger = logging.getLogger("models.train")

DEFAULT_C = 10.0
MIN_DF = 2
AUGMENT_WEIGHT = 1.0

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


# For the strict LOSO variant: the authored augmentation families that imitate each source's kind of prompt.
FAMILY_OF_SOURCE: dict[str, set[str]] = {
    "lm-sys/FastChat": {"judge"},
    "NovaSky-AI/SkyThought": {"trace-rewrite"},
    "ysymyth/ReAct": {"agent-loop"},
    "princeton-nlp/SWE-agent": {"coding-agent", "agent-prose"},
    "ShishirPatil/gorilla": {"agent-fc", "agent-fc-multiturn", "agent-prompted", "agent-prompted-multiturn"},
}


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
        self.aug_fill_groups = [set(a.fill_groups) for a in self.augmented]
        self.aug_fill_ids = [set(a.fill_ids) for a in self.augmented]
        self.aug_families = [a.family for a in self.augmented]


class Trainer:
    def __init__(self, data: Dataset, c: float = DEFAULT_C) -> None:
        self.data = data
        self.c = c
        self.index = TokenIndex(data.texts)

    def fit_ids(self, train_ids: list[int]) -> LinearModel:
        d = self.data
        y = d.labels[train_ids]
        classes, counts = np.unique(y, return_counts=True)
        per_class = {k: len(y) / (len(LABELS) * v) for k, v in zip(classes, counts, strict=True)}
        weights = np.array(
            [per_class[lab] * (AUGMENT_WEIGHT if i >= d.n_corpus else 1.0) for i, lab in zip(train_ids, y, strict=True)]
        )
        featurizer = self.index.featurizer(train_ids, min_df=MIN_DF)
        return fit(featurizer, [d.texts[i] for i in train_ids], y, c=self.c, sample_weight=weights)

    def augmented_ids(
        self,
        exclude_groups: set[str] = frozenset(),
        exclude_ids: set[int] = frozenset(),
        exclude_families: set[str] = frozenset(),
    ) -> list[int]:
        """Augmented examples none of whose fillers come from the excluded groups or corpus examples."""
        d = self.data
        return [
            d.n_corpus + j
            for j, (groups, ids, family) in enumerate(
                zip(d.aug_fill_groups, d.aug_fill_ids, d.aug_families, strict=True)
            )
            if not (groups & exclude_groups) and not (ids & exclude_ids) and family not in exclude_families
        ]

    def loso_fit_predict(self, train: list[int], test: list[int], mode: str = "augmented") -> np.ndarray:
        """mode: "augmented" (all authored families), "none" (corpus only) or "strict" (also drop the authored
        families of the held-out source's kind, to measure transfer to a family never seen at all)."""
        held_out = {self.data.groups[i] for i in test}
        ids = list(train)
        if mode != "none":
            families = set().union(*(FAMILY_OF_SOURCE.get(g, set()) for g in held_out)) if mode == "strict" else set()
            ids += self.augmented_ids(exclude_groups=held_out, exclude_families=families)
        return self.fit_ids(ids).predict_proba([self.data.texts[i] for i in test])

    def random_fit_predict(self, train: list[int], test: list[int]) -> np.ndarray:
        ids = train + self.augmented_ids(exclude_ids=set(test))
        return self.fit_ids(ids).predict_proba([self.data.texts[i] for i in test])


# Fold-level parallelism: workers are forked after the Trainer is built, so they share its token index.
_TRAINER: Trainer | None = None


def _loso_job(args: tuple[list[int], list[int], str]) -> np.ndarray:
    assert _TRAINER is not None
    return _TRAINER.loso_fit_predict(*args)


def run_loso(trainer: Trainer, mode: str, jobs: int) -> dict:
    global _TRAINER
    _TRAINER = trainer
    groups = trainer.data.groups
    labels = trainer.data.labels[: trainer.data.n_corpus]
    if jobs <= 1:
        return leave_one_source_out(groups, labels, lambda tr, te: trainer.loso_fit_predict(tr, te, mode))
    # Pre-compute folds in parallel, then let leave_one_source_out assemble them in its usual order.
    groups_a = np.asarray(groups)
    order = sorted(set(groups))
    folds = {g: (np.flatnonzero(groups_a != g).tolist(), np.flatnonzero(groups_a == g).tolist(), mode) for g in order}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
        results = dict(zip(order, pool.map(_loso_job, [folds[g] for g in order]), strict=True))
    by_test = {tuple(folds[g][1]): results[g] for g in order}
    return leave_one_source_out(groups, labels, lambda tr, te: by_test[tuple(te)])


def _summ(result: dict) -> dict:
    return result["summary"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="corpus folder (read-only)")
    parser.add_argument("--out", type=Path, default=None, help="artefact folder to write")
    parser.add_argument("--exclude-noncommercial", action="store_true", help="drop CC BY-NC(-SA) sources")
    parser.add_argument("--no-augment", action="store_true", help="train on the corpus only")
    parser.add_argument("--skip-eval", action="store_true", help="no LOSO / random split (quick retrain)")
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2 regularisation strength")
    parser.add_argument("--jobs", type=int, default=2, help="parallel LOSO folds")
    parser.add_argument("--save-predictions", type=Path, default=None, help="write LOSO predictions (JSONL) here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    out = args.out or Path(
        "models/distillguard-clf-commercial" if args.exclude_noncommercial else "models/distillguard-clf"
    )
    t_start = time.perf_counter()

    examples = load_corpus(args.data, exclude_noncommercial=args.exclude_noncommercial)
    augmented = [] if args.no_augment else augment.generate(examples)
    data = Dataset(examples, augmented)
    logger.info("corpus %d examples, %d authored augmentation examples", len(examples), len(augmented))
    trainer = Trainer(data, c=args.c)
    logger.info("tokenised in %.1fs", time.perf_counter() - t_start)

    evaluation: dict = {
        "data": {
            "path": str(args.data),
            "exclude_noncommercial": args.exclude_noncommercial,
            "n_examples": len(examples),
            "per_label": {lab: int((data.labels[: data.n_corpus] == lab).sum()) for lab in LABELS},
            "per_file": {f: sum(e.file == f for e in examples) for f in sorted({e.file for e in examples})},
            "augmentation": {
                "n": len(augmented),
                "per_family": {
                    fam: sum(a.family == fam for a in augmented) for fam in sorted({a.family for a in augmented})
                },
                "per_label": {lab: sum(a.label == lab for a in augmented) for lab in LABELS},
            },
        },
        "model": {
            "type": "tf-idf (word 1-2 grams, sublinear tf, L2) + multinomial logistic regression",
            "c": args.c,
            "min_df": MIN_DF,
            "augment_weight": AUGMENT_WEIGHT,
        },
    }

    if not args.skip_eval:
        t = time.perf_counter()
        loso = run_loso(trainer, mode="none" if args.no_augment else "augmented", jobs=args.jobs)
        file_keys = [e.file for e in examples]
        loso_summary = _summ(loso)
        loso_summary["per_file"] = per_key(file_keys, data.labels[: data.n_corpus], loso["pred"])
        evaluation["leave_one_source_out"] = loso_summary
        if args.save_predictions:
            with args.save_predictions.open("w", encoding="utf-8") as fh:
                for ex, pred, probs in zip(examples, loso["pred"], loso["probs"], strict=True):
                    row = {"file": ex.file, "source": ex.source, "label": ex.label, "pred": str(pred)}
                    fh.write(json.dumps(row | {"probs": probs.round(4).tolist(), "text": ex.text}) + "\n")
        logger.info(
            "LOSO in %.0fs: %s",
            time.perf_counter() - t,
            {k: loso_summary[k] for k in ("macro_f1", "ordinary_precision", "cot_recall", "agentic_recall")},
        )
        if not args.no_augment:
            for mode, key in (("none", "without_augmentation"), ("strict", "strict")):
                t = time.perf_counter()
                ablation = _summ(run_loso(trainer, mode=mode, jobs=args.jobs))
                keys = ("n", "macro_f1", "ordinary_precision", "cot_recall", "agentic_recall", "confusion")
                evaluation[f"leave_one_source_out_{key}"] = (
                    {k: ablation[k] for k in keys}
                    | {"worst_source": {k: ablation["worst_source"][k] for k in ("source", "n", "accuracy")}}
                    | {"per_source_accuracy": {k: v["accuracy"] for k, v in ablation["per_source"].items()}}
                )
                logger.info("LOSO (%s) in %.0fs: macro-F1 %.3f", key, time.perf_counter() - t, ablation["macro_f1"])
        t = time.perf_counter()
        rs = random_split(data.labels[: data.n_corpus], trainer.random_fit_predict)
        evaluation["random_split"] = _summ(rs) | {"test_fraction": 0.2, "seed": 0}
        logger.info("random split in %.0fs: macro-F1 %.3f", time.perf_counter() - t, rs["summary"]["macro_f1"])

    t = time.perf_counter()
    all_ids = list(range(len(data.texts)))
    model = trainer.fit_ids(all_ids)
    onnx_bytes = to_onnx_bytes(model)
    check = parity(onnx_bytes, model, data.texts)
    evaluation["parity"] = check
    logger.info("final fit + export + parity in %.0fs: %s", time.perf_counter() - t, check)
    if not check["passed"]:
        raise SystemExit(f"ONNX parity check failed: {check}")
    train_pred = np.asarray(LABELS)[onnx_proba(onnx_bytes, model, data.texts[: data.n_corpus]).argmax(1)]
    evaluation["training_set_fit"] = {
        k: v
        for k, v in metrics(data.labels[: data.n_corpus], train_pred).items()
        if k in ("macro_f1", "accuracy", "confusion")
    }

    reference = {
        "prompts": REFERENCE_PROMPTS,
        "probabilities": model.predict_proba(REFERENCE_PROMPTS).round(7).tolist(),
        "labels": list(LABELS),
        "source": "scikit-learn predict_proba at training time",
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
                "min_df": MIN_DF,
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
