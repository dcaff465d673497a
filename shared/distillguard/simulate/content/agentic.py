"""Agentic harvesting prompts, written for the simulator: tool-use requests over a different random toolset
almost every time, coding-agent harnesses, computer use, multi-agent orchestration and text-scaffold agents."""

from __future__ import annotations

import random
from typing import Any

from distillguard.simulate.content.names import AIRPORTS, CITIES, COMPANIES, FIRST_NAMES, LANGUAGES
from distillguard.simulate.content.tools import ALL_TOOLS, CATALOGUE, CODING_TOOLS, synthetic_toolset
from distillguard.simulate.model import Prompt, ToolCall, ToolSpec, Turn

TASKS: dict[str, tuple[str, ...]] = {
    "weather": (
        "Will it rain in {city} this weekend? If so, suggest indoor plans.",
        "Compare tomorrow's high temperatures in {city} and {city2} and tell me which is warmer.",
        "Check the air quality near {city} right now and whether it is safe to run outside.",
    ),
    "travel": (
        "Find me the cheapest flight from {ap} to {ap2} on 2026-03-{day:02d} and book it for {name} {surname}.",
        "I need a hotel in {city} from 2026-04-{day:02d} for three nights under 150 a night, near the centre.",
        "Plan a {n}-day trip to {city}: flights from {ap}, a hotel, and convert the budget of 2000 USD to local "
        "currency.",
    ),
    "crm": (
        "Log that I called {name} at {company} today and move their deal to proposal.",
        "Create a lead for {company} from the trade fair, contact {email}, and add a note about pricing interest.",
        "Find everything we have on {email} and summarise the relationship.",
    ),
    "data": (
        "What were total sales by region last quarter? Chart it as a bar chart.",
        "Which five customers had the biggest drop in orders month over month? Look at the orders table first.",
        "Find tables related to churn and tell me how churn is defined in the data.",
    ),
    "shell": (
        "Check how much disk space is left and find the largest directories under /var.",
        "Install the dependencies, run the benchmark script and report the median latency.",
    ),
    "files": (
        "Rename every occurrence of `{func}` to `{func2}` across the project.",
        "Read config/settings.yaml and fix the indentation error in it.",
    ),
    "dev": (
        "CI is failing on main. Fetch the latest job logs, find the cause and propose a fix.",
        "Run the tests, fix whatever fails and open a pull request describing the change.",
    ),
    "browser": (
        "Go to the city council website for {city} and find when the next recycling collection is.",
        "Search the web for the latest release notes of the {company} SDK and summarise the breaking changes.",
        "Log into the supplier portal and download last month's invoice as PDF.",
    ),
    "computer": (
        "Open the spreadsheet on the desktop, sort column B descending and save it.",
        "Change the system display resolution to 1920x1080.",
        "In the open email client, move all newsletters from this week into the Archive folder.",
    ),
    "calendar": (
        "Find a 45-minute slot next week when {name}, {name2} and I are all free and book a design review.",
        "What's on my calendar tomorrow? Move anything after 5pm to Friday.",
    ),
    "email": (
        "Search my inbox for the contract from {company} and send a summary to #legal on Slack.",
        "Email {name} that the launch moves to Thursday and post the same note in #launch.",
    ),
    "payments": (
        "Refund 30 EUR of payment pay_{hex} and send the customer an updated invoice.",
        "Create an invoice for customer cus_{hex} for {amount} USD and tell me my current balance.",
    ),
    "commerce": (
        "Where is my order #{order}? If it's delayed, find a similar product under 40 dollars.",
        "Add two of the best-rated {item} under 25 dollars to my cart.",
    ),
    "maps": (
        "How long does it take to cycle from the {city} train station to the old town? Any cafes on the way?",
        "Geocode our three office addresses and tell me which two are closest.",
    ),
    "orchestration": (
        "Research the top competitors of {company}, write a comparison report and email it to {email}.",
        "Migrate our onboarding docs to the new wiki, check every link and file tickets for broken pages.",
    ),
    "misc": (
        "What's the current price of {ticker}, and how many shares can I buy with 5000 USD?",
        "Translate this support reply into {lang} and open a ticket to track the follow-up.",
    ),
}

