"""MODEL_CARD.md, generated from EVALUATION.json by ``python -m models.train``."""

from __future__ import annotations

import json
from pathlib import Path

from models.evaluate import GOALS

LICENCES = """| source repository | label | licence |
| --- | --- | --- |
| huggingface/open-r1 (templates) | cot_harvesting | Apache-2.0 |
| open-thoughts/open-thoughts (templates) | cot_harvesting | Apache-2.0 |
| NovaSky-AI/SkyThought (templates) | cot_harvesting | Apache-2.0 |
| lm-sys/FastChat (judge templates; MT-bench/vicuna questions) | cot_harvesting, ordinary | Apache-2.0 |
| ShishirPatil/gorilla (BFCL) | agentic_extraction | Apache-2.0 |
| ysymyth/ReAct (+ HotpotQA CC BY-SA 4.0, FEVER CC BY-SA 3.0) | agentic_extraction | MIT |
| princeton-nlp/SWE-agent | agentic_extraction | MIT |
| f/awesome-chatgpt-prompts | ordinary | CC0-1.0 |
| yizhongw/self-instruct | ordinary | Apache-2.0 |
| **sahil280114/codealpaca** (also problems inside cot/agentic prompts) | ordinary | **CC BY-NC 4.0** |
| openai/grade-school-math | ordinary (+ problems in cot) | MIT |
| deepseek-ai/DeepSeek-Math eval sets (**OCW/Minerva: CC BY-NC-SA 4.0**) | ordinary (+ in cot) | MIT + per-set |
| openai/human-eval | ordinary | MIT |
| authored casual phrasings (corpus) | ordinary | corpus project |
| authored augmentation (`models/authored/templates.py`) | all | this project |"""


def _pct(x: float) -> str:
    return f"{x:.3f}"


def _goal_line(name: str, value: float) -> str:
    target = GOALS[name]
    return f"| {name} | {_pct(value)} | >= {target} | {'met' if value >= target else '**missed**'} |"


def _variant_section(out: Path, ev: dict, add) -> None:  # noqa: ANN001
    """Figures of the sibling artefact trained with/without the non-commercial sources, if it exists."""
    commercial = ev["data"]["exclude_noncommercial"]
    sibling = out.parent / ("distillguard-clf" if commercial else "distillguard-clf-commercial") / "EVALUATION.json"
    if not sibling.exists():
        return
    other = json.loads(sibling.read_text(encoding="utf-8"))
    lo = other.get("leave_one_family_out")
    if not lo:
        return
    title = "with" if commercial else "without"
    name, version = sibling.parent.name, other["model_version"]
    add(f"### The same evaluation {title} the non-commercial sources (`{name}`, {version})")
    add(
        f"{other['data']['n_examples']} corpus prompts. Leave-one-family-out macro-F1 {_pct(lo['macro_f1'])}, "
        f"ordinary precision "
        f"{_pct(lo['ordinary_precision'])}, cot recall {_pct(lo['cot_recall'])}, agentic recall "
        f"{_pct(lo['agentic_recall'])}; worst family {lo['worst_family']['family']} "
        f"({_pct(lo['worst_family']['accuracy'])})."
    )
    add("")


