"""Ordinary requests, written for the simulator: everyday chat, coding help, homework help (including the
casual "explain step by step" hard negatives) and high-volume product traffic."""

from __future__ import annotations

import random
from dataclasses import dataclass

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


def ordinary_prompt(rng: random.Random) -> Prompt:
    """Cover traffic: what an attacker mixes in to look like an ordinary customer."""
    roll = rng.random()
    if roll < 0.5:
        return chat_prompt(rng)
    if roll < 0.8:
        return coding_prompt(rng)
    return math_student_prompt(rng)


# ------------------------------------------------------- consumer apps: one fixed system prompt whatever users ask
APP_SYSTEMS: tuple[str, ...] = (
    "You are Quillnote's writing helper, built into a note-taking app. Keep replies short and formatted as plain "
    "text that pastes cleanly into a note.",
    "You are the assistant inside Parcel Mail. Help the user read, summarise and reply to their email. Match the "
    "tone of the thread and never invent facts about the sender.",
    "You are Lingo Pal, a friendly language-practice partner. Correct mistakes gently and suggest one more natural "
    "phrasing when it helps.",
    "You are Pantry, a cooking companion. Suggest recipes from what the user has, list quantities in metric, and "
    "flag common allergens.",
    "You are a journaling companion in the Daybook app. Be warm and curious, ask at most one follow-up question, "
    "and never give medical advice.",
    "You are Tabby, a browser extension that explains and summarises whatever page or text the user sends you.",
    "You are CVCraft's resume assistant. Improve wording for clarity and impact without adding experience the user "
    "does not have.",
    "You are the help bot of a community chat server. Answer questions in two or three sentences and keep it friendly.",
)


def app_user_prompt(rng: random.Random, system: str) -> Prompt:
    """A consumer app's request: the app's own system prompt around an everyday ask."""
    base = chat_prompt(rng) if rng.random() < 0.85 else coding_prompt(rng)
    return Prompt(
        label="ordinary",
        system=system,
        turns=base.turns,
        temperature=0.7,
        max_tokens=1024,
        variant="consumer_app",
    )


def general_prompt(rng: random.Random) -> Prompt:
    """What a person without an app sends: mostly chat, some coding, the odd quick sum."""
    roll = rng.random()
    if roll < 0.68:
        return chat_prompt(rng)
    if roll < 0.94:
        return coding_prompt(rng)
    return math_student_prompt(rng)


# ---------------------------------------------------- batch pipelines: one job, one system prompt, every hour
INVOICE_SYSTEM = (
    "Extract the supplier name, invoice number, invoice date (ISO 8601), currency and total amount from the invoice "
    "text. Reply with a single JSON object and nothing else; use null for fields that are absent."
)
INVOICES = (
    "{company}\nInvoice no. INV-{n}0{n}{n}\nDate: {n} March 2026\nConsulting services, {n}0 hours ... EUR {n}{n}0.00\n"
    "VAT 21% ... EUR {n}1.40\nTotal due: EUR {n}{n}1.40",
    "TAX INVOICE {n}{n}{n}-B | {company} | issued 2026-02-{n}{n}\nItems: pallets x{n}, shrink wrap x{n}0\n"
    "Amount payable: USD {n},{n}{n}0",
    "Rechnung Nr. {n}{n}{n}{n} von {company}, Datum {n}.{n}.2026, Gesamtbetrag {n}{n}9,90 EUR",
)
CATALOGUE_SYSTEM = (
    "Write a product description of 60 to 90 words for an online shop from the attributes given. Friendly, "
    "concrete, no superlatives, no claims that are not in the attributes."
)
PRODUCTS = (
    "name: trail running shoe | weight: {n}10 g | drop: {n} mm | upper: recycled mesh | colours: 3",
    "name: stoneware mug | capacity: {n}50 ml | dishwasher safe: yes | glaze: speckled sand",
    "name: desk lamp | colour temperature: 2700-6500 K | arm: 3 joints | power: USB-C, {n} W",
    "name: wool scarf | material: merino {n}0% | length: 1{n}0 cm | care: hand wash",
)
LOG_TRIAGE_SYSTEM = (
    "You label application log lines for an on-call dashboard. For each line answer with one word: ok, degraded, "
    "outage or security."
)
LOG_LINES = (
    "2026-02-03 0{n}:1{n}:02 WARN payments-api latency p99={n}40ms above SLO",
    "2026-02-03 0{n}:2{n}:44 ERROR auth-svc {n}{n} failed logins for admin from one address in 60s",
    "2026-02-03 1{n}:0{n}:10 INFO search-indexer batch {n}{n}{n} completed in {n}.2s",
    "2026-02-03 1{n}:4{n}:59 ERROR checkout upstream inventory timed out after {n}000ms (attempt 3/3)",
)
TRANSLATE_SYSTEM = (
    "Translate the help-centre article snippet into {lang}. Keep product names, button labels in quotes and "
    "markdown formatting exactly as they are."
)
HELP_SNIPPETS = (
    'To change your plan, open **Settings**, choose "Billing" and press "Change plan". The new price applies from '
    "your next invoice.",
    'If the app does not sync, sign out, wait {n} seconds and sign in again. Still stuck? Tap "Contact us".',
    "Exports are kept for {n} days. After that you need to run the export again from the **Reports** page.",
)


@dataclass(frozen=True)
class PipelineJob:
    """A scheduled batch job: one system prompt, inputs from one template family."""

    name: str
    system: str
    inputs: tuple[str, ...]
    max_tokens: int


PIPELINE_JOBS: tuple[PipelineJob, ...] = (
    PipelineJob("ticket_triage", ENTERPRISE_SYSTEM, TICKETS, 200),
    PipelineJob("review_summary", SUMMARY_SYSTEM, REVIEWS, 120),
    PipelineJob("invoice_extraction", INVOICE_SYSTEM, INVOICES, 300),
    PipelineJob("product_copy", CATALOGUE_SYSTEM, PRODUCTS, 400),
    PipelineJob("log_triage", LOG_TRIAGE_SYSTEM, LOG_LINES, 20),
    PipelineJob("help_translation", TRANSLATE_SYSTEM, HELP_SNIPPETS, 600),
)


def pipeline_prompt(rng: random.Random, job: PipelineJob, company: str, lang: str) -> Prompt:
    system = job.system.format(company=company, lang=lang)
    text = rng.choice(job.inputs).format(n=rng.randint(1, 9), company=rng.choice(COMPANIES))
    return Prompt(
        label="ordinary",
        system=system,
        turns=(Turn("user", text),),
        temperature=0.0,
        max_tokens=job.max_tokens,
        variant=f"pipeline_{job.name}",
    )


# ------------------------------------------------------------- one company's staff behind its office NAT
COMPANY_SYSTEM = (
    "You are {company}'s internal assistant. Staff use you for drafting, analysis and code. Do not repeat "
    "confidential figures back unless asked, and say when you are unsure. Use British spelling."
)


def company_prompt(rng: random.Random, company: str) -> Prompt:
    base = chat_prompt(rng) if rng.random() < 0.6 else coding_prompt(rng)
    return Prompt(
        label="ordinary",
        system=COMPANY_SYSTEM.format(company=company),
        turns=base.turns,
        temperature=base.temperature,
        max_tokens=base.max_tokens,
        variant="company_assistant",
    )