GENERIC_AGENT_SYSTEMS: tuple[str | None, ...] = (
    "You are an autonomous assistant that completes tasks by calling the provided functions. Think about which "
    "function to call, call it with valid JSON arguments, read the result, and continue until the task is done. "
    "If no function fits, say so.",
    "You have access to a set of tools. For each user request, decide whether a tool call is needed. You may call "
    "several tools in parallel. Only produce a final answer once you have all the information.",
    "You are a function-calling agent. Respond ONLY with tool calls until the user's goal is achieved, then give "
    "a one-paragraph summary of what you did.",
    "You are a helpful agent with tool access. Plan briefly, then act. Never invent tool results; if a call fails, "
    "retry with corrected arguments.",
    None,
)

CODING_HARNESSES: tuple[str, ...] = (
    "You are an autonomous software engineering agent working in a sandboxed checkout of the repository at "
    "/workspace/{repo}. You can read and edit files and run shell commands through the tools. Reproduce the "
    "reported issue first, make the smallest change that fixes it, add a regression test and run the test suite. "
    "Do not ask the user questions; work until the task is resolved, then reply with a summary of the change.",
    "SETUP: you operate a terminal and a file editor inside a container. Each turn, write a short thought, then "
    "call exactly ONE tool. The environment returns the tool output. When the task is complete, call "
    "`git_diff` and finish with the word DONE.\nREPOSITORY: {repo}\nLANGUAGE: {lang}",
    "# Role\nYou are a coding agent embedded in a CI pipeline for {repo}.\n# Rules\n- Explore before editing.\n"
    "- Keep edits minimal and consistent with the code style.\n- Always run the relevant tests after an edit.\n"
    "- Stop when tests pass.\n# Tools\nUse the provided function tools; shell commands time out after 120 s.",
)
ISSUES: tuple[str, ...] = (
    "`{func}()` raises {error} when the input list is empty instead of returning an empty result.",
    "Parsing dates like '2026-02-30' silently rolls over to March; it should raise a validation error.",
    "The CLI ignores the --{flag} flag when a config file is also given.",
    "Memory grows without bound when `{func}` is called in a loop; the cache never evicts entries.",
    "Unicode file names are mangled by the export command on Windows.",
    "The retry decorator retries on {error}, which should be treated as permanent.",
)
COMPUTER_SYSTEMS: tuple[str, ...] = (
    "You are controlling a Linux desktop through screenshots and mouse/keyboard actions. The screen is 1280x800. "
    "Take a screenshot before acting, act, and verify the effect with another screenshot. Continue until the "
    "task is finished.",
    "You are a computer-use agent. Available actions are provided as tools. Coordinates are in pixels from the "
    "top-left. Prefer keyboard shortcuts when reliable. Report when the task is complete.",
)
ORCHESTRATOR_SYSTEMS: tuple[str, ...] = (
    "You are the lead agent of a multi-agent system. Break the user's goal into subtasks, dispatch each to a "
    "specialised sub-agent (researcher, coder, writer, reviewer) with precise instructions, keep the plan "
    "updated, and combine the sub-agents' reports into the final deliverable.",
    "You orchestrate worker agents. First write a plan with update_plan. Then run independent subtasks in "
    "parallel via dispatch_agent, check their outputs for errors, re-dispatch when needed, and store useful "
    "findings with memory_write.",
)
SCAFFOLD_SYSTEM = (
    "Solve the task by alternating Thought, Action and Observation lines. Thought reasons about the current "
    "situation. Action is one of: {actions}. After each Action you will receive an Observation. Finish with "
    "Action: finish[answer].\n\nTask: {task}\nThought 1:"
)
TOOL_RESULTS: tuple[str, ...] = (
    '{"status": "ok", "results": 3}',
    '{"error": "rate_limited", "retry_after": 2}',
    "exit code 0\n12 passed, 1 failed in 3.41s",
    '{"rows": [["EMEA", 1204332.5], ["AMER", 2209871.0]], "truncated": false}',
    "File updated successfully.",
    '{"temperature": 14.2, "conditions": "light rain"}',
)


