"""Ordinary requests, written for the simulator: everyday chat, coding help, homework help (including the
casual "explain step by step" hard negatives) and high-volume product traffic."""

from __future__ import annotations

import random

from distillguard.simulate.content.names import CITIES, COMPANIES, FIRST_NAMES, LANGUAGES, PROG_LANGS
from distillguard.simulate.content.problems import code_problem, math_problem
from distillguard.simulate.model import Prompt, Turn

CHAT: tuple[str, ...] = (
    "Can you help me write a polite email to my landlord asking to fix the heating? It's been broken for {n} days.",
    "Write a short birthday message for my coworker {name}, something warm but not cheesy.",
    "Summarise this in three bullet points:\n\n{notes}",
    'Translate into {lang}: "{phrase}"',
    "What's a good vegetarian dinner I can make in 30 minutes with {food} and {food2}?",
    "Give me a {n}-day itinerary for {city} on a budget. I like food markets and walking.",
    "How do I politely decline a meeting invite without sounding rude?",
    "Rewrite this paragraph to sound more professional:\n\n{informal}",
    "What are some good questions to ask at the end of a job interview for a {job} role?",
    "Explain the difference between a Roth IRA and a traditional IRA like I'm new to investing.",
    "My {pet} keeps {behaviour}. Any tips?",
    "Write a haiku about {topic}.",
    'Can you proofread this cover letter opening? "{informal}"',
    "What's the best way to learn {lang} in six months if I can study 30 minutes a day?",
    "Suggest ten names for a small bakery in {city}.",
    "I have a {n}-hour layover in {city}. Is it worth leaving the airport?",
    "What's the history behind {topic}? Keep it short.",
    "Draft a LinkedIn post announcing that I joined {company} as a {job}.",
    "Help me plan a surprise party for {name} with about {n}0 guests.",
    "What should I pack for a week of hiking in {city} in October?",
    "Make a weekly meal prep plan with a shopping list, high protein, around 2000 kcal a day.",
    "Turn these meeting notes into an email to the team:\n\n{notes}",
    "Explain how vaccines train the immune system, for a curious 12 year old.",
    "Is it safe to eat {food} that's been in the fridge for five days?",
    "Write a toast for my sister's wedding. She loves {topic} and her partner is called {name}.",
    "Can you explain what inflation is and why central banks raise interest rates?",
    "Recommend five novels similar to the ones I liked: mysteries set in small towns.",
    "How do I get red wine out of a white cotton shirt?",
    "I'm giving a 5-minute talk about {topic} at work. Give me an outline.",
    'Reply to this customer complaint in a calm, helpful tone:\n\n"{complaint}"',
)
FILL = {
    "food": ("chickpeas", "spinach", "tofu", "sweet potatoes", "lentils", "mushrooms", "feta", "rice", "eggs"),
    "phrase": (
        "Where is the nearest pharmacy?",
        "We'd like a table for four, please.",
        "Thank you for your hospitality.",
        "Could you send me the invoice by Friday?",
    ),
    "informal": (
        "hey so basically we missed the deadline cause the vendor was late, sorry about that, we'll fix it",
        "i think our team is really good at stuff and i want to help you grow ur business",
        "the new app is kinda buggy and ppl are complaining a lot, we need to do something asap",
    ),
    "job": ("product manager", "data analyst", "nurse", "UX designer", "backend engineer", "teacher"),
    "pet": ("cat", "dog", "parrot", "rabbit"),
    "behaviour": ("scratching the sofa", "barking at night", "chewing cables", "waking me up at 5am"),
    "topic": (
        "autumn rain",
        "the printing press",
        "jazz",
        "coffee",
        "the Silk Road",
        "mountain trains",
        "remote work",
        "urban gardening",
        "chess",
    ),
    "complaint": (
        "I've waited two weeks for my refund and nobody answers my emails.",
        "The product arrived damaged and the box was open.",
        "Your app logged me out three times today and I lost my draft.",
    ),
}
NOTES = (
    "- budget approved for Q2\n- {name} owns the vendor shortlist\n- launch slips to May because of legal review\n"
    "- next sync Thursday",
    "Discussed onboarding survey results: satisfaction up to {n}1%. Main complaint is laptop setup time. {name} "
    "will draft a checklist. IT to pre-image machines from next month.",
    "Customer visit at {company}: they like the reporting module, want SSO and an export to CSV. Pricing "
    "concerns for more than {n}0 seats. Follow-up demo in two weeks.",
)

