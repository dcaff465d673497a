"""The authored augmentation's tool lists: taken from the configuration of agentic corpus prompts, remembered as
fillers (so that a held-out prompt's tools never reach training), and kept out of the pasted-JSON negatives."""

from __future__ import annotations

import json

from models import augment
from models.data import Example

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_tide_times",
            "description": "High and low tides for a harbour on a given day.",
            "parameters": {"type": "object", "properties": {"harbour": {"type": "string"}}, "required": ["harbour"]},
        },
    }
]


def _corpus() -> list[Example]:
    tools_param = f"[tools]\n{json.dumps(TOOLS)}\n\n[user]\nWhen is high tide in Brest tomorrow?"
    in_system = (
        "[system]\nYou can call these functions.\n"
        + json.dumps([TOOLS[0]["function"]], indent=4)
        + "\n\n[user]\nTides for Cork today?"
    )
    ordinary = "[user]\nWhat is 12 times 7?"
    return [
        Example(tools_param, "agentic_extraction", "repo/a:FC", "", "a.jsonl"),
        Example(in_system, "agentic_extraction", "repo/a:prompted", "", "a.jsonl"),
        Example(ordinary, "ordinary", "openai/grade-school-math:x", "", "b.jsonl"),
        Example("[user]\nTranslate 'good morning' into French.", "ordinary", "yizhongw/self-instruct:x", "", "b.jsonl"),
    ]


def test_tool_lists_come_from_a_tools_parameter_and_from_a_system_prompt():
    # Given agentic prompts with their tools in a [tools] block and in the system prompt
    # When the fill pools are built
    *_, tool_lists = augment.fill_pools(_corpus())
    # Then each prompt gives its tool list, unwrapped to name / description / parameters, with its corpus index
    assert [i for _, _, i in tool_lists] == [0, 1]
    for text, _, _ in tool_lists:
        (spec,) = json.loads(text)
        assert spec["name"] == "get_tide_times"
        assert set(spec) == {"name", "description", "parameters"}


def test_a_prompt_filled_with_corpus_tools_remembers_where_they_came_from():
    # Given a generator that always draws its tools from the corpus
    examples = _corpus()
    problems, requests, mc, tool_lists = augment.fill_pools(examples)
    gen = augment._Gen(problems, requests, mc, seed=1, tool_lists=tool_lists)
    original = augment.CORPUS_TOOLS_SHARE
    augment.CORPUS_TOOLS_SHARE = 1.0
    try:
        made = [gen.agent() for _ in range(40)]
    finally:
        augment.CORPUS_TOOLS_SHARE = original
    # Then every prompt names the corpus tool, and its fill ids hold the corpus prompt the tools came from
    for a in made:
        assert "get_tide_times" in a.text
        assert {0, 1} & set(a.fill_ids)


def test_pasted_json_negatives_hold_no_function_definitions():
    # Given the ordinary generator
    problems, requests, mc, tool_lists = augment.fill_pools(_corpus())
    gen = augment._Gen(problems, requests, mc, seed=3, tool_lists=tool_lists)
    pasted = [a for a in (gen.ordinary() for _ in range(600)) if a.family == "ord-pasted-json"]
    # Then pasted JSON is data (configs, records, data-model schemas), never a list of tool definitions
    assert len(pasted) > 20
    for a in pasted:
        assert '"parameters"' not in a.text
        assert a.label == "ordinary"


def test_render_tools_copes_with_corpus_schemas_without_properties():
    # Given a corpus tool whose parameters have no properties
    gen = augment._Gen([], [], [], seed=5)
    specs = [{"name": "ping", "description": "Checks the service.", "parameters": {"type": "dict"}}]
    # When it is rendered in every style, Then each rendering names it
    for _ in range(30):
        assert "ping" in gen.render_tools(specs)
