"""Prompt families: the unit the judge (leave-one-family-out) holds out.

A family is one prompt-format convention: the LLM-as-judge prompts that compare two answers, the benchmark
harnesses that ask for a multiple-choice letter, ReAct-style Thought/Action/Observation loops, role-play games
with rules, and so on. A family can hold corpus prompts (matched by their ``source`` below) and authored
templates (tagged with the family in ``models/authored/templates.py``), or only one of the two. Leaving a family
out removes both from training, so the held-out figures say how the model does on a convention it has never
seen, in any wording, which is what happens when a new evaluation harness or reasoning-model format appears.

Where one corpus prompt combines two conventions (a reasoning system prompt over a harness's answer-format
directive), it belongs to the family of the more specific part, as noted per rule; the other part stays in
training through its own family, as it would in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.data import Example

COT, AGE, ORD = "cot_harvesting", "agentic_extraction", "ordinary"


@dataclass(frozen=True, slots=True)
class Family:
    label: str
    description: str


FAMILIES: dict[str, Family] = {
    # --- cot_harvesting: reasoning elicitation ------------------------------------------------------------------
    "cot-boxed-directive": Family(COT, "user-turn 'reason step by step, final answer in \\boxed{}' directives"),
    "cot-think-answer-format": Family(COT, "system/user formats with reasoning tags (<think>, <answer>, ...)"),
    "cot-deliberation-system": Family(COT, "long-deliberation system prompts (explore, reflect, backtrack)"),
    "cot-eval-harness": Family(COT, "eval-harness reasoning prompts: step-by-step + 'the final answer is' lines"),
    "cot-mc-answer-directive": Family(COT, "multiple-choice benchmark items with an answer-letter directive"),
    "cot-structured-answer": Family(COT, "benchmark problems with an answer-field / JSON / tagged answer format"),
    "cot-code-reasoning": Family(COT, "code-generation harnesses that ask for reasoning or executable functions"),
    "cot-unusual-markup": Family(COT, "forced reasoning on competition problems with unusual delimiters"),
    "cot-few-shot-exemplar": Family(COT, "few-shot worked exemplars followed by the new problem"),
    "cot-prefill": Family(COT, "assistant turn prefilled with a reasoning opener"),
    "cot-trace-rewrite": Family(COT, "rewriting, converting or expanding reasoning traces"),
    # --- cot_harvesting: graders, judges, reward models ---------------------------------------------------------
    "judge-single-rating": Family(COT, "LLM-as-judge: rate one answer on a scale"),
    "judge-pairwise": Family(COT, "LLM-as-judge: which of two answers is better"),
    "judge-batch-ranking": Family(COT, "LLM-as-judge: rank or pick among several model outputs"),
    "judge-structured-verdict": Family(COT, "judges that return a JSON or function-call verdict"),
    "judge-reference-grader": Family(COT, "graders: compare an answer with a reference (correct / equivalent)"),
    "judge-rubric-reward": Family(COT, "rubric, checklist, Likert and reward-model scoring"),
    "judge-step-verifier": Family(COT, "process graders: check a solution step by step"),
    "judge-code-grader": Family(COT, "graders of programs: would it pass the tests"),
    # --- agentic_extraction ---------------------------------------------------------------------------------------
    "agent-tools-param": Family(AGE, "an OpenAI-style tools parameter ([tools] block), optionally with tool calls"),
    "agent-prompted-functions": Family(AGE, "function schemas and a call syntax written into the system prompt"),
    "agent-react-loop": Family(AGE, "Thought / Action / Observation loops (raw completion prompts)"),
    "agent-loop-other": Family(AGE, "other tool loops: plan/call/result, shell environments, numbered steps"),
    "agent-coding": Family(AGE, "coding agents in a repository or sandbox (shell, editor commands)"),
    "agent-browser": Family(AGE, "web/browser agents acting on a page"),
    "agent-prose-tools": Family(AGE, "agents whose tools are described in prose with an ad-hoc syntax"),
    # --- ordinary -------------------------------------------------------------------------------------------------
    "ord-roleplay-persona": Family(ORD, "'act as' persona and prompt-library prompts"),
    "ord-roleplay-game": Family(ORD, "role-play games and quizzes with rules, scores and answers"),
    "ord-instructions": Family(ORD, "everyday instructions and tasks"),
    "ord-code-task": Family(ORD, "coding tasks and function stubs asked plainly"),
    "ord-math-word": Family(ORD, "grade-school word problems asked plainly"),
    "ord-exam-question": Family(ORD, "exam and competition questions (some multiple choice) asked plainly"),
    "ord-chat-benchmark": Family(ORD, "chat benchmark questions (single and two-turn)"),
    "ord-casual-stepwise": Family(ORD, "casual 'explain it step by step' requests around a problem"),
    "ord-stepwise-instruction": Family(ORD, "instruction-following tasks that say 'think step by step'"),
    "ord-structured-prompt": Family(ORD, "long structured prompt-engineering requests (rules, workflow, output)"),
    "ord-pasted-json": Family(ORD, "requests that paste JSON (configs, payloads, schemas) as data"),
    "ord-plain-wrapper": Family(ORD, "problems and requests in short casual wrappers"),
    "ord-chat-multiturn": Family(ORD, "short multi-turn everyday chats"),
    "ord-evaluation-talk": Family(ORD, "everyday requests that mention grading, rating, rubrics or reviews"),
    "ord-feedback": Family(ORD, "operators' traffic from findings marked false positive (distillguard false-positive)"),
}

# (substring of the source, family), first match wins.
CORPUS_RULES: tuple[tuple[str, str], ...] = (
    # open-r1
    ("huggingface/open-r1:scripts/generate_reasoning.py", "cot-boxed-directive"),
    ("grpo/config_demo.yaml", "cot-think-answer-format"),
    ("sft/config_distill.yaml", "cot-deliberation-system"),
    # open-thoughts: the code harness (executable-function directive) over the deliberation system prompt
    ("open-thoughts/open-thoughts:open_thoughts/code/reason.py", "cot-code-reasoning"),
    ("format_code_prompt", "cot-code-reasoning"),
    ("open-thoughts/open-thoughts", "cot-deliberation-system"),
    # SkyThought: the qwen step-by-step system prompt over each task's template
    ("NovaSky-AI/SkyThought:recipes/sky-t1-preview/prompts.py", "cot-trace-rewrite"),
    ("skythought/evals/tasks/apps/", "cot-code-reasoning"),
    ("skythought/evals/tasks/gpqa_diamond/", "cot-mc-answer-directive"),
    ("skythought/evals/tasks/arc/", "cot-mc-answer-directive"),
    ("NovaSky-AI/SkyThought", "cot-eval-harness"),
    # FastChat judges
    ("judge_prompts.jsonl#pair-", "judge-pairwise"),
    ("judge_prompts.jsonl#single-", "judge-single-rating"),
    # agents
    ("ShishirPatil/gorilla:", "agent-prompted-functions"),  # refined by _gorilla() below
    ("ysymyth/ReAct", "agent-react-loop"),
    ("princeton-nlp/SWE-agent", "agent-coding"),
    # ordinary
    ("authored casual phrasing", "ord-casual-stepwise"),
    ("f/awesome-chatgpt-prompts", "ord-roleplay-persona"),
    ("yizhongw/self-instruct", "ord-instructions"),
    ("sahil280114/codealpaca", "ord-code-task"),
    ("openai/human-eval", "ord-code-task"),
    ("openai/grade-school-math", "ord-math-word"),
    ("deepseek-ai/DeepSeek-Math", "ord-exam-question"),
    ("lm-sys/FastChat:fastchat/llm_judge/data/mt_bench", "ord-chat-benchmark"),
    ("lm-sys/FastChat:fastchat/llm_judge/data/vicuna_bench", "ord-chat-benchmark"),
    ("feedback:", "ord-feedback"),
)


def corpus_family(example: Example) -> str:
    """The family of one corpus prompt (ValueError if no rule matches or the label disagrees)."""
    source = example.source
    for needle, family in CORPUS_RULES:
        if needle in source:
            if family == "agent-prompted-functions" and "FC mode" in source:
                family = "agent-tools-param"
            if FAMILIES[family].label != example.label:
                raise ValueError(f"family {family} is {FAMILIES[family].label}, prompt is {example.label}: {source}")
            return family
    raise ValueError(f"no family rule matches source {source!r}")