def _judge_section(lofo: dict, add) -> None:  # noqa: ANN001
    add("## Generalisation: leave-one-family-out (the judge)")
    add(
        "A family is one prompt-format convention (`models/families.py`): pairwise LLM-as-judge prompts, "
        "multiple-choice answer directives, ReAct loops, role-play games, ... Each family is held out in turn: its "
        "corpus prompts, **every authored template of that family**, and every authored prompt filled with one of "
        "its corpus prompts leave training; the model (vocabulary included) is fitted on the rest and predicts the "
        "family. Every corpus prompt is predicted once, by a model that never saw its family in any wording. "
        "The headline figures are over the corpus; families that exist only as authored templates are reported "
        "apart (we wrote both their training and their test prompts, so they are weaker evidence)."
    )
    add("")
    add("| metric | leave-one-family-out | goal | |")
    add("| --- | --- | --- | --- |")
    add(f"| macro_f1 | {_pct(lofo['macro_f1'])} | >= 0.93 | {'met' if lofo['macro_f1'] >= 0.93 else '**missed**'} |")
    for k in ("ordinary_precision", "cot_recall", "agentic_recall"):
        add(_goal_line(k, lofo[k]))
    add(f"| ordinary recall (1 - false-alarm rate) | {_pct(lofo['per_class']['ordinary']['recall'])} | - | |")
    add("")
    w = lofo["worst_family"]
    add(f"Worst family: **{w['family']}** (accuracy {_pct(w['accuracy'])} on {w['n_corpus']} corpus prompts).")
    add("")
    columns = ["held-out family", "label", "corpus n", "corpus accuracy", "predicted cot / agentic / ordinary"]
    add("| " + " | ".join([*columns, "authored n", "authored accuracy"]) + " |")
    add("| --- | --- | --- | --- | --- | --- | --- |")
    rows = sorted(
        lofo["per_family"].items(), key=lambda kv: (kv[1].get("accuracy", 2.0), kv[1].get("authored_accuracy", 2.0))
    )
    for fam, v in rows:
        pa = v.get("predicted_as")
        pred = f"{pa['cot_harvesting']} / {pa['agentic_extraction']} / {pa['ordinary']}" if pa else "-"
        acc = _pct(v["accuracy"]) if "accuracy" in v else "-"
        a_acc = _pct(v["authored_accuracy"]) if "authored_accuracy" in v else "-"
        add(f"| {fam} | {v['label']} | {v.get('n_corpus', 0)} | {acc} | {pred} | {v.get('n_authored', 0)} | {a_acc} |")
    add("")
    ao = lofo.get("authored_only_families")
    if ao:
        add(
            f"Authored-only families held out ({len(ao['families'])} families, {ao['n']} prompts): accuracy "
            f"{_pct(ao['accuracy'])}, worst {ao['worst_family']['family']} "
            f"({_pct(ao['worst_family']['authored_accuracy'])})."
        )
        add("")
    add("Confusion matrix over the corpus (rows: true, columns: predicted):")
    add("")
    add("| true \\ predicted | cot_harvesting | agentic_extraction | ordinary |")
    add("| --- | --- | --- | --- |")
    for t, row in lofo["confusion"].items():
        add(f"| {t} | {row['cot_harvesting']} | {row['agentic_extraction']} | {row['ordinary']} |")
    add("")
    cal = lofo.get("calibration")
    if cal:
        before, after = cal["uncalibrated"], cal["temperature_cross_fitted"]
        add("## Calibration")
        shipped, fitted = cal["temperature_shipped"], cal["temperature_fitted"]
        decision = (
            f"The logits are divided by T = {shipped}, folded into the exported weights."
            if shipped != 1.0
            else f"The fitted temperature ({fitted}) made the cross-fitted figures worse, so none is applied (T = 1)."
        )
        add(
            "The cluster stage adds scores up across accounts, so a score of 0.6 should mean 60%. Calibration is "
            "measured on the held-out (leave-one-family-out) probabilities. A temperature is fitted by log loss on "
            "them; to measure it honestly, each family is rescaled with a temperature fitted on the *other* "
            f"families only (cross-fitted). {decision}"
        )
        add("")
        add("| | ECE (top label, 15 bins) | Brier (3 classes) | log loss |")
        add("| --- | --- | --- | --- |")
        add(f"| uncalibrated | {before['ece']} | {before['brier']} | {before['log_loss']} |")
        add(f"| temperature, cross-fitted | {after['ece']} | {after['brier']} | {after['log_loss']} |")
        add("")
        shown = after if shipped != 1.0 else before
        add("Reliability of the shipped model's held-out scores (top label):")
        add("")
        add("| confidence bin | n | mean confidence | accuracy |")
        add("| --- | --- | --- | --- |")
        for b in shown["reliability"]:
            add(f"| {b['bin']} | {b['n']} | {b['mean_confidence']} | {b['accuracy']} |")
        add("")
        add(
            "These figures hold for the corpus's class mix and for families the model has not seen; on known "
            "templates the scores are sharper, and under a very different class mix (production traffic is mostly "
            "ordinary) the scores should be re-checked against labelled traffic."
        )
        add("")