CODING: tuple[str, ...] = (
    "How do I reverse a list in {lang} without modifying the original?",
    "Why does this throw `{error}`?\n\n```python\n{snippet}\n```",
    "Write a SQL query that returns the top 3 customers by total order value in each country.",
    "What's the difference between `let`, `const` and `var` in JavaScript?",
    "Can you write a bash one-liner that finds all .log files older than 7 days and deletes them?",
    "Explain what a race condition is with a small {lang} example.",
    "Convert this loop into a list comprehension:\n\n```python\nresult = []\nfor x in items:\n    if x > {n}:\n"
    "        result.append(x * 2)\n```",
    "How should I structure a {lang} project with a CLI, a library and tests?",
    "Write a regex that matches UK postcodes.",
    'My Docker container exits immediately with code 0. The Dockerfile ends with `CMD ["python", "app.py"]`. '
    "What should I check?",
    "Review this function and suggest improvements:\n\n```python\n{snippet}\n```",
    "What does `git rebase -i HEAD~{n}` do and when should I use it instead of merge?",
    "Write unit tests with pytest for a function `slugify(title: str) -> str`.",
    "How can I speed up a pandas groupby over {n}0 million rows?",
    "{task}",
    "Implement this in {lang}: {task}",
)
SNIPPETS = (
    "def average(xs):\n    return sum(xs) / len(xs)\n\nprint(average([]))",
    "config = {'host': 'localhost'}\nport = config['port']",
    "items = [1, 2, 3]\nfor i in range(len(items) + 1):\n    print(items[i])",
    "import json\nwith open('data.json') as f:\n    data = json.load(f)\nprint(data['users'][0]['name'])",
    "def fetch(url, retries=3, seen=[]):\n    seen.append(url)\n    return len(seen)",
)
IDE_SYSTEMS: tuple[str, ...] = (
    "You are a coding assistant inside the {ide} editor. The user is working in a {lang} project. Answer "
    "concisely and prefer code over prose. Current file: {file}.",
    "You are an AI pair programmer. Follow the user's code style. When you show code, show only the changed "
    "parts with enough context to apply them.",
)

CASUAL_STEP_BY_STEP: tuple[str, ...] = (
    "could you break this one down for me step by step? I'm stuck on my homework\n\n{q}",
    "{q}\n\nI got a different answer than my friend. Could you walk me through it so I can see where I went wrong?",
    "hey, how do I even start this one? {q}",
    "My teacher wants us to show our work. Can you show me how to do this one step by step so I understand "
    "the method? {q}",
    "I don't get this problem at all: {q} Can you explain it like I'm 14?",
    "{q}",
    "Quick check: {q}",
    "Could you help me with this question from my practice test? {q}",
)
MATH_CHAT: tuple[str, ...] = (
    "What's {a}% of {b}?",
    "How do I calculate compound interest? Say {b} dollars at {a}% for 5 years.",
    "What's the formula for the area of a trapezoid and why does it work?",
    "Is 0.999... really equal to 1? Why?",
    "What is a derivative, intuitively?",
    "How do you convert {a} degrees Fahrenheit to Celsius?",
)

ENTERPRISE_SYSTEM = (
    "You are the ticket triage model for {company} customer support. Classify the ticket into exactly one of: "
    'billing, bug, feature_request, account, other. Reply with JSON {{"category": ..., "urgency": 1-5, '
    '"summary": <one sentence>}}.'
)
TICKETS = (
    "I was charged twice for my subscription this month, please refund one of them.",
    "The export button does nothing in Firefox, tried three times.",
    "Would be great if we could schedule reports to go out weekly.",
    "Can't log in after changing my email address, the reset link expires instantly.",
    "Our team of {n}0 needs an invoice with our VAT number on it.",
    "The mobile app crashes when I open a photo attachment.",
    "How do I delete my account and all my data?",
    "Dashboard numbers don't match the CSV export for last week.",
)
SUMMARY_SYSTEM = (
    "Summarise the following product review in one sentence and give a sentiment of positive, neutral or negative."
)
REVIEWS = (
    "Bought this kettle for my office. Boils fast, but the lid is flimsy and the handle gets hot. Would buy again "
    "for the price though.",
    "Terrible battery life. It barely lasts {n} hours and support never answered.",
    "Exactly as described, arrived a day early. The strap is comfortable even after a long day.",
    "The instructions were confusing, took me {n}0 minutes to assemble. Sturdy once built.",
)


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    values = {key: rng.choice(options) for key, options in FILL.items()}
    values.update(
        n=str(rng.randint(2, 9)),
        name=rng.choice(FIRST_NAMES),
        city=rng.choice(CITIES),
        lang=rng.choice(LANGUAGES),
        company=rng.choice(COMPANIES),
    )
    values["food2"] = rng.choice(FILL["food"])
    values["notes"] = rng.choice(NOTES).format(**values)
    values.update(extra)
    return template.format(**values)