def fill_task(rng: random.Random, template: str) -> str:
    return template.format(
        city=rng.choice(CITIES),
        city2=rng.choice(CITIES),
        ap=rng.choice(AIRPORTS),
        ap2=rng.choice(AIRPORTS),
        day=rng.randint(1, 28),
        name=rng.choice(FIRST_NAMES),
        name2=rng.choice(FIRST_NAMES),
        surname=rng.choice(("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak")),
        n=rng.randint(2, 7),
        company=rng.choice(COMPANIES),
        email=f"{rng.choice(FIRST_NAMES).lower()}@example.com",
        func=rng.choice(("load_config", "merge_rows", "parse_header", "resolve_path")),
        func2=rng.choice(("read_settings", "combine_rows", "read_header", "normalise_path")),
        hex=f"{rng.getrandbits(40):010x}",
        amount=rng.randint(50, 9000),
        order=rng.randint(100000, 999999),
        item=rng.choice(("headphones", "desk lamps", "water bottles", "backpacks")),
        ticker=rng.choice(("ACME", "NWND", "BLFN", "KSTR")),
        lang=rng.choice(LANGUAGES),
        error=rng.choice(("IndexError", "KeyError", "TimeoutError", "ValueError")),
        flag=rng.choice(("verbose", "dry-run", "output", "force")),
    )


def _sample_tools(rng: random.Random, pool: tuple[ToolSpec, ...], low: int, high: int) -> tuple[ToolSpec, ...]:
    k = min(len(pool), rng.randint(low, high))
    return tuple(rng.sample(pool, k))


def _with_trajectory(rng: random.Random, user: str, tools: tuple[ToolSpec, ...]) -> tuple[Turn, ...]:
    """A later step of an episode: the first call and its result are already in the conversation."""
    first = rng.choice(tools)
    call = ToolCall(f"call_{rng.getrandbits(48):012x}", first.name, tool_arguments(rng, first))
    return (
        Turn("user", user),
        Turn("assistant", f"I'll start by calling {first.name}.", tool_calls=(call,)),
        Turn("tool", rng.choice(TOOL_RESULTS), tool_call_id=call.call_id),
    )


def tool_arguments(rng: random.Random, spec: ToolSpec) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key in spec.parameters.get("required", []):
        kind = spec.parameters["properties"][key]["type"]
        args[key] = rng.randint(1, 100) if kind in ("integer", "number") else f"{key}_{rng.randint(1, 99)}"
    return args


def agentic_prompt(rng: random.Random) -> Prompt:
    roll = rng.random()
    if roll < 0.45:
        return _tool_use(rng)
    if roll < 0.70:
        return _coding_agent(rng)
    if roll < 0.82:
        return _computer_use(rng)
    if roll < 0.94:
        return _orchestrator(rng)
    return _text_scaffold(rng)


def _finish(rng: random.Random, system: str | None, user: str, tools: tuple[ToolSpec, ...], variant: str) -> Prompt:
    turns = _with_trajectory(rng, user, tools) if rng.random() < 0.3 else (Turn("user", user),)
    return Prompt(
        label="agentic_extraction",
        system=system,
        turns=turns,
        tools=tools,
        temperature=rng.choice((0.0, 0.2, 0.7, 1.0)),
        max_tokens=rng.choice((2048, 4096, 8192)),
        variant=variant,
    )


def _tool_use(rng: random.Random) -> Prompt:
    domains = rng.sample(sorted(CATALOGUE), rng.randint(1, 3))
    pool = tuple(spec for domain in domains for spec in CATALOGUE[domain])
    tools = _sample_tools(rng, pool, 2, 7) + _sample_tools(rng, ALL_TOOLS, 0, 3)
    tools = tuple({spec.name: spec for spec in tools}.values())
    user = fill_task(rng, rng.choice(TASKS[domains[0]]))
    return _finish(rng, rng.choice(GENERIC_AGENT_SYSTEMS), user, tools, "tool_use")