def write_model_card(out: Path, ev: dict) -> None:
    lines: list[str] = []
    add = lines.append
    add(f"# Model card: {ev['model_version']}")
    add("")
    add("Generated by `python -m models.train` from `EVALUATION.json` (same folder). Do not edit by hand.")
    add("")
    add("## What it is")
    add(
        "A three-way classifier of LLM API prompts: `cot_harvesting` (prompts that elicit reasoning traces for "
        "distillation: reasoning-elicitation templates, LLM-as-judge/grader prompts, trace rewriting), "
        "`agentic_extraction` (tool/function schemas, ReAct-style loops, coding-agent harnesses) and `ordinary`."
    )
    add("")
    m = ev["model"]
    add(
        f"- Model: {m['type']}; C={m['c']}, min_df={m['min_df']}, classes balanced, each family weighted "
        f"n^{m.get('family_power', 1.0)} in total (so that a few big corpus templates do not drown the rest); "
        f"temperature T={ev.get('leave_one_family_out', {}).get('calibration', {}).get('temperature_shipped', 1.0)}."
    )
    add(
        "- Pre-processing (numpy, `distillguard/classifier/preprocessing.py`, shared by training and serving): "
        "truncation keeping the system prompt, tool schemas and the start and end of the last user turn; "
        "lower-casing; every number becomes `0`; word/CJK-character/punctuation tokens; structural tokens for the "
        "role layout (`§system`, `§tools`, `§assistant`, `§tool`, `§raw`, multi-turn, tool calls) and wording-free "
        "layout cues per block kind (section tags, lettered options, line-prefix scaffolds, JSON, tool-schema keys, "
        "code; the system prompt and a tools block share the `§sys_` prefix); unigram vocabulary + bigram key table."
    )
    add(
        "- ONNX graph (hand-built, opset 17): idf gather, log1p tf, L2 normalisation, linear layer as a gathered "
        "batched MatMul, softmax. Inputs `indices` int64 [B, L], `counts` float32 [B, L]; output "
        "`probabilities` [B, 3]."
    )
    p = ev["parity"]
    add(
        f"- Parity: ONNX (serving featuriser + graph) vs scikit-learn on all {p['n']} training prompts: max |diff| "
        f"{p['max_abs_diff']:.2e} (tolerance 1e-4), {p['argmax_disagreements']} argmax disagreements."
    )
    add("")
    add("## Intended use")
    add(
        "Flag requests in API logs for aggregation per customer/API key (the pipeline's aggregate stage decides "
        "alerts from many requests). A single prompt cannot prove intent: a lone `cot_harvesting` verdict is a "
        "signal, not an accusation. Not for blocking individual requests on its own."
    )
    add("")
    d = ev["data"]
    add("## Data")
    add(
        f"Corpus: {d['n_examples']} prompts ({', '.join(f'{k}: {v}' for k, v in d['per_label'].items())}), "
        f"read from `{d['path']}`; non-commercial sources excluded: {d['exclude_noncommercial']}."
    )
    aug = d["augmentation"]
    add(
        f"Authored augmentation: {aug['n']} prompts ({', '.join(f'{k}: {v}' for k, v in aug['per_label'].items())}) "
        "from templates written for this project in our own words (`models/authored/templates.py`), each "
        "tagged with its family: reasoning system prompts and user wrappers in 7 languages, answer-format, "
        "multiple-choice and structured-answer directives, unusual reasoning markup, few-shot exemplars, forced "
        "`<think>` prefills, judges (single rating, pairwise, batch ranking, JSON/function-call verdicts, reference "
        "graders, rubrics and reward models, step verifiers, code graders), trace rewriting, tool schemas in 6 "
        "renderings (tool lists made up or taken from the corpus's agentic prompts), agent loops, coding and "
        "browser agents; ordinary hard negatives: persona prompts, role-play "
        "games with rules, everyday requests that say 'think step by step' or ask to rate something, long "
        "structured prompt-engineering requests, pasted JSON (configs, API responses, records, data-model schemas), "
        "multi-turn chats. Per-family counts are in "
        "EVALUATION.json. "
        "They are filled with problems and requests from the "
        "corpus's ordinary prompts, and half the function-calling ones with the tool list of one of its agentic "
        "prompts (the prompt counts as the example's filler); in every evaluation fold only fillers from the "
        "training part are used."
    )
    add("")
    add("### Sources and licences")
    add(LICENCES)
    add("")
    add(
        "`--exclude-noncommercial` drops every prompt built from codealpaca (CC BY-NC 4.0) or the OCW set "
        "(CC BY-NC-SA 4.0) and writes `models/distillguard-clf-commercial/`: the model DistillGuard ships and "
        "serves by default (the ModelLayer, `distillguard classify`). `models/distillguard-clf/`, trained on every "
        "source, is for research use under the non-commercial licences."
    )
    add("")
    if "leave_one_family_out" in ev:
        _judge_section(ev["leave_one_family_out"], add)
    if "leave_one_source_out" in ev:
        lo = ev["leave_one_source_out"]
        add("## Secondary: leave-one-source-out")
        add(
            "Each source repository is held out in turn (with the augmentation filled from it), but every authored "
            "family stays in training, including the paraphrases of the held-out repository's templates. This "
            "measures transfer to new *wordings* of known families, so it reads higher than the judge."
        )
        add("")
        add(
            f"macro-F1 {_pct(lo['macro_f1'])}, ordinary precision {_pct(lo['ordinary_precision'])}, cot recall "
            f"{_pct(lo['cot_recall'])}, agentic recall {_pct(lo['agentic_recall'])}; worst source "
            f"{lo['worst_source']['source']} ({_pct(lo['worst_source']['accuracy'])}). Per source: "
            + ", ".join(
                f"{k} {_pct(v['accuracy'])}"
                for k, v in sorted(lo["per_source"].items(), key=lambda kv: kv[1]["accuracy"])
            )
            + "."
        )
        add("")
    _variant_section(out, ev, add)
    if "random_split" in ev:
        rs = ev["random_split"]
        add("## Random split (80/20, seed 0; not the judge)")
        add(
            f"macro-F1 {_pct(rs['macro_f1'])}, ordinary precision {_pct(rs['ordinary_precision'])}, cot recall "
            f"{_pct(rs['cot_recall'])}, agentic recall {_pct(rs['agentic_recall'])} (n={rs['n']}). Templates are "
            "shared between train and test here, so this measures memorisation more than generalisation."
        )
        add("")
    sp = ev.get("speed")
    if sp:
        th, cs, ar, mem = sp["throughput_cpu"], sp["cold_start"], sp["artefact"], sp["memory_256x20000_chars"]
        add("## Speed and size (this 2-core build machine, shared and noisy)")
        add(
            "Throughput is the CPU time of one single-threaded process (one intra-op thread, OMP_NUM_THREADS=1), "
            "best of the passes, batches of 256 prompts of similar lengths: other processes on the shared machine "
            "slow the wall clock (reported in EVALUATION.json) far more than they do this figure."
        )
        add("")
        add("| measure | value | goal |")
        add("| --- | --- | --- |")
        rows = [("corpus length mix", th, ">= 5,000 (issue 8); aim 15,000")]
        if "throughput_cpu_longest_10pct" in sp:
            rows.append(("the corpus's longest 10%", sp["throughput_cpu_longest_10pct"], ">= 5,000"))
        if "throughput_cpu_simulated" in sp:
            rows.append(("simulated log records' prompts", sp["throughput_cpu_simulated"], "-"))
        for name, t, goal in rows:
            split = (
                f"; featurisation {t['featurisation_share']:.0%}, ONNX {t['onnx_share']:.0%}; batch p50 "
                f"{t['batch_ms_p50']} ms, p99 {t['batch_ms_p99']} ms"
                if "featurisation_share" in t
                else ""
            )
            add(
                f"| throughput, {name} ({t['n_prompts']} prompts, mean {t['mean_chars']} chars) | "
                f"{t['prompts_per_s']} prompts/s{split} | {goal} |"
            )
        cpu = f"; CPU {cs['first_result_cpu_ms']} ms" if "first_result_cpu_ms" in cs else ""
        add(
            f"| cold start (fresh process: import + load + first prediction) | {cs['first_result_ms']} ms "
            f"(load {cs['load_ms']} ms{cpu}) | <= 500 ms |"
        )
        if "cold_start_classify_function" in sp:
            fn = sp["cold_start_classify_function"]
            add(
                f"| cold start of the classify function (import of functions/classify/app.py, model load, first "
                f"prediction) | {fn['first_result_ms']} ms (CPU {fn['first_result_cpu_ms']} ms), peak RSS "
                f"{fn['peak_rss_mb']} MB | - |"
            )
        add(f"| artefact (served files) | {ar['served_files_mb']} MB | <= 100 MB |")
        add(f"| peak RSS, one batch of 256 prompts x 20,000 chars | {mem['peak_rss_mb']} MB | bounded |")
        add("")
        add(
            "Featurisation is numpy over the code points of a whole batch (`distillguard/classifier/tokens.py`): "
            "token boundaries from character classes, exact integer keys looked up in hash tables, only long or "
            "non-ASCII words through a Python dict; the features are identical to the string tokenizer training "
            "uses (tests/unit/test_classifier_tokens.py). Memory is bounded by construction: truncation caps "
            "every prompt (`MAX_TRUNCATED_CHARS`), so the padded feature arrays and the gathered weights "
            "([B, L, 3]) are a few MB per batch whatever the input length. GPU throughput was **not measured** "
            "(no GPU here; the CUDA provider path is untested); the graph is a small share of the time, so a GPU "
            "is not expected to help much."
        )
        add("")
    add("## Known limits")
    add(
        "- The cot class is constructed from real templates and real problems, not observed traffic; a single "
        "prompt cannot show intent. LLM-as-judge prompts are labelled cot by the project's convention."
    )
    add(
        "- Bag-of-n-grams: a harvesting template with wording far from anything in training (including the "
        "authored variants) is missed; a long ordinary persona prompt that asks for 'step-by-step' work can be "
        "flagged. The held-out table above names where this happens."
    )
    add(
        "- Short agent system prompts that describe their tools only in prose, with no schema and no call syntax "
        '("You have a shell, an editor and a browser"), are often called ordinary; everyday "explain step by '
        'step how to ..." requests sit close to the cot boundary (scores near 0.5).'
    )
    add(
        "- Calibration (temperature) is fitted on the corpus mix of held-out families; set alert thresholds on the "
        "aggregate per account, and re-check calibration on labelled production traffic."
    )
    add(
        "- The judge also chose the model: the layout cues, the added hard negatives, C and the family weighting "
        "were picked after reading its errors, so its figures are somewhat optimistic; a set of new harnesses "
        "kept aside (the issue's held-out set) is the check. In particular, the pasted-JSON negatives were "
        "rewritten after an ablation on the worst family (tools parameter, 0.74 held out): they had pasted the "
        "agents' own tool definitions as ordinary data, which taught the model that a tool list is no sign of an "
        "agent."
    )
    add(
        "- A user who pastes a list of function definitions into a message (to document or convert them) is likely "
        "called agentic: no ordinary example holds one any more."
    )
    react = ev.get("leave_one_family_out", {}).get("per_family", {}).get("agent-react-loop", {})
    if not d["exclude_noncommercial"] and react.get("accuracy", 1.0) < 0.9:
        add(
            "- Some held-out figures depend on the augmentation's random draw: the ReAct family reads "
            f"{_pct(react['accuracy'])} held out with the shipped augmentation seed (13), 1.0 with seeds 1 and 2 "
            "(measured by hand, that fold only), its prompts sitting between the agentic and cot classes; the "
            "judge reports the shipped seed only."
        )
    add(
        "- Not tried: a fine-tuned transformer encoder or a fast-model/encoder cascade (CPU time on the build "
        "machine did not allow it); GPU throughput not measured."
    )
    add("- Languages: only the authored augmentation covers non-English templates (a few per language).")
    add("- 'Censorship-safe rewrite' requests exist only as authored examples (no public source in the corpus).")
    add(
        "- Truncation keeps heads/tails of long turns: a harvesting instruction hidden in the middle of a very "
        "long user turn is cut."
    )
    add("")
    (out / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("models/distillguard-clf")
    write_model_card(out, json.loads((out / "EVALUATION.json").read_text()))


if __name__ == "__main__":
    main()
