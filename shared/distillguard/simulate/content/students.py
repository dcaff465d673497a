"""How math students ask for help, written for the simulator: many phrasings of "show me how", never one string.

They say "step by step" and "walk me through it" all the time, which is exactly what a harvesting directive says
too; what they lack is the machine-parsable answer format, the long fixed preamble and the volume. Requests are
built from an opener, the problem, a bit of context and an ask, arranged in one of several layouts, so the same
literal wording rarely repeats."""

from __future__ import annotations

import random

from distillguard.simulate.content.problems import math_problem
from distillguard.simulate.model import Prompt, Turn

OPENERS: tuple[str, ...] = (
    "",
    "hi! ",
    "hey, ",
    "ok so ",
    "sorry if this is a silly question but ",
    "pls help ",
    "quick one: ",
    "Hello, ",
    "um ",
    "so ",
    "Hi there. ",
    "help!! ",
    "Good evening, ",
    "right, ",
)
ASKS: tuple[str, ...] = (
    "can you walk me through it?",
    "walk me through it please",
    "could you go step by step? I want to get how it works, not only the answer",
    "can you show me each step?",
    "explain it step by step pls",
    "break it down for me one bit at a time",
    "how do I set this up?",
    "where do I even start with this one",
    "what's the first thing I should do here?",
    "show me the method so I can do the rest of the sheet myself",
    "I need to show my working, can you go through it with me",
    "how would you solve it? go slowly",
    "explain it like you're my tutor",
    "can we do it together one step at a time",
    "which formula do I use, and why that one?",
    "i dont get how to get the answer, help",
    "what am I missing?",
    "could you check my approach and walk me through the right one",
    "can you explain the steps in simple words",
    "walk me through how you'd think about it",
    "is there a trick to this kind of question?",
    "go through it step by step so I can follow along",
    "please explain, I have a test on this soon",
    "how do you get from the question to the equation?",
    "can you do the first step and let me try the rest?",
    "what does the question actually want me to find?",
)
CONTEXTS: tuple[str, ...] = (
    "",
    "it's for homework due tomorrow. ",
    "my exam is on friday. ",
    "I keep getting {wrong}. ",
    "the answer in the back of the book is {answer} but I can't see why. ",
    "our teacher skipped this in class. ",
    "I've tried it twice already. ",
    "this is from chapter {chapter} of our textbook. ",
    "revising for finals. ",
    "my friend says it's {wrong}, I think it's {answer}? ",
    "we're doing this in study group and nobody gets it. ",
    "I'm in year {year}. ",
)
LAYOUTS: tuple[str, ...] = (
    "{opener}{context}{ask}\n\n{q}",
    "{q}\n\n{opener}{context}{ask}",
    "{opener}this question: {q} {context}{ask}",
    "{q}\n{context}{ask}",
    "{opener}{ask} {q}",
    "{opener}{context}\n{q}\n{ask}",
)
FOLLOW_UPS: tuple[str, ...] = (
    "ok that makes sense, but why did you divide in the second step?",
    "wait, where did the {n} come from?",
    "can you do a similar one with different numbers so I can practise?",
    "thanks!! so if the numbers were bigger it works the same way?",
    "I got {wrong} when I tried again, what did I do wrong?",
    "how would I check that my answer is right?",
)
PARTIAL_ANSWERS: tuple[str, ...] = (
    "Let's start with what we know.",
    "Sure, first let's write down what the question gives us.",
    "Good question. The key idea here is to set up one equation.",
)


def _wrong(answer: str, rng: random.Random) -> str:
    if answer.lstrip("-").isdigit():
        return str(int(answer) + rng.choice((-2, -1, 1, 3, 10)))
    return "something totally different"


def student_prompt(rng: random.Random) -> Prompt:
    """One homework-help request; a few are the second turn of a conversation."""
    problem = math_problem(rng)
    user = rng.choice(LAYOUTS).format(
        opener=rng.choice(OPENERS),
        context=rng.choice(CONTEXTS).format(
            wrong=_wrong(problem.answer, rng),
            answer=problem.answer,
            chapter=rng.randint(2, 14),
            year=rng.randint(8, 13),
        ),
        ask=rng.choice(ASKS),
        q=problem.question,
    )
    if rng.random() < 0.25:
        user = user.lower()
    turns: tuple[Turn, ...] = (Turn("user", user.strip()),)
    variant = "student_homework"
    if rng.random() < 0.18:
        variant = "student_followup"
        follow = rng.choice(FOLLOW_UPS).format(n=rng.randint(2, 12), wrong=_wrong(problem.answer, rng))
        turns = (*turns, Turn("assistant", rng.choice(PARTIAL_ANSWERS)), Turn("user", follow))
    return Prompt(
        label="ordinary",
        turns=turns,
        temperature=rng.choice((None, None, 0.7)),
        max_tokens=rng.choice((1024, 2048)),
        variant=variant,
    )