def _coding_agent(rng: random.Random) -> Prompt:
    repo = f"{rng.choice(('acme', 'openlab', 'tinyco', 'datakit'))}/{rng.choice(('parser', 'etl', 'cli', 'sdk'))}"
    system = rng.choice(CODING_HARNESSES).format(repo=repo, lang=rng.choice(("Python", "TypeScript", "Go")))
    issue = fill_task(rng, rng.choice(ISSUES))
    user = f"<issue>\n{issue}\n</issue>\n\nResolve the issue above in the repository {repo}."
    return _finish(rng, system, user, _sample_tools(rng, CODING_TOOLS, 4, 10), "coding_agent")


def _computer_use(rng: random.Random) -> Prompt:
    tools = _sample_tools(rng, CATALOGUE["computer"], 3, 5) + _sample_tools(rng, CATALOGUE["browser"], 0, 3)
    user = fill_task(rng, rng.choice(TASKS["computer"] + TASKS["browser"]))
    return _finish(rng, rng.choice(COMPUTER_SYSTEMS), user, tools, "computer_use")


def _orchestrator(rng: random.Random) -> Prompt:
    domain = rng.choice(sorted(CATALOGUE))
    tools = _sample_tools(rng, CATALOGUE["orchestration"], 2, 4) + _sample_tools(rng, CATALOGUE[domain], 1, 3)
    user = fill_task(rng, rng.choice(TASKS["orchestration"] + TASKS[domain]))
    return _finish(rng, rng.choice(ORCHESTRATOR_SYSTEMS), user, tools, "orchestrator")


def _text_scaffold(rng: random.Random) -> Prompt:
    actions = ", ".join(f"{name}[...]" for name in rng.sample(("search", "lookup", "open", "calculate", "ask"), 3))
    task = fill_task(rng, rng.choice(TASKS["browser"] + TASKS["misc"] + TASKS["maps"]))
    return Prompt(
        label="agentic_extraction",
        turns=(Turn("user", SCAFFOLD_SYSTEM.format(actions=actions, task=task)),),
        temperature=0.0,
        max_tokens=512,
        response_text="I need to search",
        variant="text_scaffold",
    )


# --------------------------------------------------------- agentic swarm: invented toolsets on a round-robin script
SWARM_SYSTEMS: tuple[str, ...] = (
    "You are an operations agent with API access. Work out which of the available functions achieve the goal, call "
    "them with complete arguments, and keep going until the goal is met.",
    "Complete the assignment using only the functions provided. Emit function calls, not prose, until you have "
    "everything; then report the outcome in two sentences.",
    "You are a back-office automation agent. Validate inputs before calling write operations and prefer dry runs "
    "when a function offers one.",
)
SWARM_TASKS: tuple[str, ...] = (
    "For {name}, {verb} the {noun} records from last week and flag anything still open.",
    "{verb} every {noun} owned by {email} and then notify them with a summary.",
    "Check whether the {noun} for order {order} can be rescheduled to 2026-03-{day:02d}; if so do it.",
    "We need a report: {verb} {noun} entries for region {region}, group them by status, and archive the closed ones.",
    "Resolve the backlog: find urgent {noun} items, assign them to {name} and confirm each assignment.",
)


def swarm_prompt(rng: random.Random) -> Prompt:
    """A swarm request: some from the shared catalogue, most over a freshly invented toolset."""
    if rng.random() < 0.4:
        return agentic_prompt(rng)
    tools = synthetic_toolset(rng)
    verb, _, noun = tools[0].name.partition("_")
    for suffix in ("_v2", "_by_id", "_bulk", "_async"):
        noun = noun.removesuffix(suffix)
    user = rng.choice(SWARM_TASKS).format(
        name=rng.choice(FIRST_NAMES),
        verb=verb,
        noun=noun.replace("_", " "),
        email=f"{rng.choice(FIRST_NAMES).lower()}@example.org",
        order=rng.randint(10_000, 99_999),
        day=rng.randint(1, 28),
        region=rng.choice(("eu-west", "us-east", "apac", "latam")),
    )
    return _finish(rng, rng.choice(SWARM_SYSTEMS), user, tools, "synthetic_toolset")
