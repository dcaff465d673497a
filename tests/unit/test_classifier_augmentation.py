"""The authored training augmentation must not copy the corpus's source templates (that would leak held-out
sources into leave-one-source-out training and make the generalisation figures dishonest)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

TEMPLATES_FILE = Path(__file__).resolve().parents[2] / "models" / "authored" / "templates.py"

# Distinctive sentences of the templates the corpus was built from (one or two per source repository).
CORPUS_TEMPLATE_PHRASES = [
    "please reason step by step, and put your final answer within",  # open-r1 / common R1 prompt
    "you will be given a problem. please reason step by step",  # open-r1
    "the assistant first thinks about the reasoning process in the mind",  # R1-zero style (open-r1 GRPO)
    "your role as an assistant involves thoroughly exploring questions",  # open-thoughts / Sky-T1
    "return your final response within",  # open-thoughts
    "generate an executable python function generated from the given prompt",  # open-thoughts / SkyThought
    "you are qwen developed by alibaba",  # SkyThought qwen_cot
    "another solution is written in an unstructured way",  # SkyThought CONVERT_PROMPT
    "you are a solution format convertor",  # SkyThought
    "please act as an impartial judge and evaluate the quality of the response",  # FastChat judge
    "[the start of assistant a's answer]",  # FastChat judge
    "solve a question answering task with interleaving thought, action, observation steps",  # ReAct
    "determine if there is observation that supports or refutes a claim",  # ReAct FEVER
    "you are an expert in composing functions",  # gorilla BFCL
    "setting: you are an autonomous programmer",  # SWE-agent
]


def _load_templates():
    spec = importlib.util.spec_from_file_location("authored_templates", TEMPLATES_FILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _all_strings(module) -> list[str]:
    out: list[str] = []
    for name in dir(module):
        value = getattr(module, name)
        if not name.isupper():
            continue
        lists = value.values() if isinstance(value, dict) else [value] if isinstance(value, list) else []
        for items in lists:
            for item in items:
                out.extend(item if isinstance(item, tuple) else [item])
    return [s for s in out if isinstance(s, str)]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def test_templates_file_has_content():
    strings = _all_strings(_load_templates())
    assert len(strings) > 150


@pytest.mark.parametrize("phrase", CORPUS_TEMPLATE_PHRASES)
def test_no_corpus_template_is_copied(phrase):
    joined = "\n".join(_norm(s) for s in _all_strings(_load_templates()))
    assert phrase not in joined
