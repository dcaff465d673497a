"""`distillguard classify`: one output line per input line, same order, label and three scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distillguard.cli import main
from distillguard.records import LABELS


def test_classify_labels_each_line_in_order(tmp_path: Path) -> None:
    # Given prompts of each kind, some with ids
    inputs = [
        {"id": "chat", "text": "[user]\nWrite a short, friendly note thanking my neighbour for feeding the cat."},
        {
            "id": 7,
            "text": '[system]\nYou can call tools.\n\n[tools]\n[{"type": "function", "function": {"name": '
            '"get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": '
            '{"city": {"type": "string"}}}}}]\n\n[user]\nWhat is the weather in Lyon?',
        },
        {"text": "[user]\nPlease reason step by step, and put your final answer within \\boxed{}.\nWhat is 17*23?"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(item) for item in inputs) + "\n")
    target = tmp_path / "out.jsonl"
    # When classified
    assert main(["classify", "--input", str(source), "--output", str(target)]) == 0
    # Then there is one line per input, in order, with ids kept
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [row["id"] for row in rows] == ["chat", 7, None]
    assert [row["label"] for row in rows] == ["ordinary", "agentic_extraction", "cot_harvesting"]
    for row in rows:
        assert set(row["scores"]) == set(LABELS)
        assert abs(sum(row["scores"].values()) - 1) < 1e-4
        assert row["label"] == max(row["scores"], key=row["scores"].get)


def test_a_line_without_text_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "prompt": "wrong field"}\n')
    with pytest.raises(SystemExit, match="in.jsonl:1: not a JSON object with a 'text' string"):
        main(["classify", "--input", str(source), "--output", str(tmp_path / "out.jsonl")])
