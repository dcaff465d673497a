"""Authored training augmentation: our own templates (models/authored/templates.py) filled with problems and
requests taken from the *training* part of the corpus.

Every generated example carries its family (``models/families.py``), so that leave-one-family-out drops every
authored template of the held-out family, and remembers the corpus prompts its fillers came from
(``fill_ids``, ``fill_groups``), so that no held-out corpus text reaches training through augmentation either.
Inside a generator, families are drawn uniformly, so a family with few templates is not drowned by a big one.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from distillguard.classifier.preprocessing import split_blocks
from models.authored import templates as T
from models.data import Example
from models.families import FAMILIES

AUTHORED_GROUP = "authored"

PROBLEM_GROUPS = (
    "openai/grade-school-math",
    "deepseek-ai/DeepSeek-Math",
    "sahil280114/codealpaca",
    "openai/human-eval",
    "yizhongw/self-instruct",
    "lm-sys/FastChat",
)
REQUEST_GROUPS = ("yizhongw/self-instruct", "lm-sys/FastChat", "f/awesome-chatgpt-prompts", "sahil280114/codealpaca")


@dataclass(frozen=True, slots=True)
class Augmented:
    text: str
    label: str
    family: str
    fill_groups: tuple[str, ...]  # corpus source groups of the filler texts ("authored" for our own)
    fill_ids: tuple[int, ...]  # corpus indices of the filler texts

    @property
    def source(self) -> str:
        return f"authored:{self.family}"


def _last_user(text: str) -> str | None:
    blocks = split_blocks(text)
    users = [b.content for b in blocks if b.role == "user"]
    if len(users) != 1:
        return None
    return users[0].strip()


Filler = tuple[str, str, int]  # text, source group, corpus index (-1: authored)


_MC_RE = re.compile(r"\n\(?A[.)]\s")


def _tool_specs_in(text: str) -> list[dict] | None:
    """The tool definitions of an agentic prompt's configuration (its system prompt or tools parameter), as
    ``{"name", "description", "parameters"}`` dicts: the first JSON list of named objects found there."""
    decoder = json.JSONDecoder()
    for block in split_blocks(text):
        if block.role not in ("system", "tools"):
            continue
        for m in _JSON_LIST_RE.finditer(block.content):
            try:
                value, _ = decoder.raw_decode(block.content, m.start())
            except ValueError:
                continue
            if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
                continue
            specs = [v["function"] if isinstance(v.get("function"), dict) else v for v in value]
            if all(isinstance(s.get("name"), str) and isinstance(s.get("parameters"), dict) for s in specs):
                return [
                    {"name": s["name"], "description": str(s.get("description", "")), "parameters": s["parameters"]}
                    for s in specs
                ]
    return None


_JSON_LIST_RE = re.compile(r"\[\s*\{")


Pools = tuple[list[Filler], list[Filler], list[Filler], list[Filler]]


def fill_pools(examples: Sequence[Example]) -> Pools:
    """(problems, requests, multiple-choice problems, tool lists) as (text, group, index) from the corpus:
    problems and requests from ordinary single-turn prompts (the multiple-choice pool also holds a few authored
    items), tool lists (JSON) from the configuration of agentic prompts that define their tools as JSON."""
    problems: list[Filler] = []
    requests: list[Filler] = []
    tool_lists: list[Filler] = []
    mc: list[Filler] = [(q, AUTHORED_GROUP, -1) for q in T.AUTHORED_MC]
    for i, ex in enumerate(examples):
        if ex.label == "agentic_extraction":
            specs = _tool_specs_in(ex.text)
            if specs and len(specs) <= MAX_FILLER_TOOLS:
                tool_lists.append((json.dumps(specs), ex.group, i))
            continue
        if ex.label != "ordinary":
            continue
        content = _last_user(ex.text)
        if not content or len(content) > 1500:
            continue
        if ex.group in PROBLEM_GROUPS:
            problems.append((content, ex.group, i))
            if _MC_RE.search(content):
                mc.append((content, ex.group, i))
        if ex.group in REQUEST_GROUPS and len(content) < 600:
            requests.append((content, ex.group, i))
    return problems, requests, mc, tool_lists


# Corpus tool lists longer than this are not used as fillers (a prompt keeps only the head of a long list).
MAX_FILLER_TOOLS = 8
# Share of the authored function-calling prompts whose tools come from the corpus's tool lists (the others
# are made up from T.TOOL_VERBS, T.TOOL_NOUNS and T.PARAM_POOL): real tool definitions carry the varied
# wording of real APIs, which made-up ones lack.
CORPUS_TOOLS_SHARE = 0.5


def _join(*blocks: tuple[str, str]) -> str:
    return "\n\n".join(content if role == "raw" else f"[{role}]\n{content}" for role, content in blocks)


class _Gen:
    def __init__(
        self,
        problems: list[Filler],
        requests: list[Filler],
        mc_problems: list[Filler],
        seed: int,
        tool_lists: list[Filler] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.tool_lists = tool_lists or []
        self.problems = problems or [("What is 2 + 2?", AUTHORED_GROUP, -1)]
        self.mc_problems = mc_problems
        authored_requests = [(r.format(num=7), AUTHORED_GROUP, -1) for r in T.ORDINARY_REQUESTS]
        self.requests = (requests or []) + authored_requests
        self._used: list[tuple[str, int]] = []

    def pick(self, pool: list[Filler]) -> str:
        text, group, idx = self.rng.choice(pool)
        self._used.append((group, idx))
        return text

    def done(self, text: str, label: str, family: str) -> Augmented:
        used, self._used = self._used, []
        groups = tuple(sorted({g for g, _ in used})) or (AUTHORED_GROUP,)
        return Augmented(text, label, family, groups, tuple(sorted({i for _, i in used if i >= 0})))

    def nums(self) -> dict[str, int]:
        r = self.rng
        return {"num": r.randint(2, 90), "num2": r.randint(2, 90), "num3": r.randint(2, 500)}

    def fmt(self, template: str, **kw: str) -> str:
        values = {"subject": self.rng.choice(T.SUBJECTS), "repo": self.rng.choice(T.REPOS), **self.nums(), **kw}
        return template.format(**values)

    def answer(self) -> str:
        """A response to judge or a trace to rewrite: authored, or a corpus text standing in for one."""
        if self.rng.random() < 0.5:
            return self.fmt(self.rng.choice(T.GENERIC_ANSWERS))
        return self.pick(self.requests if self.rng.random() < 0.5 else self.problems)

    # --- tools -------------------------------------------------------------------------------------------
    def tool_specs(self, k: int) -> list[dict]:
        r = self.rng
        specs = []
        for _ in range(k):
            verb, noun = r.choice(T.TOOL_VERBS), r.choice(T.TOOL_NOUNS)
            params = r.sample(T.PARAM_POOL, r.randint(1, 4))
            specs.append(
                {
                    "name": f"{verb}_{noun}" if r.random() < 0.8 else f"{verb}{noun.title().replace('_', '')}",
                    "description": f"{verb[0].upper()}{verb[1:]} {' '.join(noun.split('_'))} information for the user.",
                    "parameters": {
                        "type": "object",
                        "properties": {n: {"type": t, "description": d} for n, t, d in params},
                        "required": [params[0][0]],
                    },
                }
            )
        return specs

    def redraw_numbers(self, value: object) -> object:
        """A copy of a JSON value with every integer (not the booleans) drawn again."""
        if isinstance(value, dict):
            return {k: self.redraw_numbers(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redraw_numbers(v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool):
            return self.rng.randint(1, max(2 * value, 10))
        return value

    def corpus_tool_specs(self) -> list[dict]:
        """The tool list of one training corpus prompt (its index is remembered like any filler's)."""
        return json.loads(self.pick(self.tool_lists))

    def render_tools(self, specs: list[dict]) -> str:
        style = self.rng.randrange(6)
        if style == 0:
            return json.dumps(specs, indent=self.rng.choice([2, 4]))
        if style == 1:
            return "\n".join(json.dumps({"type": "function", "function": s}) for s in specs)
        if style == 2:
            lines = []
            for s in specs:
                args = ", ".join(f"{n}: {_type_name(p)}" for n, p in _properties(s).items())
                lines.append(f'def {s["name"]}({args}) -> dict:\n    """{s["description"]}"""')
            return "\n\n".join(lines)
        if style == 3:
            return "\n".join(f"- {s['name']}({', '.join(_properties(s))}): {s['description']}" for s in specs)
        if style == 4:
            # TypeScript-like declarations inside a namespace, one comment line per description.
            lines = ["namespace functions {", ""]
            for s in specs:
                lines.append(f"// {s['description']}")
                fields = "".join(
                    (f"// {p['description']}\n" if isinstance(p, dict) and p.get("description") else "")
                    + f"{n}: {_type_name(p)},\n"
                    for n, p in _properties(s).items()
                )
                lines.append(f"type {s['name']} = (_: {{\n{fields}}}) => any;\n")
            return "\n".join(lines + ["} // namespace functions"])
        return "\n".join(
            f'<tool name="{s["name"]}">\n  <description>{s["description"]}</description>\n  <parameters>'
            f"{json.dumps(s['parameters'])}</parameters>\n</tool>"
            for s in specs
        )

    # --- families ----------------------------------------------------------------------------------------
    def family_of(self, table: dict[str, list[str]]) -> tuple[str, str]:
        """A family chosen uniformly (so that small families are not drowned), then one of its templates."""
        family = self.rng.choice(sorted(table))
        return family, self.rng.choice(table[family])

    def cot_system(self) -> Augmented:
        family, system = self.family_of(T.COT_SYSTEM)
        return self.done(_join(("system", system), ("user", self.pick(self.problems))), "cot_harvesting", family)

    def cot_user(self) -> Augmented:
        r = self.rng
        family, template = self.family_of(T.COT_USER)
        p = self.pick(self.mc_problems) if family == "cot-mc-answer-directive" else self.pick(self.problems)
        blocks = [("user", self.fmt(template, p=p))]
        if r.random() < 0.3:
            blocks.insert(0, ("system", r.choice(T.ORDINARY_SYSTEM)))
        return self.done(_join(*blocks), "cot_harvesting", family)

    def cot_prefill(self) -> Augmented:
        r = self.rng
        p = self.pick(self.problems)
        blocks = [("user", self.fmt(r.choice(T.ORDINARY_WRAPPERS["ord-plain-wrapper"]), p=p))]
        if r.random() < 0.4:
            blocks.insert(0, ("system", r.choice(T.ORDINARY_SYSTEM)))
        blocks.append(("assistant", r.choice(T.COT_PREFILL)))
        return self.done(_join(*blocks), "cot_harvesting", "cot-prefill")

    def outputs(self) -> str:
        r = self.rng
        layout = r.choice(T.RANKING_LAYOUTS)
        return "\n\n".join(layout.format(i=i, x=self.answer()) for i in range(1, r.randint(3, 6)))

    def judge(self) -> Augmented:
        r = self.rng
        family, template = self.family_of(T.JUDGE)
        q = self.pick(self.problems if r.random() < 0.6 else self.requests)
        extra = {"outputs": self.outputs()} if "{outputs}" in template else {}
        text = self.fmt(template, q=q, a=self.answer(), b=self.answer(), **extra)
        if r.random() < 0.4:
            # The instruction as the system prompt, the material to judge as the user turn.
            instruction, _, material = text.partition("\n\n")
            return self.done(_join(("system", instruction), ("user", material or q)), "cot_harvesting", family)
        return self.done(_join(("user", text)), "cot_harvesting", family)

    def trace(self) -> Augmented:
        r = self.rng
        q = self.pick(self.problems)
        b = "\n".join(self.answer() for _ in range(r.randint(1, 3)))
        text = self.fmt(r.choice(T.TRACE_REWRITE), q=q, a=self.answer(), b=b)
        return self.done(_join(("user", text)), "cot_harvesting", "cot-trace-rewrite")

    def agent(self) -> Augmented:
        r = self.rng
        req = self.pick(self.requests if r.random() < 0.5 else self.problems)
        if self.tool_lists and r.random() < CORPUS_TOOLS_SHARE:
            specs = self.corpus_tool_specs()
        else:
            specs = self.tool_specs(r.randint(1, 5))
        names = ", ".join(s["name"] for s in specs)
        if r.random() < 0.55:
            # OpenAI-style tools parameter, serialised as a [tools] block after the system turn.
            tools_json = json.dumps([{"type": "function", "function": s} for s in specs])
            blocks = [("tools", tools_json), ("user", req)]
            if r.random() < 0.5:
                blocks.insert(0, ("system", r.choice(T.ORDINARY_SYSTEM + ["You are a helpful assistant with tools."])))
            family = "agent-tools-param"
        else:
            system = self.fmt(r.choice(T.AGENT_SYSTEM), tools=self.render_tools(specs), names=names)
            blocks = [("system", system), ("user", req)]
            family = "agent-prompted-functions"
        if r.random() < 0.3:
            call = {"name": specs[0]["name"], "arguments": json.dumps({"query": req[:30]})}
            blocks.append(("assistant", f"[tool_calls] {json.dumps([call])}"))
            blocks.append(("tool", self.fmt(r.choice(T.AGENT_OBSERVATIONS))))
        return self.done(_join(*blocks), "agentic_extraction", family)

    def agent_prose(self) -> Augmented:
        r = self.rng
        caps = r.sample(T.AGENT_CAPABILITIES, r.randint(1, 4))
        cap_text = ", ".join(c for c, _ in caps[:-1]) + (" and " if len(caps) > 1 else "") + caps[-1][0]
        syntax = "; ".join(f"to {c}, write {s}" for c, s in caps)
        system = r.choice(T.AGENT_PROSE_SYSTEM).format(
            name=r.choice(T.AGENT_NAMES), caps=cap_text, syntax_sentence=syntax[0].upper() + syntax[1:] + "."
        )
        task = self.pick(self.requests if r.random() < 0.6 else self.problems)
        blocks = [("system", system), ("user", task)]
        if r.random() < 0.25:
            blocks.append(("assistant", f"I will use: {caps[0][1]}"))
            blocks.append(("user", "RESULT: " + self.fmt(r.choice(T.AGENT_OBSERVATIONS))))
        return self.done(_join(*blocks), "agentic_extraction", "agent-prose-tools")

    def episode(self, names: list[str], n_steps: int, react: bool) -> str:
        """A synthetic worked episode: Thought/Action/Observation-style steps (Plan/Call/Result-style outside the
        ReAct family) whose observations are corpus texts standing in for retrieved passages."""
        r = self.rng
        if react:
            words = r.choice([("Thought", "Action", "Observation"), ("Thought", "Act", "Obs")])
        else:
            words = r.choice([("Plan", "Call", "Result"), ("Reasoning", "Tool", "Output"), ("Step", "Run", "Got")])
        numbered = r.random() < 0.6
        with_thoughts = r.random() < 0.7  # act-only episodes have no thought lines
        syntax = r.randrange(3)
        q = self.pick(self.requests)
        lines = [f"{r.choice(['Question', 'Task', 'Claim', 'Goal'])}: {q[:300]}"]
        for k in range(1, n_steps + 1):
            n = f" {k}" if numbered else ""
            tool = r.choice(names)
            arg = " ".join(q.split()[:4])
            call = (f"{tool}[{arg}]", f'{tool}("{arg}")', f"{tool}: {arg}")[syntax]
            if with_thoughts:
                lines.append(f"{words[0]}{n}: I need to find out more about {arg}.")
            lines.append(f"{words[1]}{n}: {call}")
            lines.append(f"{words[2]}{n}: {self.pick(self.requests + self.problems)[:400]}")
        final = (
            f"{words[1]} {n_steps + 1}: finish[{self.answer()[:40]}]"
            if numbered
            else f"Final Answer: {self.answer()[:60]}"
        )
        lines.append(final)
        return "\n".join(lines)

    def agent_loop(self) -> Augmented:
        r = self.rng
        family, template = self.family_of(T.AGENT_LOOP)
        react = family == "agent-react-loop"
        q = self.pick(self.requests if r.random() < 0.5 else self.problems)
        specs = self.tool_specs(r.randint(2, 5))
        names = [s["name"] for s in specs] + ["search", "lookup"]
        marker = "\x00QUESTION\x00"
        text = self.fmt(template, tools=self.render_tools(specs), names=", ".join(names), q=marker)
        if r.random() < 0.7:
            # Few-shot: worked episodes go between the instructions and the line with the new question.
            demos = [self.episode(names, r.randint(1, 4), react) for _ in range(r.randint(1, 4))]
            if r.random() < 0.4:
                demos.insert(0, r.choice([d for d in T.AGENT_DEMOS if ("Observation" in d) == react]))
            line_start = text.rfind("\n", 0, text.index(marker)) + 1
            joined = "\n\n".join(demos)
            text = f"{text[:line_start]}Here are some examples.\n\n{joined}\n\n{text[line_start:]}"
        text = text.replace(marker, q)
        return self.done(text, "agentic_extraction", family)

    def coding_agent(self) -> Augmented:
        r = self.rng
        family, system = self.family_of(T.CODING_AGENT_SYSTEM)
        issue = self.pick(self.problems if r.random() < 0.5 else self.requests)
        blocks = [
            ("system", self.fmt(system)),
            ("user", self.fmt(r.choice(T.CODING_AGENT_USER[family]), issue=issue)),
        ]
        if r.random() < 0.4:
            opener = "Let me look at the repository first.\n```bash\nls -la\n```"
            if family == "agent-browser":
                opener = "I will open the start page first.\nNAVIGATE https://example.com/"
            blocks.append(("assistant", opener))
            blocks.append(("user" if r.random() < 0.5 else "tool", self.fmt(r.choice(T.AGENT_OBSERVATIONS))))
        return self.done(_join(*blocks), "agentic_extraction", family)

    def ordinary(self) -> Augmented:
        r = self.rng
        family = r.choice(ORDINARY_AUTHORED_FAMILIES)
        if family == "ord-pasted-json":
            # Data, not tools: no payload is made from the agents' tool definitions (T.TOOL_VERBS ...), which as
            # ordinary examples taught the model that a list of function definitions is no sign of an agent.
            payload: object
            if r.random() < 0.45:
                names = r.sample(T.TOOL_NOUNS, r.randint(1, 3))
                payload = {n: self.nums()["num"] for n in names} | {"items": [self.pick(self.requests)[:60]]}
            else:
                payload = self.redraw_numbers(r.choice(T.ORDINARY_JSON_PAYLOADS))
            data = json.dumps(payload, indent=r.choice([None, 2]))
            user = r.choice(T.ORDINARY_JSON_WRAPPERS).replace("{json}", data)
        elif family == "ord-roleplay-persona":
            user = self.fmt(r.choice(T.ORDINARY_PERSONA))
        elif family == "ord-roleplay-game":
            user = self.fmt(r.choice(T.ORDINARY_GAMES))
        elif family == "ord-structured-prompt":
            topic = r.choice(T.STRUCTURED_TOPICS)
            parts = [f"# {r.choice(T.STRUCTURED_TITLES)}", r.choice(T.STRUCTURED_ROLES).format(topic=topic)]
            parts += r.sample(T.STRUCTURED_SECTIONS, r.randint(3, 7))
            if r.random() < 0.4:
                parts.append("My input:\n" + self.pick(self.requests))
            user = "\n\n".join(parts)
        elif family == "ord-stepwise-instruction":
            kind = r.random()
            if kind < 0.35:
                user = self.fmt(r.choice(T.ORDINARY_STEPWISE))
            elif kind < 0.6:
                user = r.choice(T.ORDINARY_EXPLAIN_REASONING)
            else:
                user = self.fmt(r.choice(T.ORDINARY_STEPWISE_WRAPPERS), p=self.pick(self.requests))
        elif family == "ord-evaluation-talk":
            user = self.fmt(r.choice(T.ORDINARY_EVALUATION_TALK))
        elif family == "ord-chat-multiturn":
            u1, a1, u2 = (self.fmt(x) for x in r.choice(T.ORDINARY_CHAT))
            if r.random() < 0.5:
                # A problem or request, a long earlier answer, then a follow-up question.
                u1 = self.pick(self.problems if r.random() < 0.5 else self.requests)
                a1 = "\n\n".join(self.answer() for _ in range(r.randint(1, 3)))
                u2 = r.choice(T.ORDINARY_FOLLOW_UPS)
            blocks = [("user", u1), ("assistant", a1), ("user", u2)]
            if r.random() < 0.4:
                blocks.insert(0, ("system", r.choice(T.ORDINARY_SYSTEM)))
            return self.done(_join(*blocks), "ordinary", family)
        else:  # ord-plain-wrapper, ord-casual-stepwise
            pool = self.problems if r.random() < 0.5 else self.requests
            if family == "ord-plain-wrapper" and r.random() < 0.15:
                pool = self.mc_problems  # a multiple-choice question asked plainly
            user = self.fmt(r.choice(T.ORDINARY_WRAPPERS[family]), p=self.pick(pool))
        blocks = [("user", user)]
        if r.random() < 0.3:
            blocks.insert(0, ("system", r.choice(T.ORDINARY_SYSTEM)))
        return self.done(_join(*blocks), "ordinary", family)


def _properties(spec: dict) -> dict:
    props = spec.get("parameters", {}).get("properties", {})
    return props if isinstance(props, dict) else {}


def _type_name(param: object) -> str:
    kind = param.get("type", "any") if isinstance(param, dict) else "any"
    return kind if isinstance(kind, str) else "any"


ORDINARY_AUTHORED_FAMILIES = (
    "ord-pasted-json",
    "ord-roleplay-persona",
    "ord-roleplay-game",
    "ord-structured-prompt",
    "ord-stepwise-instruction",
    "ord-evaluation-talk",
    "ord-chat-multiturn",
    "ord-plain-wrapper",
    "ord-plain-wrapper",  # twice: the plain wrappers carry the widest range of corpus fillers
    "ord-casual-stepwise",
)

# How many examples each generator makes (before any fold filtering); families inside a generator are uniform.
DEFAULT_COUNTS = {
    "cot_system": 700,
    "cot_user": 1500,
    "cot_prefill": 150,
    "judge": 1100,
    "trace": 250,
    "agent": 1300,
    "agent_loop": 500,
    "agent_prose": 400,
    "coding_agent": 350,
    "ordinary": 2600,
}


def generate(examples: Sequence[Example], seed: int = 13, counts: dict[str, int] | None = None) -> list[Augmented]:
    problems, requests, mc_problems, tool_lists = fill_pools(examples)
    gen = _Gen(problems, requests, mc_problems, seed, tool_lists)
    out: list[Augmented] = []
    for method, n in (counts or DEFAULT_COUNTS).items():
        make = getattr(gen, method)
        out.extend(make() for _ in range(n))
    unknown = {a.family for a in out} - set(FAMILIES)
    if unknown:
        raise ValueError(f"authored families missing from models/families.py: {sorted(unknown)}")
    # Exact duplicates add nothing.
    seen: set[str] = set()
    unique = []
    for a in out:
        if a.text not in seen:
            seen.add(a.text)
            unique.append(a)
    return unique