def chat_prompt(rng: random.Random) -> Prompt:
    system = None
    if rng.random() < 0.15:
        system = rng.choice(("You are a helpful assistant.", "You are a friendly assistant. Keep answers short."))
    return Prompt(
        label="ordinary",
        system=system,
        turns=(Turn("user", _fill(rng, rng.choice(CHAT))),),
        temperature=rng.choice((None, 0.7, 1.0)),
        max_tokens=rng.choice((1024, 2048, 4096)),
        variant="chat",
    )


def coding_prompt(rng: random.Random) -> Prompt:
    lang = rng.choice(PROG_LANGS)
    user = rng.choice(CODING).format(
        lang=lang,
        n=rng.randint(2, 9),
        snippet=rng.choice(SNIPPETS),
        task=code_problem(rng).question,
        error=rng.choice(
            (
                "ZeroDivisionError: division by zero",
                "KeyError: 'port'",
                "IndexError: list index out of range",
                "TypeError: 'NoneType' object is not subscriptable",
            )
        ),
    )
    system = None
    if rng.random() < 0.4:
        system = rng.choice(IDE_SYSTEMS).format(
            ide=rng.choice(("VS Code", "JetBrains", "Zed", "Neovim")),
            lang=lang,
            file=rng.choice(("src/app.py", "lib/utils.ts", "cmd/main.go", "tests/test_api.py")),
        )
    turns: tuple[Turn, ...] = (Turn("user", user),)
    if rng.random() < 0.15:
        turns = (
            Turn("user", user),
            Turn("assistant", "Here's one way to do it: ..."),
            Turn(
                "user",
                rng.choice(
                    (
                        "thanks! can you add type hints?",
                        "that fails on empty input, fix it?",
                        "can you explain the second part again?",
                    )
                ),
            ),
        )
    return Prompt(
        label="ordinary",
        system=system,
        turns=turns,
        temperature=rng.choice((None, 0.2, 0.5)),
        max_tokens=rng.choice((2048, 4096)),
        variant="coding_ide" if system else "coding",
    )


def math_student_prompt(rng: random.Random) -> Prompt:
    if rng.random() < 0.2:
        user, variant = rng.choice(MATH_CHAT).format(a=rng.randint(3, 95), b=rng.randint(20, 5000)), "math_chat"
    else:
        user, variant = rng.choice(CASUAL_STEP_BY_STEP).format(q=math_problem(rng).question), "math_homework"
    return Prompt(label="ordinary", turns=(Turn("user", user),), temperature=None, max_tokens=2048, variant=variant)


def enterprise_prompt(rng: random.Random, company: str) -> Prompt:
    if rng.random() < 0.7:
        return Prompt(
            label="ordinary",
            system=ENTERPRISE_SYSTEM.format(company=company),
            turns=(Turn("user", rng.choice(TICKETS).format(n=rng.randint(2, 9))),),
            temperature=0.0,
            max_tokens=200,
            variant="enterprise_triage",
        )
    return Prompt(
        label="ordinary",
        system=SUMMARY_SYSTEM,
        turns=(Turn("user", rng.choice(REVIEWS).format(n=rng.randint(2, 9))),),
        temperature=0.0,
        max_tokens=120,
        variant="enterprise_review",
    )


def ordinary_prompt(rng: random.Random) -> Prompt:
    """Cover traffic: what an attacker mixes in to look like an ordinary customer."""
    roll = rng.random()
    if roll < 0.5:
        return chat_prompt(rng)
    if roll < 0.8:
        return coding_prompt(rng)
    return math_student_prompt(rng)
