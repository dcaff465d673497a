"""Agent developers, written for the simulator: one project each, with one fixed toolset and system prompt.

While building an agent a developer runs the same few test tasks again and again. Each run is a loop: the model
calls a tool, the harness appends the call and its result and sends the whole conversation again, seconds later.
So consecutive requests replay a growing prefix, and the task texts repeat across runs; the toolset never changes.
The prompts are agentic shaped (label agentic_extraction); the account is benign."""

from __future__ import annotations

import random
from dataclasses import dataclass

from distillguard.simulate.content.agent_apps import APPS, fill_app_template
from distillguard.simulate.content.agentic import TASKS, TOOL_RESULTS, fill_task, tool_arguments
from distillguard.simulate.content.tools import CATALOGUE
from distillguard.simulate.model import Prompt, ToolCall, ToolSpec, Turn

PRODUCT_NAMES = (
    "Atlas",
    "Beacon",
    "Cobalt",
    "Drift",
    "Ember",
    "Fable",
    "Gauge",
    "Harbor",
    "Indigo",
    "Juniper",
    "Kite",
    "Mosaic",
    "Nimbus",
    "Orbit",
    "Pylon",
    "Quarry",
    "Relay",
    "Sable",
    "Tandem",
    "Umber",
)
DEV_SYSTEMS = (
    "You are {product}, an assistant for {domain} tasks. Use the tools when they help, and ask the user when a "
    "required detail is missing. Keep the final reply under 120 words.",
    "# {product} (staging build)\nYou help users with {domain} requests through the tools listed. Call one tool at "
    "a time and wait for its result. If a tool errors twice, apologise and stop.",
    "You are the {domain} agent of {product}. Think about which tool answers the request, call it, and answer from "
    "its result only.",
)
FINAL_REPLIES = (
    "Done - here is what I found.",
    "All set. Let me know if you want to change anything.",
    "I couldn't complete every step; details below.",
)


@dataclass(frozen=True)
class DevProject:
    """What one developer is building: the system prompt, the toolset and the test tasks they keep re-running."""

    name: str
    system: str
    tools: tuple[ToolSpec, ...]
    tasks: tuple[str, ...]


def dev_project(rng: random.Random, index: int) -> DevProject:
    """The index-th developer's project: the first few build the known agent apps, the rest their own."""
    if index < len(APPS):
        app = APPS[index]
        tasks = tuple(fill_app_template(rng, template) for template in rng.sample(app.user_templates, 3))
        return DevProject(app.name, app.system, app.tools, tasks)
    domain = rng.choice(sorted(set(TASKS) & set(CATALOGUE)))
    pool = CATALOGUE[domain]
    tools = tuple(rng.sample(pool, min(len(pool), rng.randint(2, 4))))
    extra = rng.choice(CATALOGUE["misc"])
    tools = tuple({spec.name: spec for spec in (*tools, extra)}.values())
    product = f"{rng.choice(PRODUCT_NAMES)}-{index}"
    system = rng.choice(DEV_SYSTEMS).format(product=product, domain=domain)
    tasks = tuple(fill_task(rng, template) for template in TASKS[domain])
    return DevProject(product.lower(), system, tools, tasks)


def dev_run(rng: random.Random, project: DevProject, task: str, steps: int) -> list[Prompt]:
    """One run of a test task: `steps` requests, each replaying the conversation so far plus the last tool result."""
    turns: list[Turn] = [Turn("user", task)]
    prompts: list[Prompt] = []
    for step in range(steps):
        prompts.append(
            Prompt(
                label="agentic_extraction",
                system=project.system,
                turns=tuple(turns),
                tools=project.tools,
                temperature=0.2,
                max_tokens=1024,
                response_text=rng.choice(FINAL_REPLIES) if step == steps - 1 else "",
                variant="agent_dev_loop",
            )
        )
        spec = rng.choice(project.tools)
        call = ToolCall(f"call_{rng.getrandbits(48):012x}", spec.name, tool_arguments(rng, spec))
        turns += [
            Turn("assistant", "", tool_calls=(call,)),
            Turn("tool", rng.choice(TOOL_RESULTS), tool_call_id=call.call_id),
        ]
    return prompts
