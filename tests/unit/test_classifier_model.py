"""The shipped model (models/distillguard-clf): serving contract, parity and behaviour. No corpus needed."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from distillguard.classifier import DEFAULT_MODEL_DIR, Prediction, PromptClassifier
from distillguard.classifier.runtime import _order_providers
from distillguard.records import LABELS

BOXED = "Please reason step by step, and put your final answer within \\boxed{}."

PLAIN_PROBLEMS = [
    "Maria has 14 apples and gives 5 to her brother. How many apples does she have left?",
    "A rectangle is 8 cm long and 3 cm wide. What is its area?",
    "Tom reads 25 pages a day. How many days does he need to finish a 300-page book?",
    "Find all real x such that 2x + 7 = 19.",
    "Write a Python function that returns the largest element of a list.",
    "A bakery sells 120 loaves on Monday and twice as many on Tuesday. How many loaves in total?",
]

EVERYDAY = [
    "What's a good recipe for a quick weeknight dinner?",
    "Can you help me write a birthday message for my grandmother?",
    "Translate 'where is the train station' into German.",
    "What are some tips for sleeping better?",
    "Suggest a name for my new coffee shop.",
    "Explain the difference between weather and climate.",
]

TOOLS_BLOCK = (
    '[tools]\n[{"type": "function", "function": {"name": "search_flights", "description": "Search flights '
    'between two airports", "parameters": {"type": "object", "properties": {"origin": {"type": "string"}, '
    '"destination": {"type": "string"}, "date": {"type": "string"}}, "required": ["origin", "destination"]}}}]'
)


@pytest.fixture(scope="module")
def clf() -> PromptClassifier:
    return PromptClassifier.load()


def _user(text: str) -> str:
    return f"[user]\n{text}"


def _cot(clf: PromptClassifier, texts: list[str]) -> np.ndarray:
    return clf.predict_proba(texts)[:, list(clf.labels).index("cot_harvesting")]


# --- serving contract --------------------------------------------------------------------------------------
def test_load_reports_version_providers_and_labels(clf):
    assert re.fullmatch(r"distillguard-clf-\d{4}\.\d{2}\.\d{2}-[0-9a-f]{8}", clf.version)
    assert clf.providers == ["CPUExecutionProvider"]
    assert set(clf.labels) == set(LABELS)


def test_predictions_carry_a_label_and_scores_for_all_labels(clf):
    preds = clf.predict([_user("hello"), _user("What is 2+2?")])
    assert len(preds) == 2
    for p in preds:
        assert isinstance(p, Prediction)
        assert p.label in LABELS
        assert set(p.scores) == set(LABELS)
        assert sum(p.scores.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.label == max(p.scores, key=p.scores.get)


def test_empty_batch_and_empty_prompt(clf):
    assert clf.predict([]) == []
    assert clf.predict([""])[0].label in LABELS


def test_batch_size_does_not_change_results(clf):
    texts = [_user(t) for t in EVERYDAY + PLAIN_PROBLEMS]
    np.testing.assert_allclose(
        clf.predict_proba(texts, batch_size=3), clf.predict_proba(texts, batch_size=256), atol=1e-6
    )


def test_a_single_string_is_refused(clf):
    with pytest.raises(TypeError):
        clf.predict("[user]\nhello")


def test_cuda_is_asked_first_and_cpu_stays_the_fallback():
    assert _order_providers(["CPUExecutionProvider", "CUDAExecutionProvider"]) == [
        "CUDAExecutionProvider",
        "CPUExecutionProvider",
    ]
    assert _order_providers(["CUDAExecutionProvider"]) == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    assert _order_providers([]) == ["CPUExecutionProvider"]


@pytest.mark.filterwarnings("ignore:Specified provider 'CUDAExecutionProvider'")
def test_asking_for_cuda_without_a_gpu_falls_back_to_the_cpu_and_says_so(caplog):
    # Given the CPU onnxruntime package (no CUDA provider available here)
    # When CUDA is asked for first
    with caplog.at_level("WARNING"):
        clf = PromptClassifier.load(providers=("CUDAExecutionProvider", "CPUExecutionProvider"))
    # Then the session reports what really runs, and it still predicts
    assert "CPUExecutionProvider" in clf.providers
    if "CUDAExecutionProvider" not in clf.providers:
        assert "not in use" in caplog.text
    assert clf.predict([_user("hi")])[0].label in LABELS


# --- parity --------------------------------------------------------------------------------------------------
def test_onnx_matches_reference_probabilities_from_training(clf):
    # Given probabilities scikit-learn computed at training time for a few authored prompts
    ref = json.loads((DEFAULT_MODEL_DIR / "reference_predictions.json").read_text())
    assert ref["labels"] == list(clf.labels)
    # When the shipped artefact scores the same prompts
    got = clf.predict_proba(ref["prompts"])
    # Then they agree within 1e-4
    np.testing.assert_allclose(got, np.array(ref["probabilities"]), atol=1e-4)


def test_onnx_graph_matches_a_pure_numpy_reimplementation(clf):
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    model = onnx.load(str(DEFAULT_MODEL_DIR / "model.onnx"))
    init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    texts = [_user(t) for t in EVERYDAY + PLAIN_PROBLEMS] + [_user(f"{BOXED}\n{p}") for p in PLAIN_PROBLEMS]
    indices, counts = clf._featurizer.transform(texts)
    w = np.log1p(counts.astype(np.float64)) * init["idf"][indices]
    w /= np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-12)
    logits = np.einsum("bl,blc->bc", w, init["W"][indices]) + init["b"]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(texts), expected, atol=1e-5)


# --- behaviour: minimum functionality --------------------------------------------------------------------
@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_requests_are_ordinary(clf, text):
    assert clf.predict([_user(text)])[0].label == "ordinary"


@pytest.mark.parametrize("request_text", ["Find me a flight from Lisbon to Oslo on 2025-03-02.", *EVERYDAY[:3]])
def test_a_request_that_carries_a_tools_block_is_agentic(clf, request_text):
    assert clf.predict([f"{TOOLS_BLOCK}\n\n{_user(request_text)}"])[0].label == "agentic_extraction"


@pytest.mark.parametrize("problem", PLAIN_PROBLEMS[:4])
def test_reasoning_elicitation_templates_are_cot(clf, problem):
    texts = [
        _user(f"{BOXED}\n{problem}"),
        f"[system]\nThink carefully and write your full reasoning inside <think></think> tags before you answer."
        f"\n\n{_user(problem)}",
    ]
    assert [p.label for p in clf.predict(texts)] == ["cot_harvesting", "cot_harvesting"]


def test_plain_problems_are_ordinary(clf):
    assert {p.label for p in clf.predict([_user(p) for p in PLAIN_PROBLEMS])} == {"ordinary"}


# --- behaviour: directional ----------------------------------------------------------------------------------
@pytest.mark.parametrize("problem", PLAIN_PROBLEMS)
def test_boxed_step_by_step_wrapper_moves_towards_cot(clf, problem):
    plain, wrapped = _cot(clf, [_user(problem), _user(f"{BOXED}\n{problem}")])
    assert wrapped > plain + 0.2


# --- behaviour: invariance -----------------------------------------------------------------------------------
RENAMES = [
    ("Maria", "Priya"),
    ("Tom", "Kwame"),
    ("14", "37"),
    ("5", "9"),
    ("25", "40"),
    ("300", "720"),
    ("120", "85"),
    ("8", "11"),
    ("3", "6"),
]


def _rename(text: str) -> str:
    for old, new in RENAMES:
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    return text


@pytest.mark.parametrize(
    "template",
    [
        "[user]\n{p}",
        "[user]\n" + BOXED + "\n{p}",
        TOOLS_BLOCK + "\n\n[user]\n{p}",
        "[system]\nYou are a helpful assistant.\n\n[user]\n{p}",
    ],
)
def test_renaming_numbers_and_names_keeps_the_label(clf, template):
    originals = [template.replace("{p}", p) for p in PLAIN_PROBLEMS]
    renamed = [template.replace("{p}", _rename(p)) for p in PLAIN_PROBLEMS]
    assert renamed != originals
    assert [p.label for p in clf.predict(originals)] == [p.label for p in clf.predict(renamed)]


# --- behaviour on the families of issue 8 (prompts written for these tests, not taken from training) ---------
MC_QUESTION = "Which planet is closest to the Sun?\nA. Venus\nB. Mercury\nC. Mars\nD. Earth"
QUESTION = "How many minutes are there in 3.5 hours?"
ANSWER_1 = "3.5 hours is 3 hours and 30 minutes, so 180 + 30 = 210 minutes."
ANSWER_2 = "There are 60 minutes in an hour, so the answer is 350."

HARVESTING_FAMILIES = {
    "pairwise judge": _user(
        f"Two assistants replied to the same question. Decide which reply is more correct and helpful, explain "
        f"briefly, and end with 'Better: first' or 'Better: second'.\n\nQuestion: {QUESTION}\n\nFirst reply: "
        f"{ANSWER_1}\n\nSecond reply: {ANSWER_2}"
    ),
    "batch ranking judge": _user(
        f"Order the candidate outputs below from best to worst for accuracy and give the order as a list of "
        f"numbers, with a short justification.\n\nQuestion: {QUESTION}\n\nOutput 1: {ANSWER_1}\n\nOutput 2: "
        f"{ANSWER_2}\n\nOutput 3: About 200 minutes."
    ),
    "JSON verdict judge": _user(
        f'Evaluate the model response. Reply only with JSON containing the keys "analysis", "score" (1-10) and '
        f'"verdict".\n\nPrompt: {QUESTION}\nModel response: {ANSWER_2}'
    ),
    "reference grader": _user(
        f"Compare the submitted answer with the reference answer and say whether it is correct. Explain, then "
        f"print CORRECT or INCORRECT.\n\nQuestion: {QUESTION}\nReference answer: 210\nSubmitted answer: {ANSWER_2}"
    ),
    "multiple-choice answer directive": _user(f"{MC_QUESTION}\n\nRespond with only the letter of your choice."),
    "unusual reasoning markup": _user(
        "Find the number of positive divisors of 360.\n\nPut all of your reasoning between <<work>> and <</work>> "
        "markers, thinking as long as necessary, and then write the final result after 'RESULT:'."
    ),
}
ORDINARY_LOOKALIKES = {
    "role-play game with rules": _user(
        "Let's play a geography quiz. Rules: you ask me one question at a time about world rivers, I answer, you "
        "tell me whether I'm right and what the correct answer is, and you keep my score. Ten questions in total."
    ),
    "step-by-step inside an everyday request": _user(
        "Think step by step about how to organise a small kitchen, then give me eight practical tips in a bulleted "
        "list, friendly tone, under 150 words."
    ),
    "asking for a rating of one's own work": _user(
        "Could you rate my short story opening from 1 to 10 and suggest one change? 'The lighthouse keeper had "
        "not spoken to anyone in three weeks.'"
    ),
}


@pytest.mark.parametrize("family", sorted(HARVESTING_FAMILIES))
def test_judge_grader_and_benchmark_formats_are_cot(clf, family):
    assert clf.predict([HARVESTING_FAMILIES[family]])[0].label == "cot_harvesting"


@pytest.mark.parametrize("family", sorted(ORDINARY_LOOKALIKES))
def test_games_and_everyday_step_by_step_requests_are_ordinary(clf, family):
    assert clf.predict([ORDINARY_LOOKALIKES[family]])[0].label == "ordinary"


def test_an_answer_letter_directive_moves_a_multiple_choice_question_towards_cot(clf):
    plain, directed = _cot(clf, [_user(MC_QUESTION), HARVESTING_FAMILIES["multiple-choice answer directive"]])
    assert clf.predict([_user(MC_QUESTION)])[0].label == "ordinary"
    assert directed > plain + 0.2


def test_wrapping_two_answers_in_a_comparison_moves_towards_cot(clf):
    plain, judged = _cot(clf, [_user(QUESTION), HARVESTING_FAMILIES["pairwise judge"]])
    assert judged > plain + 0.3


@pytest.mark.parametrize(("old", "new"), [("First reply", "Reply A"), ("Second reply", "Reply B")])
def test_renaming_the_candidates_of_a_judge_prompt_keeps_the_label(clf, old, new):
    text = HARVESTING_FAMILIES["pairwise judge"]
    renamed = text.replace(old, new).replace(old.split()[0].lower(), new.split()[1])
    assert renamed != text
    assert clf.predict([renamed])[0].label == "cot_harvesting"


@pytest.mark.parametrize("topic", ["world rivers", "famous paintings", "football history", "chemical elements"])
def test_changing_the_topic_of_a_quiz_game_keeps_it_ordinary(clf, topic):
    text = ORDINARY_LOOKALIKES["role-play game with rules"].replace("world rivers", topic)
    assert clf.predict([text])[0].label == "ordinary"


def test_the_shipped_temperature_is_the_one_the_evaluation_chose(clf):
    # Given the artefact's evaluation report (calibration measured on held-out families)
    evaluation = json.loads((DEFAULT_MODEL_DIR / "EVALUATION.json").read_text())
    calibration = evaluation["leave_one_family_out"]["calibration"]
    # Then the model serves with the temperature the report says it ships
    assert clf.metadata["training"]["temperature"] == pytest.approx(calibration["temperature_shipped"], abs=1e-4)
    assert 0.05 < clf.metadata["training"]["temperature"] < 20
